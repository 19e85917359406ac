import { createHash } from 'node:crypto'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import { AppError } from '../../app/lib/errors'
import { newestMailTo } from '../../app/lib/mail.server'
import {
  changePassword,
  checkResetToken,
  logIn,
  loginLimits,
  requestPasswordReset,
  resetPassword,
  signUp,
  wrongCredentials,
} from '../../app/modules/accounts/accounts.server'
import { createSession, personForSession, revokeSession } from '../../app/lib/session-store.server'
import { setSteward } from '../../app/modules/accounts/stewards.server'
import { rowCount, testDb } from '../support/db'
import { useAccountsTestEnv } from '../support/accounts'
import type { DB } from '../../db/schema'

useAccountsTestEnv()
process.env.APP_URL = 'https://market.test'

const t0 = new Date('2026-11-24T10:00:00.000Z')
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000)
const password = 'lichen on the north wall'

let db: Database
beforeEach(async () => {
  db = await testDb()
})

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected an AppError')
}

const count = (table: keyof DB) => rowCount(db, table)

describe('signing up', () => {
  it('creates an account with a lower-cased email and a hashed password', async () => {
    const account = await signUp(db, { email: '  Ada@Example.ORG ', displayName: ' Ada Lovelace ', password })
    expect(account).toMatchObject({ email: 'ada@example.org', displayName: 'Ada Lovelace', isSteward: false })
    const row = await db.selectFrom('people').selectAll().where('id', '=', account.id).executeTakeFirstOrThrow()
    expect(row.passwordHash).toMatch(/^scrypt\$/)
  })

  it('refuses an address that is taken, whatever its case, and writes nothing', async () => {
    await signUp(db, { email: 'ada@example.org', displayName: 'Ada', password })
    const error = await rejection(signUp(db, { email: 'ADA@example.org', displayName: 'Another Ada', password }))
    expect(error).toMatchObject({ code: 'conflict', status: 409 })
    expect(error.details?.email).toMatch(/already exists/)
    expect(await count('people')).toBe(1)
  })

  it('refuses a weak password with the reason, on the password field', async () => {
    const error = await rejection(signUp(db, { email: 'ada@example.org', displayName: 'Ada', password: 'password123' }))
    expect(error).toMatchObject({ code: 'invalid_input', details: { password: expect.stringMatching(/attackers try first/) } })
    expect(await count('people')).toBe(0)
  })
})

