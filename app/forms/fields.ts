import { z } from 'zod'

// Pieces of the form schemas in this folder. They import only zod and browser-safe helpers, so
// a page may check its form before sending it with the same schema its action parses.

/** A text field as the domain receives it: '' when absent, since the domain judges its content. */
export const text = z.string().default('')

/** A positive whole-number id posted by a form; `message` when it is missing or malformed. */
export function formId(message: string) {
  return z
    .string({ error: message })
    .regex(/^[1-9]\d{0,15}$/, message)
    .transform(Number)
    .refine(Number.isSafeInteger, message)
}
