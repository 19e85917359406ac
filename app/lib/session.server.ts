import { clock } from './clock'
import { createCookie, data, redirect, type Cookie } from '@remix-run/node'
import { createSession, personForSession, revokeSession, SESSION_DAYS, type Account } from './session-store.server'
import { getDb } from './db.server'
import { env, sessionSecrets } from './env.server'

// Who is asking. The `__session` cookie carries only a random session id, signed so a tampered
// cookie is dropped before the database is asked; the session itself (who, until when, whether
// it was ended) lives in the sessions table, so logging out really ends it.

export type CurrentUser = Account

const COOKIE_NAME = '__session'

let cookie: Cookie | undefined
// Made on first use: reading the secret may create its file, which importing must not do.
function sessionCookie(): Cookie {
  cookie ??= createCookie(COOKIE_NAME, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secrets: sessionSecrets(),
    secure: env().APP_URL.startsWith('https:'),
    maxAge: SESSION_DAYS * 24 * 60 * 60,
  })
  return cookie
}

async function sessionId(request: Request): Promise<string | null> {
  const header = request.headers.get('Cookie')
  // Most requests carry no session; answer those without a signature check or a query.
  if (!header || !header.includes(`${COOKIE_NAME}=`)) return null
  const value: unknown = await sessionCookie().parse(header)
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null
}

export async function getOptionalUser(request: Request): Promise<CurrentUser | null> {
  const id = await sessionId(request)
  return id ? personForSession(getDb(), id, clock.date()) : null
}

/** The signed-in person; anyone else is sent to log in and brought back here afterwards. */
export async function requireUser(request: Request): Promise<CurrentUser> {
  const user = await getOptionalUser(request)
  if (user) return user
  const url = new URL(request.url)
  throw redirect(`/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`)
}

export async function requireSteward(request: Request): Promise<CurrentUser> {
  const user = await requireUser(request)
  if (!user.isSteward) throw data('Only stewards can do this.', { status: 403 })
  return user
}

/**
 * A path on this site to go to after logging in; anything else (another site, `//host`,
 * `/\host`, which browsers read as another site too) becomes the home page.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/'): string {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return fallback
  // Control characters and backslashes have no business in our paths and confuse URL parsers.
  if (to.length > 2000 || [...to].some((c) => c.charCodeAt(0) <= 0x1f || c === '\u007f' || c === '\\')) return fallback
  return to
}

/** Opens a session for the person and sends the browser on with the cookie set. */
export async function startUserSession(personId: number, redirectTo: string): Promise<Response> {
  const id = await createSession(getDb(), personId, clock.date())
  return redirect(safeRedirect(redirectTo), { headers: { 'Set-Cookie': await sessionCookie().serialize(id) } })
}

/** Ends the request's session (in the database, not just in the browser) and goes home. */
export async function endUserSession(request: Request): Promise<Response> {
  const id = await sessionId(request)
  if (id) await revokeSession(getDb(), id, clock.date())
  return redirect('/', { headers: { 'Set-Cookie': await sessionCookie().serialize('', { maxAge: 0, expires: new Date(0) }) } })
}

/**
 * The network address the request came from, for rate limits. The HTTP server sets this header
 * from the socket (see http-app.server.ts), replacing any value the client sent.
 */
export function clientAddress(request: Request): string {
  return request.headers.get('X-Client-Address')?.trim().slice(0, 100) || 'unknown'
}
