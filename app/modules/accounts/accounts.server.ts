import type { Kysely } from 'kysely'
import type { DB, Db } from '../../../db/schema'
import { env } from '../../lib/env.server'
import { AppError } from '../../lib/errors'
import { sendMail } from '../../lib/mail.server'
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './password.server'
import { MAX_DISPLAY_NAME_LENGTH, MAX_EMAIL_LENGTH, passwordProblem } from './rules'
import { newSecret, secretHash } from '../../lib/tokens.server'
import { clock } from '../../lib/clock'
import { accountColumns, revokeAllSessions, toAccount, type Account } from '../../lib/session-store.server'
import { languageOrDefault, translator } from '../../i18n/translator.server'
import { isLanguage, validTimeZone } from '../../i18n/config'

// People's accounts: sign-up, log-in with rate limits, sessions, password change and reset.
// Secrets that open an account (session ids, reset tokens) are random, handed to the person
// once, and stored only as their sha256: a copy of the database opens nothing.

const RESET_MS = 60 * 60 * 1000
/** How long an address-confirmation link works; a new one can be asked for at any time. */
export const CONFIRMATION_HOURS = 48
const CONFIRMATION_MS = CONFIRMATION_HOURS * 60 * 60 * 1000
/** At most this many confirmation mails an hour, so the resend button cannot flood an inbox. */
const CONFIRMATIONS_PER_HOUR = 3
/** At most this many reset mails to one person an hour, so the form cannot flood an inbox. */
const RESETS_PER_HOUR = 3

// Log-in limits slow guessing down without handing anyone a way to lock the owner out: the
// failures that count against an attempt are those of the same account from the same network
// address, so an attacker's guesses from one address never slow the owner down at another.
export const loginLimits = {
  /** failures of one account from one address are remembered this long (a success there forgets them) */
  pairWindowMs: 60 * 60 * 1000,
  /** failures of one account from one address before attempts from there must wait */
  freePerPair: 5,
  /** the wait after the first failure beyond the free ones; it doubles with each further failure … */
  firstDelayMs: 60 * 1000,
  /** … up to this */
  maxDelayMs: 15 * 60 * 1000,
  /** failed attempts from one network address in `windowMs`, across every account, before it must wait */
  perAddress: 20,
  windowMs: 15 * 60 * 1000,
}

/** How long attempts for one account from one address wait after `failures` recent failures there. */
export function pairDelayMs(failures: number): number {
  if (failures < loginLimits.freePerPair) return 0
  return Math.min(loginLimits.firstDelayMs * 2 ** (failures - loginLimits.freePerPair), loginLimits.maxDelayMs)
}

const iso = (t: Date) => t.toISOString()
const later = (t: Date, ms: number) => new Date(t.getTime() + ms)
/** Email addresses compare case-insensitively (the column is COLLATE NOCASE too). */
export const normaliseEmail = (email: string) => email.trim().toLowerCase()

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === 'SQLITE_CONSTRAINT_UNIQUE'
}

// ---------------------------------------------------------------------------------------------
// Sign-up and log-in

