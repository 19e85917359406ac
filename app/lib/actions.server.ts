import { data } from '@remix-run/node'
import { isAppError } from './errors'

/** What an action answers when a rule says no: the form shows `formError` and keeps its input. */
export interface FormFailure {
  formError: string
  intent: string | null
  /** what the person typed, to put back into the form */
  values: Record<string, string>
}

/** The text fields of a form, to give back with an error (never passwords or tokens). */
export function typedValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {}
  for (const [key, value] of form) if (typeof value === 'string' && !/password|token/i.test(key)) values[key] = value.slice(0, 2000)
  return values
}

/**
 * Runs an action's one domain call. A rule violation (a 4xx AppError) becomes a response the
 * form can show, with the same status; anything else is a real error for the error boundary.
 */
export async function attempt<T>(form: FormData | null, call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; response: ReturnType<typeof data<FormFailure>> }> {
  try {
    return { ok: true, value: await call() }
  } catch (error) {
    if (isAppError(error) && error.status < 500) {
      const intent = form ? field(form, 'intent') || null : null
      return { ok: false, response: data<FormFailure>({ formError: error.message, intent, values: form ? typedValues(form) : {} }, { status: error.status }) }
    }
    throw error
  }
}

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
