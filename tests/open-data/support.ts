import type { LoaderFunctionArgs } from '@remix-run/node'

type Loader = (args: LoaderFunctionArgs) => Promise<Response> | Response

/** Calls an API route's loader (or action, for other methods) as Remix would, and reads the answer. */
export async function call(handler: Loader, url: string, params: Record<string, string> = {}, init?: RequestInit) {
  const request = new Request(new URL(url, 'http://localhost'), init)
  const response = await handler({ request, params, context: {} } as LoaderFunctionArgs)
  const text = await response.text()
  const contentType = response.headers.get('Content-Type') ?? ''
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: contentType.startsWith('application/json') && text ? (JSON.parse(text) as any) : undefined,
  }
}