/** @throws AppError('conflict') for an address already taken, 'invalid_input' for a weak password */
export async function signUp(
  db: Db,
  input: { email: string; displayName: string; password: string; language?: string | null; timeZone?: string | null },
  now: Date = clock.date(),
): Promise<Account> {
  const email = normaliseEmail(input.email)
  const displayName = input.displayName.trim()
  if (!email.includes('@') || email.length > MAX_EMAIL_LENGTH) throw invalid('email', 'Enter an email address like name@example.org.')
  if (!displayName || displayName.length > MAX_DISPLAY_NAME_LENGTH) throw invalid('displayName', `Enter a name of 1 to ${MAX_DISPLAY_NAME_LENGTH} characters.`)
  const problem = passwordProblem(input.password, email)
  if (problem) throw invalid('password', problem)

  const taken = () => {
    const message = 'An account with this email address already exists. Log in, or reset your password if you forgot it.'
    return new AppError('conflict', message, { email: message })
  }
  if (await findByEmail(db, email)) throw taken()
  const passwordHash = await hashPassword(input.password)
  try {
    const row = await db
      .insertInto('people')
      // Unconfirmed until the person opens the link mailed below.
      .values({
        email,
        displayName,
        passwordHash,
        createdAt: iso(now),
        emailConfirmedAt: null,
        // The language the sign-up page was read in and the browser's zone, when they are ones we know.
        language: isLanguage(input.language) ? input.language : null,
        timeZone: validTimeZone(input.timeZone),
      })
      .returning(accountColumns)
      .executeTakeFirstOrThrow()
    await mailConfirmationLink(db, row, now)
    return toAccount(row)
  } catch (error) {
    // Two sign-ups for one address at once: the unique index decides.
    if (isUniqueViolation(error)) throw taken()
    throw error
  }
}

/** Sends a mail the person can ask for again: a failure is logged, not shown to them. */
async function sendOrLog(mail: { to: string; subject: string; text: string }, what: string): Promise<void> {
  try {
    await sendMail(mail)
  } catch (error) {
    console.error(`Could not send the ${what} mail to ${mail.to}:`, error)
  }
}

function invalid(field: string, message: string): AppError {
  return new AppError('invalid_input', message, { [field]: message })
}

function findByEmail(db: Db, email: string) {
  return db
    .selectFrom('people')
    .select([...accountColumns, 'passwordHash'])
    .where('email', '=', normaliseEmail(email))
    .executeTakeFirst()
}

export const wrongCredentials = "That email address and password don't match an account. Check them, or reset your password."

/**
 * Checks an email and password. Every attempt is recorded in login_attempts. After five failures
 * for one account from one address, attempts from that address must wait (1, 2, 4, 8, then 15
 * minutes after each further failure); other addresses are not slowed. Twenty failures from one
 * address across accounts make that address wait until the oldest leaves the 15-minute window.
 * @throws AppError('rate_limited') with when to try again; AppError('invalid_input') for a wrong
 * email or password, the same message whether or not the account exists
 */
export async function logIn(
  db: Kysely<DB>,
  input: { email: string; password: string; address: string; timeZone?: string | null },
  now: Date = clock.date(),
): Promise<Account> {
  const email = normaliseEmail(input.email).slice(0, MAX_EMAIL_LENGTH)
  const address = input.address.slice(0, 100) || 'unknown'
  // The attempt is written as a failure before the (slow) password check, in the same
  // transaction as the count: parallel guesses see each other and cannot slip past the limit.
  const attemptId = await db.transaction().execute(async (trx) => {
    const retryAt = await lockedOutUntil(trx, email, address, now)
    if (retryAt) throw new AppError('rate_limited', tryAgainMessage(retryAt, now))
    const row = await trx
      .insertInto('loginAttempts')
      .values({ email, address, succeeded: 0, attemptedAt: iso(now) })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  })

  const person = await findByEmail(db, email)
  const ok = person?.passwordHash ? await verifyPassword(input.password, person.passwordHash) : await verifyAgainstDecoy(input.password)
  if (!person || !ok) throw new AppError('invalid_input', wrongCredentials)
  await db.updateTable('loginAttempts').set({ succeeded: 1 }).where('id', '=', attemptId).execute()
  // The browser's zone becomes the account's when the person never had one.
  const zone = person.timeZone ? null : validTimeZone(input.timeZone)
  if (zone) await db.updateTable('people').set({ timeZone: zone }).where('id', '=', person.id).execute()
  return toAccount(zone ? { ...person, timeZone: zone } : person)
}

