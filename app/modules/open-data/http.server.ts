import { createHash } from 'node:crypto'
import { AppError, isAppError } from '../../lib/errors'
import { languageParam, type Language } from '../../i18n/config'
import { visitorLanguage } from '../../i18n/detect'
import { localized } from '../../i18n/translator.server'

// The HTTP edge of the open-data API. Mirrors read it with scripts, not browsers, so every
// answer — errors included — is JSON they can parse, with CORS open so other sites' pages can
// read it too. Domain code throws AppError; this is the one place that turns it into JSON.
// Codes stay English for scripts; messages are in the caller's language (?lng=, then
// Accept-Language; the API has no session).

const JSON_TYPE = 'application/json; charset=utf-8'

/** Headers every answer carries, so a mirror's browser code can read errors and ETags alike. */
export const corsHeaders: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'ETag, X-Export-Truncated, X-Export-Row-Limit',
}

export const publicCaching = 'public, max-age=60'

export function apiJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': JSON_TYPE, ...corsHeaders, ...headers } })
}

/** A JSON error; with `language`, its message (English in the code) is written in that language. */
export function apiError(status: number, code: string, message: string, parameter?: string, language?: Language): Response {
  const text = language ? localized(language, message) : message
  const error = parameter === undefined ? { code, message: text } : { code, parameter, message: text }
  return apiJson({ error }, status, { 'Cache-Control': 'no-store' })
}

const codeFor: Record<string, string> = {
  invalid_input: 'invalid_parameter',
  not_found: 'not_found',
  forbidden: 'forbidden',
  conflict: 'conflict',
  rate_limited: 'rate_limited',
  unavailable: 'unavailable',
}

/**
 * Runs an API loader. An AppError becomes its JSON error (a bad parameter names itself in
 * `details`); anything else is logged and answered as a JSON 500, never Remix's HTML page.
 */
export async function apiLoader(request: Request, run: () => Promise<Response>): Promise<Response> {
  try {
    return await run()
  } catch (error) {
    const language = visitorLanguage(request)
    if (isAppError(error)) {
      const parameter = error.details ? Object.keys(error.details)[0] : undefined
      return apiError(error.status, codeFor[error.code] ?? error.code, error.message, parameter, language)
    }
    if (error instanceof Response) return error
    console.error(`${request.method} ${new URL(request.url).pathname} failed:`, error)
    return apiError(500, 'internal_error', 'Something went wrong on our side; please try again.', undefined, language)
  }
}

/** The API is read-only: a preflight is answered, every other method is a 405. */
export function readOnly(request: Request): Response {
  if (request.method === 'OPTIONS') {
    return new Response(null, {
      status: 204,
      headers: {
        ...corsHeaders,
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': 'If-None-Match',
        'Access-Control-Max-Age': '86400',
      },
    })
  }
  return apiError(405, 'method_not_allowed', `The open-data API is read-only; ${request.method} is not allowed. Use GET.`, undefined, visitorLanguage(request))
}

/** A parameter the caller got wrong: a 400 that names it. */
export function badParameter(parameter: string, message: string): AppError {
  return new AppError('invalid_input', message, { [parameter]: message })
}

/**
 * The query string as one value per parameter. Unknown and repeated parameters are refused
 * rather than ignored: a mirror with a typo in a filter would otherwise copy the wrong set.
 * `lng` (the language of error messages) is every endpoint's and is left out.
 */
export function queryParameters(url: URL, allowed: readonly string[]): Record<string, string> {
  const raw: Record<string, string> = {}
  for (const [key, value] of url.searchParams) {
    if (key === languageParam) continue
    const shown = key.length > 60 ? `${key.slice(0, 60)}…` : key
    if (!allowed.includes(key))
      throw badParameter(
        key,
        allowed.length
          ? `Unknown parameter "${shown}". This endpoint takes: ${allowed.join(', ')}.`
          : `Unknown parameter "${shown}". This endpoint takes: no parameters.`,
      )
    if (key in raw) throw badParameter(key, `"${shown}" is given more than once; give it once.`)
    raw[key] = value
  }
  return raw
}

export function shortHash(...parts: string[]): string {
  const h = createHash('sha256')
  for (const p of parts) h.update(p).update('\u0000')
  return h.digest('base64url').slice(0, 16)
}

/** Whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 asks for GET). */
export function notModified(request: Request, etag: string): boolean {
  const header = request.headers.get('If-None-Match')
  if (!header) return false
  const bare = (tag: string) => tag.trim().replace(/^W\//, '')
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag))
}

/** The 200 with its validators, or a bodiless 304 when the caller already has it. */
export function cachedAnswer(
  request: Request,
  etag: string,
  body: string | ReadableStream<Uint8Array>,
  contentType = JSON_TYPE,
  extra: Record<string, string> = {},
): Response {
  const headers = { ...corsHeaders, ETag: etag, 'Cache-Control': publicCaching, ...extra }
  if (notModified(request, etag)) return new Response(null, { status: 304, headers })
  return new Response(body, { status: 200, headers: { 'Content-Type': contentType, ...headers } })
}
