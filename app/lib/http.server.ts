import { data, redirect } from '@remix-run/node'
import type { z } from 'zod'
import { isAppError } from './errors'
import type { Language } from '../i18n/config'
import { localized } from '../i18n/translator.server'

// ---------------------------------------------------------------------------------------------
// Resource routes (no page: webhooks, downloads, images, exports, health). With single fetch,
// a `data(body, { status })` *returned* from one loses its status (Remix sends its body as a
// 200), and a thrown one is logged as an object and answered with Remix's generic message. So
// they answer with real Responses, and `resource()` turns whatever they throw into one.

/** A JSON answer with a status that arrives as given. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers } })
}

function thrownAnswer(thrown: unknown): { status: number; message: string; headers?: HeadersInit } | null {
  const d = thrown as { type?: string; data?: unknown; init?: ResponseInit | null }
  if (d && d.type === 'DataWithResponseInit') return { status: d.init?.status ?? 500, message: String(d.data), headers: d.init?.headers }
  if (isAppError(thrown)) return { status: thrown.status, message: thrown.message }
  return null
}

/**
 * Runs a resource route's loader or action. A thrown Response (a redirect to log in) passes as
 * it is; a thrown `data(message, { status })` or AppError becomes a real Response with that
 * status and the message, as JSON (`{ "error": message }`) or plain text; nothing is logged,
 * since a refused request is the caller's mistake. Anything else is a real error and rethrown.
 * With `language` (e.g. `visitorLanguage(request)`), the message is written in it.
 */
export async function resource(run: () => Promise<Response>, format: 'json' | 'text' = 'text', language?: Language): Promise<Response> {
  try {
    return await run()
  } catch (thrown) {
    if (thrown instanceof Response) return thrown
    const answer = thrownAnswer(thrown)
    if (!answer) throw thrown
    if (language) answer.message = localized(language, answer.message)
    const headers = new Headers(answer.headers)
    headers.set('Cache-Control', 'no-store')
    if (format === 'json') {
      headers.set('Content-Type', 'application/json; charset=utf-8')
      return new Response(JSON.stringify({ error: answer.message }), { status: answer.status, headers })
    }
    headers.set('Content-Type', 'text/plain; charset=utf-8')
    return new Response(answer.message, { status: answer.status, headers })
  }
}

function firstIssueMessage(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'The request is not valid.'
  const field = issue.path.length ? `${issue.path.join('.')}: ` : ''
  return `${field}${issue.message}`
}

/** Parses the URL's query with `schema`; a bad value is a 400 naming the parameter. */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S, toInput?: (params: URLSearchParams) => Record<string, string>): z.infer<S> {
  const url = new URL(request.url)
  let raw: Record<string, string> = {}
  if (toInput) raw = toInput(url.searchParams)
  else for (const [key, value] of url.searchParams) if (!(key in raw)) raw[key] = value
  const result = schema.safeParse(raw)
  if (!result.success) throw data(firstIssueMessage(result.error), { status: 400 })
  return result.data
}

/** Parses route params with `schema`; an impossible param is a 404, since no page lives there. */
export function parseParams<S extends z.ZodType>(params: unknown, schema: S): z.infer<S> {
  const result = schema.safeParse(params)
  if (!result.success) throw data('There is nothing at this address.', { status: 404 })
  return result.data
}

/** Runs one domain call; its AppError becomes an HTTP error response with the same message. */
export async function domain<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (isAppError(error)) throw data(error.message, { status: error.status })
    throw error
  }
}

// ---------------------------------------------------------------------------------------------
// Forms that work without JavaScript: a failed submission answers 4xx with the page's data, so
// the form shows again with a message beside each field and what the person typed.

/** What a form's action returns when the submission failed. */
export interface FormReply {
  /** about the submission as a whole (e.g. "too many attempts"); null when fields say it all */
  formError: string | null
  fieldErrors: Partial<Record<string, string>>
  /** the submitted text, to fill the form again; never passwords */
  values: Record<string, string>
}

export type FormReplyResponse = ReturnType<typeof data<FormReply>>

/** Reads a submitted form, refusing bodies far larger than any of our forms needs. */
export async function readForm(request: Request, maxBytes = 64 * 1024): Promise<FormData> {
  const tooLarge = () => data('This form is larger than we accept.', { status: 413 })
  const declared = Number(request.headers.get('Content-Length') ?? '0')
  if (declared > maxBytes) throw tooLarge()
  // A body sent without a length (chunked) is counted as it arrives, never buffered past the limit.
  const chunks: Uint8Array[] = []
  let size = 0
  if (request.body) {
    const reader = request.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) {
        await reader.cancel()
        throw tooLarge()
      }
      chunks.push(value)
    }
  }
  try {
    const body = new Uint8Array(size)
    let offset = 0
    for (const chunk of chunks) {
      body.set(chunk, offset)
      offset += chunk.byteLength
    }
    return await new Response(body, { headers: { 'Content-Type': request.headers.get('Content-Type') ?? '' } }).formData()
  } catch {
    throw data('The form could not be read; please submit it again.', { status: 400 })
  }
}

