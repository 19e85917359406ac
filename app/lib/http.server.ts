import { data } from '@remix-run/node'
import type { z } from 'zod'
import { isAppError } from './errors'

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