/** When the next attempt will be allowed, or null when it is allowed now. */
async function lockedOutUntil(db: Db, email: string, address: string, now: Date): Promise<Date | null> {
  const pairUntil = await pairWaitUntil(db, email, address, now)
  const addressFailures = await failuresSince(db, 'address', address, iso(later(now, -loginLimits.windowMs)), loginLimits.perAddress)
  const addressUntil = addressFailures ? later(new Date(addressFailures), loginLimits.windowMs) : null
  const until = [pairUntil, addressUntil]
    .filter((t): t is Date => t !== null && t > now)
    .sort((a, b) => a.getTime() - b.getTime())
    .at(-1)
  return until ?? null
}

/** When this account may be tried again from this address: its last failure there plus the back-off. */
async function pairWaitUntil(db: Db, email: string, address: string, now: Date): Promise<Date | null> {
  const windowStart = iso(later(now, -loginLimits.pairWindowMs))
  // A successful log-in from this address starts its count afresh.
  const lastSuccess = await db
    .selectFrom('loginAttempts')
    .select('attemptedAt')
    .where('email', '=', email)
    .where('address', '=', address)
    .where('succeeded', '=', 1)
    .where('attemptedAt', '>=', windowStart)
    .orderBy('attemptedAt', 'desc')
    .limit(1)
    .executeTakeFirst()
  const failures = await db
    .selectFrom('loginAttempts')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('attemptedAt').as('last')])
    .where('email', '=', email)
    .where('address', '=', address)
    .where('succeeded', '=', 0)
    .where('attemptedAt', '>', lastSuccess ? lastSuccess.attemptedAt : windowStart)
    .executeTakeFirstOrThrow()
  const delay = pairDelayMs(Number(failures.n))
  return delay > 0 && failures.last ? later(new Date(failures.last), delay) : null
}

/**
 * With at least `limit` failures since `since`, the time of the failure whose leaving the
 * window brings the count back under the limit; otherwise null.
 */
async function failuresSince(db: Db, column: 'address', value: string, since: string, limit: number): Promise<string | null> {
  const recent = await db
    .selectFrom('loginAttempts')
    .select('attemptedAt')
    .where(column, '=', value)
    .where('succeeded', '=', 0)
    .where('attemptedAt', '>', since)
    .orderBy('attemptedAt', 'desc')
    .limit(limit)
    .execute()
  return recent.length >= limit ? recent.at(-1)!.attemptedAt : null
}

function tryAgainMessage(retryAt: Date, now: Date): string {
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000))
  const at = retryAt.toISOString().slice(11, 19)
  // One whole sentence per unit and number, so each translates whole.
  if (seconds < 60)
    return seconds === 1
      ? `Too many failed log-in attempts from your network. Please try again in ${seconds} second (after ${at} UTC), or reset your password: the link we mail logs you in.`
      : `Too many failed log-in attempts from your network. Please try again in ${seconds} seconds (after ${at} UTC), or reset your password: the link we mail logs you in.`
  const minutes = Math.ceil(seconds / 60)
  return minutes === 1
    ? `Too many failed log-in attempts from your network. Please try again in ${minutes} minute (after ${at} UTC), or reset your password: the link we mail logs you in.`
    : `Too many failed log-in attempts from your network. Please try again in ${minutes} minutes (after ${at} UTC), or reset your password: the link we mail logs you in.`
}

// ---------------------------------------------------------------------------------------------
// Passwords

/**
 * Sets a new password after checking the current one, and ends every session of the person:
 * whoever else was logged in with the old password is logged out. The caller opens a fresh
 * session for the browser that made the change.
 * @throws AppError('invalid_input') for a wrong current password or a weak new one
 */
export async function changePassword(
  db: Kysely<DB>,
  personId: number,
  input: { currentPassword: string; newPassword: string },
  now: Date = clock.date(),
): Promise<Account> {
  const person = await db
    .selectFrom('people')
    .select([...accountColumns, 'passwordHash'])
    .where('id', '=', personId)
    .executeTakeFirst()
  if (!person) throw new AppError('not_found', 'This account no longer exists.')
  if (!person.passwordHash || !(await verifyPassword(input.currentPassword, person.passwordHash))) {
    throw invalid('currentPassword', 'That is not your current password.')
  }
  const problem = passwordProblem(input.newPassword, person.email)
  if (problem) throw invalid('newPassword', problem)
  const passwordHash = await hashPassword(input.newPassword)
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('people').set({ passwordHash }).where('id', '=', personId).execute()
    await revokeAllSessions(trx, personId, now)
  })
  return toAccount(person)
}

