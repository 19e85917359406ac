// Small readers for the fields of forms whose actions dispatch on an `intent`; the reply to a
// refused submission is http.server's FormReply (formDomain, formReply, formValues).

/** A form field as a string ('' when absent or not text). */
export function field(form: FormData, name: string): string {
  const value = form.get(name)
  return typeof value === 'string' ? value : ''
}

/** A positive whole-number id from a form or route param, or null. */
export function idFrom(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,15}$/.test(value)) return null
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : null
}
