import { z } from 'zod'

// Whole numbers as people type them. `Number()` and `z.coerce.number()` also read "0x10" as 16,
// "1e2" as 100, "0b11" as 3 and a blank as 0, so a typo or a trick changes the quantity that
// is ordered or the stock that is recorded. Only plain decimal notation is a number here.

/** A sign, decimal digits, and a point with more digits: what `inner` may go on to judge. */
const plainDecimal = /^[-+]?\d{1,16}(?:\.\d{1,16})?$/

/**
 * `inner` (a z.number() schema with its own messages) fed only from plain decimal text, so
 * "-2" and "1.5" still get its "not negative" and "whole number" messages; anything else
 * reaches it as NaN, which it refuses with its "must be a number".
 */
export function decimalDigits<T extends z.ZodType>(inner: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value
    const text = value.trim()
    return plainDecimal.test(text) ? Number(text) : Number.NaN
  }, inner)
}