describe('logging in', () => {
  beforeEach(async () => {
    await signUp(db, { email: 'ada@example.org', displayName: 'Ada', password })
  })

  it('returns the account for the right password, and records the attempt', async () => {
    await expect(logIn(db, { email: 'ADA@example.org', password, address: '192.0.2.1' }, t0)).resolves.toMatchObject({ email: 'ada@example.org' })
    const attempts = await db.selectFrom('loginAttempts').selectAll().execute()
    expect(attempts).toEqual([expect.objectContaining({ email: 'ada@example.org', address: '192.0.2.1', succeeded: 1, attemptedAt: t0.toISOString() })])
  })

  it('gives the same answer for a wrong password and for an unknown address', async () => {
    const wrong = await rejection(logIn(db, { email: 'ada@example.org', password: 'not the password', address: '192.0.2.1' }, t0))
    const unknown = await rejection(logIn(db, { email: 'nobody@example.org', password, address: '192.0.2.1' }, t0))
    expect(wrong).toMatchObject({ code: 'invalid_input', message: wrongCredentials })
    expect(unknown).toMatchObject({ code: wrong.code, message: wrong.message, details: wrong.details })
  })

  const attacker = '198.51.100.7'
  const owner = '192.0.2.9'
  const guess = (minutes: number, address = attacker, email = 'ada@example.org') =>
    rejection(logIn(db, { email, password: 'wrong guess', address }, at(minutes)))

  it('an attacker’s failures from one address never stop the owner logging in from another', async () => {
    // Guesses every three minutes for an hour: checked as the back-off allows, refused meanwhile.
    for (let i = 0; i < 20; i++) await guess(i * 3)
    await expect(logIn(db, { email: 'ada@example.org', password, address: owner }, at(60))).resolves.toMatchObject({ email: 'ada@example.org' })
    // …nor a burst of parallel guesses from many addresses
    await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => logIn(db, { email: 'ada@example.org', password: 'wrong guess', address: `203.0.113.${i}` }, at(61))),
    )
    await expect(logIn(db, { email: 'ada@example.org', password, address: owner }, at(61))).resolves.toMatchObject({ email: 'ada@example.org' })
  }, 30_000)

  it('slows one address down after five failures for one account: 1, 2, 4, 8, then 15 minutes, to the second', async () => {
    for (let i = 0; i < loginLimits.freePerPair; i++) expect((await guess(0)).code).toBe('invalid_input')
    const limited = await rejection(logIn(db, { email: 'ada@example.org', password, address: attacker }, at(0.5)))
    expect(limited).toMatchObject({ code: 'rate_limited', status: 429 })
    expect(limited.message).toBe(
      'Too many failed log-in attempts from your network. Please try again in 30 seconds (after 10:01:00 UTC), or reset your password: the link we mail logs you in.',
    )
    let t = 0
    for (const wait of [1, 2, 4, 8, 15, 15]) {
      // one second early is refused, and the refusal is not counted as a failure
      expect((await rejection(logIn(db, { email: 'ada@example.org', password, address: attacker }, at(t + wait - 1 / 60)))).code).toBe('rate_limited')
      t += wait
      expect((await guess(t)).code).toBe('invalid_input')
    }
    const after = await rejection(logIn(db, { email: 'ada@example.org', password, address: attacker }, at(t + 1)))
    expect(after.message).toMatch(/try again in 14 minutes \(after 11:00:00 UTC\)/)
    await expect(logIn(db, { email: 'ada@example.org', password, address: attacker }, at(t + 15))).resolves.toBeTruthy()
  })

  it('lets the fifth failure through at once, and forgets failures after an hour', async () => {
    for (let i = 0; i < loginLimits.freePerPair - 1; i++) await guess(0)
    await expect(logIn(db, { email: 'ada@example.org', password, address: attacker }, at(0))).resolves.toBeTruthy()
    for (let i = 0; i < loginLimits.freePerPair; i++) await guess(1)
    expect((await rejection(logIn(db, { email: 'ada@example.org', password, address: attacker }, at(1.5)))).code).toBe('rate_limited')
    // 61 minutes later the five failures have left the hour: five more are free again
    for (let i = 0; i < loginLimits.freePerPair; i++) expect((await guess(62)).code).toBe('invalid_input')
  })

  it('limits an unknown address exactly like a real one, so the limit reveals nothing', async () => {
    for (let i = 0; i < loginLimits.freePerPair; i++) await guess(i, attacker, 'ghost@example.org')
    await expect(logIn(db, { email: 'ghost@example.org', password, address: attacker }, at(4.5))).rejects.toMatchObject({ code: 'rate_limited' })
    await expect(logIn(db, { email: 'ghost@example.org', password, address: owner }, at(4.5))).rejects.toMatchObject({ code: 'invalid_input' })
  })

  it('starts the count afresh after a successful log-in from that address', async () => {
    for (let i = 0; i < 4; i++) await guess(i, owner)
    await logIn(db, { email: 'ada@example.org', password, address: owner }, at(4))
    for (let i = 0; i < 4; i++) await guess(5, owner)
    await expect(logIn(db, { email: 'ada@example.org', password, address: owner }, at(6))).resolves.toBeTruthy()
  })

  it('makes an address wait after 20 failures across accounts, and no other address', async () => {
    for (let i = 0; i < loginLimits.perAddress; i++) await guess(i % 10, '203.0.113.7', `guess${i}@example.org`)
    const limited = await rejection(logIn(db, { email: 'ada@example.org', password, address: '203.0.113.7' }, at(10)))
    expect(limited.code).toBe('rate_limited')
    expect(limited.message).toMatch(/try again in 5 minutes \(after 10:15:00 UTC\)/)
    await expect(logIn(db, { email: 'ada@example.org', password, address: '192.0.2.1' }, at(10))).resolves.toBeTruthy()
    await expect(logIn(db, { email: 'ada@example.org', password, address: '203.0.113.7' }, at(15))).resolves.toBeTruthy()
  })

  it('counts parallel guesses from one address: no more than five are checked', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => logIn(db, { email: 'ada@example.org', password: `wrong guess ${i}`, address: attacker }, at(1))),
    )
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as AppError).code : 'ok'))
    expect(codes.filter((c) => c === 'invalid_input')).toHaveLength(loginLimits.freePerPair)
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(12 - loginLimits.freePerPair)
  })
})

describe('sessions', () => {
  it('stores only the hash of the id, and ends when revoked or expired', async () => {
    const { id } = await signUp(db, { email: 'ada@example.org', displayName: 'Ada', password })
    const rawId = await createSession(db, id, t0)
    expect(rawId).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const row = await db.selectFrom('sessions').selectAll().executeTakeFirstOrThrow()
    expect(row.idHash).toBe(createHash('sha256').update(rawId).digest('hex'))
    expect(row.expiresAt).toBe('2026-12-24T10:00:00.000Z')

    await expect(personForSession(db, rawId, at(60))).resolves.toMatchObject({ id, email: 'ada@example.org' })
    await expect(personForSession(db, rawId, new Date('2026-12-24T10:00:00.000Z'))).resolves.toBeNull()
    await expect(personForSession(db, 'x'.repeat(43), at(1))).resolves.toBeNull()
    await revokeSession(db, rawId, at(2))
    await expect(personForSession(db, rawId, at(3))).resolves.toBeNull()
  })
})