export const resetRequestedMessage = 'If an account exists for that address, we sent a link to reset its password. The link works for one hour.'

/**
 * Mails a one-hour reset link to the account with `email`. An unknown address gets no mail and
 * the same (silent) result, so the form does not tell who has an account.
 */
export async function requestPasswordReset(db: Kysely<DB>, email: string, now: Date = clock.date()): Promise<void> {
  const person = await findByEmail(db, email)
  if (!person) return
  const recent = await db
    .selectFrom('passwordResets')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('personId', '=', person.id)
    .where('createdAt', '>', iso(later(now, -RESET_MS)))
    .executeTakeFirstOrThrow()
  if (Number(recent.n) >= RESETS_PER_HOUR) return

  const token = newSecret()
  await db
    .insertInto('passwordResets')
    .values({ tokenHash: secretHash(token), personId: person.id, createdAt: iso(now), expiresAt: iso(later(now, RESET_MS)) })
    .execute()
  const link = `${env().APP_URL}/reset-password/${token}`
  // in the language the person chose, English when none
  const t = translator(languageOrDefault(person.language), 'mail')
  const mail = {
    to: person.email,
    subject: t('passwordReset.subject'),
    text: [t('greeting', { name: person.displayName }), '', t('passwordReset.asked'), '', link, '', t('passwordReset.ignore'), '', t('signature')].join('\n'),
  }
  // An error page here would tell that the address has an account (unknown ones never reach
  // the mail server); the person can ask again once mail works.
  await sendOrLog(mail, 'password-reset')
}

const expiredLink = 'This reset link has expired or was already used. Ask for a new one below.'

function usableReset(db: Db, token: string, now: Date) {
  return db
    .selectFrom('passwordResets')
    .innerJoin('people', 'people.id', 'passwordResets.personId')
    .select(['people.id', 'people.email', 'people.displayName', 'people.isSteward', 'people.emailConfirmedAt', 'people.language', 'people.timeZone'])
    .where('passwordResets.tokenHash', '=', secretHash(token))
    .where('passwordResets.usedAt', 'is', null)
    .where('passwordResets.expiresAt', '>', iso(now))
    .executeTakeFirst()
}

/** Whether a reset link can still be used, and for which address (to show on the form). */
export async function checkResetToken(db: Db, token: string, now: Date = clock.date()): Promise<{ email: string } | null> {
  const row = await usableReset(db, token, now)
  return row ? { email: row.email } : null
}

/**
 * Sets a new password from a reset link. The link (and any other outstanding link of the
 * person) is used up, and every session ends.
 * @throws AppError('invalid_input') for an expired, used or unknown link, or a weak password
 */
export async function resetPassword(db: Kysely<DB>, token: string, newPassword: string, now: Date = clock.date()): Promise<Account> {
  const person = await usableReset(db, token, now)
  if (!person) throw new AppError('invalid_input', expiredLink)
  const problem = passwordProblem(newPassword, person.email)
  if (problem) throw invalid('newPassword', problem)
  const passwordHash = await hashPassword(newPassword)
  await db.transaction().execute(async (trx) => {
    // The guard on used_at makes a link that two requests race for work only once.
    const used = await trx
      .updateTable('passwordResets')
      .set({ usedAt: iso(now) })
      .where('tokenHash', '=', secretHash(token))
      .where('usedAt', 'is', null)
      .executeTakeFirst()
    if (Number(used.numUpdatedRows) !== 1) throw new AppError('invalid_input', expiredLink)
    await trx
      .updateTable('passwordResets')
      .set({ usedAt: iso(now) })
      .where('personId', '=', person.id)
      .where('usedAt', 'is', null)
      .execute()
    await trx.updateTable('people').set({ passwordHash }).where('id', '=', person.id).execute()
    await revokeAllSessions(trx, person.id, now)
  })
  return toAccount(person)
}

