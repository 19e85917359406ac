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
