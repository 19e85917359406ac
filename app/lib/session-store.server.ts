import type { Db } from '../../db/schema'
import { secretHash, newSecret } from './tokens.server'
import { clock } from './clock'

// The sessions table: who a session id belongs to, until when, and whether it was ended. Kept
// here, under the cookie that carries the id (session.server.ts), so that knowing who is asking
// needs no domain module: accounts open and end sessions through these functions.

/** A signed-in person, as every page sees them. */
export interface Account {
  id: number
  email: string
  displayName: string
  isSteward: boolean
  /** whether the person confirmed their address through a mailed link */
  emailConfirmed: boolean
  /** the language the person chose (a code from locales/), or null */
  language: string | null
  /** the IANA zone the person reads times in, or null */
  timeZone: string | null
}

export const SESSION_DAYS = 30
const SESSION_MS = SESSION_DAYS * 24 * 60 * 60 * 1000

const iso = (t: Date) => t.toISOString()

/** The people columns an Account is made of. */
export const accountColumns = ['id', 'email', 'displayName', 'isSteward', 'emailConfirmedAt', 'language', 'timeZone'] as const

export function toAccount(row: {
  id: number
  email: string
  displayName: string
  isSteward: 0 | 1
  emailConfirmedAt: string | null
  language: string | null
  timeZone: string | null
}): Account {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    isSteward: row.isSteward === 1,
    emailConfirmed: row.emailConfirmedAt !== null,
    language: row.language,
    timeZone: row.timeZone,
  }
}

/** Opens a session and returns its id, the secret the cookie carries; only its hash is stored. */
export async function createSession(db: Db, personId: number, now: Date = clock.date()): Promise<string> {
  const rawId = newSecret()
  await db
    .insertInto('sessions')
    .values({ idHash: secretHash(rawId), personId, createdAt: iso(now), expiresAt: iso(new Date(now.getTime() + SESSION_MS)) })
    .execute()
  return rawId
}

/** The person a session id belongs to; null when it is unknown, expired or revoked. */
export async function personForSession(db: Db, rawId: string, now: Date = clock.date()): Promise<Account | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('people', 'people.id', 'sessions.personId')
    .select(['people.id', 'people.email', 'people.displayName', 'people.isSteward', 'people.emailConfirmedAt', 'people.language', 'people.timeZone'])
    .where('sessions.idHash', '=', secretHash(rawId))
    .where('sessions.revokedAt', 'is', null)
    .where('sessions.expiresAt', '>', iso(now))
    .executeTakeFirst()
  return row ? toAccount(row) : null
}

export async function revokeSession(db: Db, rawId: string, now: Date = clock.date()): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revokedAt: iso(now) })
    .where('idHash', '=', secretHash(rawId))
    .where('revokedAt', 'is', null)
    .execute()
}

/** Ends every session of the person, e.g. when their password changes. */
export async function revokeAllSessions(db: Db, personId: number, now: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revokedAt: iso(now) })
    .where('personId', '=', personId)
    .where('revokedAt', 'is', null)
    .execute()
}