// ---------------------------------------------------------------------------------------------
// Confirming the email address
//
// A new account proves it holds its address by opening a mailed link. Until then it can browse
// and buy for itself, but nothing that speaks for others: joining an organisation, attesting,
// challenging, being a steward (each of those calls requireConfirmedEmail).

/** Where a person asks for a new confirmation link. */
export const CONFIRM_EMAIL_PATH = '/confirm-email'

/** @throws AppError('forbidden') unless the person has confirmed their email address */
/** What needs a confirmed address; a steward-to-be is named. */
export type ConfirmedEmailNeed =
  | 'attesting an organisation'
  | 'challenging a claim'
  | 'ask for a credit to be paid out'
  | 'joining an organisation'
  | { stewardProposed: string }
  | { stewardApproved: string }

/** The refusal for each need, as whole sentences so each translates whole. */
function unconfirmedMessage(what: ConfirmedEmailNeed): string {
  const path = CONFIRM_EMAIL_PATH
  if (typeof what === 'object') {
    return 'stewardProposed' in what
      ? `Confirm your email address first: ${what.stewardProposed} has not confirmed their address yet; being a steward needs an account whose address is confirmed. Open the link we mailed you, or ask for a new one on ${path}.`
      : `Confirm your email address first: ${what.stewardApproved} has not confirmed their address; being a steward needs an account whose address is confirmed. Open the link we mailed you, or ask for a new one on ${path}.`
  }
  const messages: Record<typeof what, string> = {
    'attesting an organisation': `Confirm your email address first: attesting an organisation needs an account whose address is confirmed. Open the link we mailed you, or ask for a new one on ${path}.`,
    'challenging a claim': `Confirm your email address first: challenging a claim needs an account whose address is confirmed. Open the link we mailed you, or ask for a new one on ${path}.`,
    'ask for a credit to be paid out': `Confirm your email address first: ask for a credit to be paid out needs an account whose address is confirmed. Open the link we mailed you, or ask for a new one on ${path}.`,
    'joining an organisation': `Confirm your email address first: joining an organisation needs an account whose address is confirmed. Open the link we mailed you, or ask for a new one on ${path}.`,
  }
  return messages[what]
}

export async function requireConfirmedEmail(db: Db, personId: number, what: ConfirmedEmailNeed): Promise<void> {
  const row = await db.selectFrom('people').select('emailConfirmedAt').where('id', '=', personId).executeTakeFirst()
  if (row?.emailConfirmedAt == null) throw new AppError('forbidden', unconfirmedMessage(what))
}

async function mailConfirmationLink(db: Db, person: { id: number; email: string; displayName: string; language: string | null }, now: Date): Promise<void> {
  const token = newSecret()
  await db
    .insertInto('emailConfirmations')
    .values({ tokenHash: secretHash(token), personId: person.id, email: person.email, createdAt: iso(now), expiresAt: iso(later(now, CONFIRMATION_MS)) })
    .execute()
  // in the language the person chose (at sign-up, the page's), English when none
  const t = translator(languageOrDefault(person.language), 'mail')
  const mail = {
    to: person.email,
    subject: t('confirmation.subject'),
    text: [
      t('greeting', { name: person.displayName }),
      '',
      t('confirmation.openLink'),
      '',
      `${env().APP_URL}${CONFIRM_EMAIL_PATH}/${token}`,
      '',
      t('confirmation.validity', { count: CONFIRMATION_HOURS }),
      '',
      t('confirmation.ignore'),
      '',
      t('signature'),
    ].join('\n'),
  }
  // The account stands; the person asks for a new link once mail works.
  await sendOrLog(mail, 'confirmation')
}

