import { z } from 'zod'

// Pieces of the form schemas in this folder. They import only zod and browser-safe helpers, so
// a page may check its form before sending it with the same schema its action parses.

/** A text field as the domain receives it: '' when absent, since the domain judges its content. */
export const text = z.string().default('')

/** A positive whole number written in plain digits, or null. */
function idOf(value: string): number | null {
  if (!/^[1-9]\d{0,15}$/.test(value)) return null
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : null
}

/** A positive whole-number id posted by a form; `message` when it is missing or malformed. */
export function formId(message: string) {
  return text.transform((value, ctx) => {
    const id = idOf(value)
    if (id !== null) return id
    ctx.addIssue({ code: 'custom', message })
    return z.NEVER
  })
}

/** An id the domain judges itself: 0, which names nothing, when it is missing or malformed. */
export const domainId = text.transform((value) => idOf(value) ?? 0)
