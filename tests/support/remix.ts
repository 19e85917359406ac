/** The arguments Remix passes a loader, for calling one directly. */
export function loaderArgs(url: string, params: Record<string, string> = {}) {
  return { request: new Request(new URL(url, 'http://localhost')), params, context: {} }
}

/** The status of an error response a loader threw with `data(message, { status })`. */
export async function thrownStatus(promise: Promise<unknown> | (() => unknown)): Promise<{ status: number; message: unknown }> {
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (error) {
    const e = error as { init?: { status?: number }; data?: unknown; status?: number }
    if (e.init?.status) return { status: e.init.status, message: e.data }
    if (error instanceof Response) return { status: error.status, message: await error.text() }
    throw error
  }
  throw new Error('expected the loader to throw an error response')
}

/** The data of a loader result, whether it returned plain data or `data(value, init)`. */
export function unwrap<T>(result: T): T extends { type: string; data: infer D; init: unknown } ? D : T {
  const r = result as { type?: string; data?: unknown }
  return (r && r.type === 'DataWithResponseInit' ? r.data : result) as never
}

/** The headers a loader set with `data(value, { headers })`. */
export function initHeaders(result: unknown): Headers {
  const r = result as { init?: { headers?: HeadersInit } | null }
  return new Headers(r?.init?.headers ?? {})
}