/**
 * Mails a fresh confirmation link (the "send it again" button). Earlier links keep working
 * until they expire.
 * @throws AppError('conflict') when the address is already confirmed, 'rate_limited' after three links in an hour
 */
export async function resendEmailConfirmation(db: Kysely<DB>, personId: number, now: Date = clock.date()): Promise<{ email: string }> {
  const person = await db.selectFrom('people').select(accountColumns).where('id', '=', personId).executeTakeFirst()
  if (!person) throw new AppError('not_found', 'This account no longer exists.')
  if (person.emailConfirmedAt !== null) throw new AppError('conflict', 'Your email address is already confirmed.')
  const recent = await db
    .selectFrom('emailConfirmations')
    .select('createdAt')
    .where('personId', '=', personId)
    .where('createdAt', '>', iso(later(now, -RESET_MS)))
    .orderBy('createdAt')
    .execute()
  if (recent.length >= CONFIRMATIONS_PER_HOUR) {
    const retryAt = later(new Date(recent[recent.length - CONFIRMATIONS_PER_HOUR]!.createdAt), RESET_MS)
    throw new AppError(
      'rate_limited',
      `We sent you ${CONFIRMATIONS_PER_HOUR} links in the past hour. Use the newest one, or ask again after ${retryAt.toISOString().slice(11, 16)} UTC.`,
    )
  }
  await mailConfirmationLink(db, person, now)
  return { email: person.email }
}

export type ConfirmationOutcome = 'confirmed' | 'already_used' | 'expired'

/**
 * Confirms the address a link was mailed to. Opening it again says it was already used; an
 * expired link confirms nothing (the page offers a new one).
 * @throws AppError('not_found') for a link that was never issued
 */
export async function confirmEmail(db: Kysely<DB>, token: string, now: Date = clock.date()): Promise<{ outcome: ConfirmationOutcome; email: string }> {
  return db.transaction().execute(async (trx) => {
    const link = await trx
      .selectFrom('emailConfirmations as c')
      .innerJoin('people as p', 'p.id', 'c.personId')
      .select(['c.personId', 'c.email', 'c.expiresAt', 'c.usedAt', 'p.email as currentEmail'])
      .where('c.tokenHash', '=', secretHash(token))
      .executeTakeFirst()
    if (!link) throw new AppError('not_found', 'This confirmation link is not one we sent. Check that you copied all of it.')
    if (link.usedAt !== null) return { outcome: 'already_used' as const, email: link.email }
    // A link confirms the address it was mailed to, and only while that is still the account's.
    if (link.expiresAt <= iso(now) || normaliseEmail(link.currentEmail) !== normaliseEmail(link.email))
      return { outcome: 'expired' as const, email: link.email }
    // Every outstanding link of the person is used up with this one.
    await trx
      .updateTable('emailConfirmations')
      .set({ usedAt: iso(now) })
      .where('personId', '=', link.personId)
      .where('usedAt', 'is', null)
      .execute()
    await trx
      .updateTable('people')
      .set({ emailConfirmedAt: iso(now) })
      .where('id', '=', link.personId)
      .where('emailConfirmedAt', 'is', null)
      .execute()
    return { outcome: 'confirmed' as const, email: link.email }
  })
}

/**
 * The language and time zone a person reads in. Both are checked by the caller's schema against
 * what the site speaks and what `Intl` knows; null clears a choice (English mails, browser zone).
 */
export async function setReaderPreferences(db: Db, personId: number, preferences: { language?: string | null; timeZone?: string | null }): Promise<void> {
  const changes: { language?: string | null; timeZone?: string | null } = {}
  if (preferences.language !== undefined) changes.language = preferences.language
  if (preferences.timeZone !== undefined) changes.timeZone = preferences.timeZone
  if (Object.keys(changes).length === 0) return
  await db.updateTable('people').set(changes).where('id', '=', personId).execute()
}
