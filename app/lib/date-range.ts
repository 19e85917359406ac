import { z } from 'zod'

// A YYYY-MM-DD range from a query string, checked: real dates, from ≤ to, at most ~5 years.

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-24')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a real date')

export const DateRangeQuery = z
  .object({ from: day.optional(), to: day.optional() })
  .refine((r) => !r.from || !r.to || r.from <= r.to, { message: 'from must not be after to', path: ['from'] })
  .refine((r) => !r.from || !r.to || Date.parse(r.to) - Date.parse(r.from) <= 5 * 366 * 86_400_000, {
    message: 'the range is at most five years',
    path: ['to'],
  })