describe('changing a password', () => {
  it('needs the current password and ends every session', async () => {
    const { id } = await signUp(db, { email: 'ada@example.org', displayName: 'Ada', password })
    const [laptop, phone] = [await createSession(db, id, t0), await createSession(db, id, t0)]
    const wrong = await rejection(changePassword(db, id, { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' }, at(1)))
    expect(wrong).toMatchObject({ code: 'invalid_input', details: { currentPassword: 'That is not your current password.' } })
    await expect(personForSession(db, phone, at(1))).resolves.not.toBeNull()

    const weak = await rejection(changePassword(db, id, { currentPassword: password, newPassword: 'ada@example.org' }, at(1)))
    expect(weak.details?.newPassword).toMatch(/email address/)

    await changePassword(db, id, { currentPassword: password, newPassword: 'a brand new passphrase' }, at(2))
    await expect(personForSession(db, laptop, at(3))).resolves.toBeNull()
    await expect(personForSession(db, phone, at(3))).resolves.toBeNull()
    await expect(logIn(db, { email: 'ada@example.org', password, address: 'a' }, at(3))).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(logIn(db, { email: 'ada@example.org', password: 'a brand new passphrase', address: 'a' }, at(3))).resolves.toBeTruthy()
  })
})

describe('resetting a forgotten password', () => {
  const resetLink = (text: string) => /https:\/\/market\.test\/reset-password\/([A-Za-z0-9_-]{43})/.exec(text)

  it('mails a link that works once, within the hour, and ends every session', async () => {
    const { id } = await signUp(db, { email: 'grace@example.org', displayName: 'Grace', password })
    const session = await createSession(db, id, t0)
    await requestPasswordReset(db, 'Grace@Example.org', t0)

    const mail = newestMailTo('grace@example.org')!
    expect(mail).toMatchObject({ to: 'grace@example.org', subject: 'Reset your Solidarity Market password' })
    expect(mail.text).toContain('Hello Grace,')
    const token = resetLink(mail.text)![1]!
    const stored = await db.selectFrom('passwordResets').selectAll().executeTakeFirstOrThrow()
    expect(stored).toMatchObject({ tokenHash: createHash('sha256').update(token).digest('hex'), expiresAt: '2026-11-24T11:00:00.000Z', usedAt: null })

    await expect(checkResetToken(db, token, at(59))).resolves.toEqual({ email: 'grace@example.org' })
    const weak = await rejection(resetPassword(db, token, 'short', at(10)))
    expect(weak.details?.newPassword).toMatch(/at least 10/)

    await expect(resetPassword(db, token, 'moss between the stones', at(10))).resolves.toMatchObject({ id })
    await expect(personForSession(db, session, at(11))).resolves.toBeNull()
    await expect(logIn(db, { email: 'grace@example.org', password: 'moss between the stones', address: 'a' }, at(11))).resolves.toBeTruthy()

    const again = await rejection(resetPassword(db, token, 'yet another passphrase', at(12)))
    expect(again).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^This reset link has expired or was already used/) })
    await expect(checkResetToken(db, token, at(12))).resolves.toBeNull()
  })

  it('refuses a link after an hour, and an unknown one', async () => {
    await signUp(db, { email: 'grace@example.org', displayName: 'Grace', password })
    await requestPasswordReset(db, 'grace@example.org', t0)
    const token = resetLink(newestMailTo('grace@example.org')!.text)![1]!
    await expect(checkResetToken(db, token, at(60))).resolves.toBeNull()
    await expect(resetPassword(db, token, 'moss between the stones', at(60))).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(resetPassword(db, 'A'.repeat(43), 'moss between the stones', at(1))).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(logIn(db, { email: 'grace@example.org', password, address: 'a' }, at(61))).resolves.toBeTruthy()
  })

  it('uses up every outstanding link of the person once one of them is used', async () => {
    await signUp(db, { email: 'grace@example.org', displayName: 'Grace', password })
    await requestPasswordReset(db, 'grace@example.org', t0)
    const first = resetLink(newestMailTo('grace@example.org')!.text)![1]!
    await requestPasswordReset(db, 'grace@example.org', at(1))
    const second = resetLink(newestMailTo('grace@example.org')!.text)![1]!
    expect(second).not.toBe(first)
    await resetPassword(db, second, 'moss between the stones', at(2))
    await expect(checkResetToken(db, first, at(3))).resolves.toBeNull()
  })

  it('sends nothing for an unknown address, and at most three mails an hour', async () => {
    await requestPasswordReset(db, 'nobody@example.org', t0)
    expect(newestMailTo('nobody@example.org')).toBeNull()
    expect(await count('passwordResets')).toBe(0)

    await signUp(db, { email: 'grace@example.org', displayName: 'Grace', password })
    for (let i = 0; i < 5; i++) await requestPasswordReset(db, 'grace@example.org', at(i))
    expect(await count('passwordResets')).toBe(3)
    await requestPasswordReset(db, 'grace@example.org', at(61))
    expect(await count('passwordResets')).toBe(4)
  })
})

describe('stewards', () => {
  it('are granted and revoked by email, and an unknown email says so', async () => {
    await signUp(db, { email: 'sam@example.org', displayName: 'Sam', password })
    await expect(setSteward(db, null, 'SAM@example.org', true)).resolves.toMatchObject({ isSteward: true })
    await expect(setSteward(db, null, 'sam@example.org', false)).resolves.toMatchObject({ isSteward: false })
    await expect(setSteward(db, null, 'nobody@example.org', true)).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/nobody@example.org; they need to sign up first/),
    })
  })
})
