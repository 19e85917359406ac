import type { Database } from '../../db/connection'
import { startUserSession } from '../../app/lib/session.server'

/** A person in the database (no password needed for session-based tests), with a confirmed address unless `unconfirmed`. */
export async function insertPerson(db: Database, name: string, opts: { steward?: boolean; unconfirmed?: boolean } = {}) {
  const row = await db
    .insertInto('people')
    .values({
      email: `${name.toLowerCase().replace(/\W+/g, '.')}@test.example.org`,
      displayName: name,
      isSteward: opts.steward ? 1 : 0,
      // Confirmed unless a test says otherwise, like the people an administrator sets up.
      emailConfirmedAt: opts.unconfirmed ? null : '2026-01-01T00:00:00.000Z',
    })
    .returning(['id', 'email'])
    .executeTakeFirstOrThrow()
  return row
}

/** The Cookie header of a signed-in session for this person (the app's db must be `useAsAppDb`'d). */
export async function sessionCookieFor(personId: number): Promise<string> {
  const response = await startUserSession(personId, '/')
  return response.headers.get('Set-Cookie')!.split(';')[0]!
}

/** Status of whatever a loader or action produced or threw: Response, data(), or plain data (200). */
export async function statusOf(run: () => Promise<unknown>): Promise<{ status: number; location: string | null; body: unknown }> {
  let result: unknown
  try {
    result = await run()
  } catch (thrown) {
    result = thrown
  }
  if (result instanceof Response) return { status: result.status, location: result.headers.get('Location'), body: null }
  const r = result as { type?: string; init?: { status?: number } | null; data?: unknown }
  if (r && r.type === 'DataWithResponseInit') return { status: r.init?.status ?? 200, location: null, body: r.data }
  if (result instanceof Error) throw result
  return { status: 200, location: null, body: result }
}

export function request(url: string, opts: { cookie?: string; form?: Record<string, string> } = {}): Request {
  const headers: Record<string, string> = {}
  if (opts.cookie) headers.Cookie = opts.cookie
  if (!opts.form) return new Request(new URL(url, 'http://localhost'), { headers })
  return new Request(new URL(url, 'http://localhost'), { method: 'POST', headers, body: new URLSearchParams(opts.form) })
}