function textFields(formData: FormData): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const [key, value] of formData) if (typeof value === 'string' && !(key in fields)) fields[key] = value
  return fields
}

/** The text a person submitted, to put back into the form: everything but passwords. */
export function formValues(formData: FormData): Record<string, string> {
  return keptValues(textFields(formData))
}

/** A password is never sent back into a page, not even to save retyping it. */
function keptValues(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !/password/i.test(key)))
}

export function formReply(reply: Partial<FormReply> & Pick<FormReply, 'values'>, status = 400): FormReplyResponse {
  return data({ formError: null, fieldErrors: {}, ...reply }, { status })
}

export interface ParseOptions {
  /**
   * Fields whose problem is told above the form rather than beside them: ids a button posts
   * from a hidden input, with nothing to show a message beside, or 'all' for pages that show
   * one message above each form (the first problem found).
   */
  above?: 'all' | readonly string[]
}

/** Parses a form with `schema`: its data, or a 400 reply with one message per field (or above the form). */
export function parseForm<S extends z.ZodType>(
  formData: FormData,
  schema: S,
  options: ParseOptions = {},
): { ok: true; data: z.infer<S>; values: Record<string, string> } | { ok: false; reply: FormReplyResponse } {
  const fields = textFields(formData)
  const values = keptValues(fields)
  // An upload's files reach the schema too (a field of its own name); only text is echoed back.
  const files: Record<string, File> = {}
  for (const [key, value] of formData) if (typeof value !== 'string' && !(key in fields) && !(key in files)) files[key] = value
  const result = schema.safeParse({ ...files, ...fields })
  if (result.success) return { ok: true, data: result.data, values }
  const fieldErrors: Record<string, string> = {}
  let formError: string | null = null
  for (const issue of result.error.issues) {
    const field = issue.path[0]
    if (field === undefined || options.above === 'all' || options.above?.includes(String(field))) formError ??= issue.message
    else fieldErrors[String(field)] ??= issue.message
  }
  return { ok: false, reply: formReply({ formError, fieldErrors, values }) }
}

/**
 * Runs one domain call for a form. Its AppError becomes the form's reply with the error's
 * status: a message beside the fields it names, or above the form when it names none.
 */
export async function formDomain<T>(
  values: Record<string, string>,
  call: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; reply: FormReplyResponse }> {
  try {
    return { ok: true, value: await call() }
  } catch (error) {
    if (!isAppError(error)) throw error
    const reply = error.details ? { fieldErrors: error.details, values } : { formError: error.message, values }
    return { ok: false, reply: formReply(reply, error.status) }
  }
}

/** The reply to a form whose `intent` no handler knows: a page older than the server's code. */
export const OUT_OF_DATE = 'This form is out of date: reload the page and try again.'

/** A form schema's parsed data, narrowed to one intent. */
type IntentData<S extends z.ZodType<{ intent: string }>, K> = Extract<z.infer<S>, { intent: K }>

/** What a form's action answers: a redirect (or other Response) on success, else its FormReply. */
export type FormOutcome = Response | FormReplyResponse

/** One handler per intent the schema knows; each gets its intent's parsed data and the values to echo. */
export type IntentHandlers<S extends z.ZodType<{ intent: string }>> = {
  [K in z.infer<S>['intent']]: (input: IntentData<S, K>, values: Record<string, string>) => Promise<FormOutcome>
}

/**
 * Parses a form with `schema` (a discriminated union on `intent` when a page has several forms)
 * and runs the handler for its intent. An intent no handler knows is an out-of-date page (400,
 * with OUT_OF_DATE or the page's own `unknownIntent` message);
 * a field the schema refuses is a 400 reply with the schema's message.
 */
export async function dispatchForm<S extends z.ZodType<{ intent: string }>>(
  formData: FormData,
  schema: S,
  handlers: IntentHandlers<S>,
  options: ParseOptions & { unknownIntent?: string } = {},
): Promise<FormOutcome> {
  const intent = formData.get('intent')
  if (typeof intent !== 'string' || !Object.hasOwn(handlers, intent))
    return formReply({ formError: options.unknownIntent ?? OUT_OF_DATE, values: formValues(formData) })
  const form = parseForm(formData, schema, options)
  if (!form.ok) return form.reply
  const handler = handlers[intent as keyof IntentHandlers<S>] as (input: z.infer<S>, values: Record<string, string>) => Promise<FormOutcome>
  return handler(form.data, form.values)
}

/** Runs one domain call for a form, then redirects to `to` (given its result); its AppError is the form's reply. */
export async function formRedirect<T>(values: Record<string, string>, call: () => Promise<T>, to: string | ((value: T) => string)): Promise<FormOutcome> {
  const result = await formDomain(values, call)
  if (!result.ok) return result.reply
  return redirect(typeof to === 'string' ? to : to(result.value))
}
