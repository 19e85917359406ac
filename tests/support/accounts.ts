import { tempDir } from './server'

/**
 * Sends this test file's mail to a fresh outbox folder and fixes the session secret. Call it at
 * the top of the file: configuration is read once, on first use.
 */
export function useAccountsTestEnv(): { outbox: string } {
  const outbox = tempDir('sm-outbox')
  process.env.OUTBOX_DIR = outbox
  process.env.SESSION_SECRET ??= 'test-session-secret-that-is-long-enough-0123'
  return { outbox }
}

/** A POSTed form, as a browser without JavaScript sends it. */
export function formRequest(url: string, fields: Record<string, string>, opts: { cookie?: string; address?: string } = {}): Request {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' }
  if (opts.cookie) headers.Cookie = opts.cookie
  if (opts.address) headers['X-Client-Address'] = opts.address
  return new Request(new URL(url, 'http://localhost'), { method: 'POST', headers, body: new URLSearchParams(fields) })
}

export function getRequest(url: string, opts: { cookie?: string } = {}): Request {
  return new Request(new URL(url, 'http://localhost'), { headers: opts.cookie ? { Cookie: opts.cookie } : {} })
}

export interface Outcome {
  status: number
  location: string | null
  setCookie: string | null
  /** the form reply (or other data) an action returned */
  body: any
}

/** What a loader or action answered, thrown or returned: a redirect, data(…, { status }), or plain data. */
export async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  let result: unknown
  try {
    result = await run()
  } catch (thrown) {
    result = thrown
  }
  if (result instanceof Response) {
    // A resource route answers with a real Response (so its status survives single fetch): its JSON is the reply.
    const body = result.headers.get('Content-Type')?.includes('application/json') ? await result.clone().json() : null
    return { status: result.status, location: result.headers.get('Location'), setCookie: result.headers.get('Set-Cookie'), body }
  }
  const r = result as { type?: string; init?: { status?: number } | null; data?: unknown }
  if (r && r.type === 'DataWithResponseInit') return { status: r.init?.status ?? 200, location: null, setCookie: null, body: r.data }
  if (result instanceof Error) throw result
  return { status: 200, location: null, setCookie: null, body: result }
}

/** "__session=…" from a Set-Cookie header, ready to send back as a Cookie header. */
export function cookieOf(setCookie: string | null): string {
  if (!setCookie) throw new Error('expected a Set-Cookie header')
  return setCookie.split(';')[0]!
}
