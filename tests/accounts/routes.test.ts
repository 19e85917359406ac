import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import { newestMailTo } from '../../app/lib/mail.server'
import { clientAddress, getOptionalUser, requireSteward, requireUser, safeRedirect } from '../../app/lib/session.server'
import { action as signUpAction, loader as signUpLoader } from '../../app/routes/signup'
import { action as logInAction, loader as logInLoader } from '../../app/routes/login'
import { action as logOutAction } from '../../app/routes/logout'
import { action as changePasswordAction, loader as changePasswordLoader } from '../../app/routes/account.password'
import { action as forgotAction } from '../../app/routes/forgot-password'
import { action as resetAction, loader as resetLoader } from '../../app/routes/reset-password.$token'
import { loader as rootLoader } from '../../app/root'
import { testDb, useAsAppDb } from '../support/db'
import { cookieOf, formRequest, getRequest, outcome, useAccountsTestEnv } from '../support/accounts'

useAccountsTestEnv()
process.env.APP_URL = 'http://market.test'

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} })
const password = 'lichen on the north wall'
let db: Database
let addressCounter = 0
/** Each test its own network address, so the per-address limit of one test leaves the others alone. */
let address: string

beforeAll(async () => {
  db = await testDb()
  useAsAppDb(db)
})
beforeEach(() => {
  address = `198.51.100.${++addressCounter}`
})

const signUpForm = (fields: Partial<Record<'email' | 'displayName' | 'password' | 'confirmPassword' | 'redirectTo', string>>) =>
  outcome(() => signUpAction(args(formRequest('/signup', fields as Record<string, string>, { address }))))
const logInForm = (fields: Record<string, string>, opts: { address?: string } = {}) =>
  outcome(() => logInAction(args(formRequest('/login', fields, { address: opts.address ?? address }))))
const peopleCount = async () =>
  Number(
    (
      await db
        .selectFrom('people')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

async function signedUp(email: string) {
  const result = await signUpForm({ email, displayName: 'Test Person', password, confirmPassword: password })
  expect(result.status).toBe(302)
  return cookieOf(result.setCookie)
}

describe('sign up', () => {
  it('creates the account, starts a session and goes to /account', async () => {
    const result = await signUpForm({ email: 'Ada@Example.org', displayName: 'Ada Lovelace', password, confirmPassword: password })
    expect(result).toMatchObject({ status: 302, location: '/account' })
    expect(result.setCookie).toMatch(/^__session=[^;]+; Max-Age=2592000; Path=\/; .*HttpOnly; SameSite=Lax$/)
    expect(result.setCookie).not.toMatch(/Secure/)
    const user = await getOptionalUser(getRequest('/', { cookie: cookieOf(result.setCookie) }))
    expect(user).toMatchObject({ email: 'ada@example.org', displayName: 'Ada Lovelace', isSteward: false })
  })

  it('refuses an address already taken in another case, keeping what was typed but not the password', async () => {
    await signedUp('taken@example.org')
    const before = await peopleCount()
    const result = await signUpForm({ email: 'TAKEN@example.org', displayName: 'Someone', password, confirmPassword: password })
    expect(result.status).toBe(409)
    expect(result.body.fieldErrors.email).toMatch(/already exists/)
    expect(result.body.values).toEqual({ email: 'TAKEN@example.org', displayName: 'Someone' })
    expect(await peopleCount()).toBe(before)
  })

  it('reports every problem at once, each beside its field', async () => {
    const before = await peopleCount()
    const empty = await signUpForm({})
    expect(empty.status).toBe(400)
    expect(empty.body.fieldErrors).toEqual({
      email: 'Enter your email address.',
      displayName: 'Enter the name other people will see.',
      password: 'Choose a password.',
      confirmPassword: 'Type the new password again.',
    })
    const blank = await signUpForm({ email: '  ', displayName: ' ', password: '', confirmPassword: '' })
    expect(Object.keys(blank.body.fieldErrors)).toEqual(['email', 'displayName', 'password', 'confirmPassword'])
    expect(await peopleCount()).toBe(before)
  })

  it('refuses a weak password and a confirmation that differs', async () => {
    const weak = await signUpForm({ email: 'weak@example.org', displayName: 'Weak', password: 'password123', confirmPassword: 'password123' })
    expect(weak.status).toBe(400)
    expect(weak.body.fieldErrors).toEqual({ password: expect.stringMatching(/attackers try first/) })
    const asEmail = await signUpForm({ email: 'weak@example.org', displayName: 'Weak', password: 'weak@example.org', confirmPassword: 'weak@example.org' })
    expect(asEmail.body.fieldErrors).toEqual({ password: 'Your password must not be your email address.' })
    const mismatch = await signUpForm({ email: 'weak@example.org', displayName: 'Weak', password, confirmPassword: `${password}!` })
    expect(mismatch.status).toBe(400)
    expect(mismatch.body.fieldErrors).toEqual({ confirmPassword: 'The two passwords are not the same.' })
    const badEmail = await signUpForm({ email: 'not-an-email', displayName: 'Weak', password, confirmPassword: password })
    expect(badEmail.body.fieldErrors).toEqual({ email: 'Enter an email address like name@example.org.' })
    expect(await db.selectFrom('people').select('id').where('email', '=', 'weak@example.org').executeTakeFirst()).toBeUndefined()
  })

  it('answers oversized input with a 4xx and a message, never a 500', async () => {
    const huge = await signUpForm({
      email: `${'a'.repeat(250)}@example.org`,
      displayName: 'N'.repeat(81),
      password: 'p'.repeat(201),
      confirmPassword: 'p'.repeat(201),
    })
    expect(huge.status).toBe(400)
    expect(huge.body.fieldErrors).toEqual({
      email: 'An email address has at most 254 characters.',
      displayName: 'Use at most 80 characters.',
      password: 'Use at most 200 characters.',
    })
    const body = new URLSearchParams({ email: 'x@example.org', displayName: 'x'.repeat(100_000) })
    const request = new Request('http://localhost/signup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(body.toString().length) },
      body,
    })
    const tooLarge = await outcome(() => signUpAction(args(request)))
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.body).toBe('This form is larger than we accept.')
  })

  it('sends a signed-in visitor on instead of showing the form', async () => {
    const cookie = await signedUp('already@example.org')
    await expect(outcome(() => signUpLoader(args(getRequest('/signup', { cookie }))))).resolves.toMatchObject({ status: 302, location: '/account' })
  })
})

describe('log in', () => {
  beforeAll(async () => {
    await signedUp('member@example.org')
  })

  it('starts a session and goes where the visitor was heading', async () => {
    const result = await logInForm({ email: 'MEMBER@example.org', password, redirectTo: '/offers/linen?x=1' })
    expect(result).toMatchObject({ status: 302, location: '/offers/linen?x=1' })
    await expect(getOptionalUser(getRequest('/', { cookie: cookieOf(result.setCookie) }))).resolves.toMatchObject({ email: 'member@example.org' })
    await expect(logInForm({ email: 'member@example.org', password })).resolves.toMatchObject({ location: '/account' })
  })

  it.each(['https://evil.example/phish', '//evil.example', '/\\evil.example', 'javascript:alert(1)', ' /account', '/\t/evil.example'])(
    'never sends people off-site after logging in (redirectTo=%s)',
    async (redirectTo) => {
      const result = await logInForm({ email: 'member@example.org', password, redirectTo })
      expect(result).toMatchObject({ status: 302, location: '/account' })
    },
  )

  it('answers a wrong password and an unknown email alike, keeping the email but not the password', async () => {
    const wrong = await logInForm({ email: 'member@example.org', password: 'not the password' })
    const unknown = await logInForm({ email: 'nobody@example.org', password })
    expect(wrong.status).toBe(400)
    expect(unknown.status).toBe(400)
    expect(wrong.body.formError).toBe(unknown.body.formError)
    expect(wrong.body.formError).toMatch(/don't match an account/)
    expect(wrong.body.values).toEqual({ email: 'member@example.org' })
    expect(wrong.setCookie).toBeNull()
  })

  it('answers 429 with when to try again after five failures for one account from one address, and lets the owner in from another', async () => {
    await signedUp('target@example.org')
    for (let i = 0; i < 5; i++) {
      const r = await logInForm({ email: 'target@example.org', password: 'wrong guess' }, { address: '203.0.113.5' })
      expect(r.status).toBe(400)
    }
    const limited = await logInForm({ email: 'target@example.org', password }, { address: '203.0.113.5' })
    expect(limited.status).toBe(429)
    expect(limited.body.formError).toMatch(
      /^Too many failed log-in attempts from your network\. Please try again in (1 minute|\d\d seconds) \(after \d\d:\d\d:\d\d UTC\)/,
    )
    expect(limited.setCookie).toBeNull()
    await expect(logInForm({ email: 'target@example.org', password }, { address: '192.0.2.77' })).resolves.toMatchObject({ status: 302 })
  })

  it('answers 429 to an address after twenty failures, for any account', async () => {
    for (let i = 0; i < 20; i++) await logInForm({ email: `spray${i}@example.org`, password: 'wrong guess' })
    const limited = await logInForm({ email: 'member@example.org', password })
    expect(limited.status).toBe(429)
    await expect(logInForm({ email: 'member@example.org', password }, { address: '192.0.2.200' })).resolves.toMatchObject({ status: 302 })
  })

  it('reads the address the server set, not a guess', () => {
    expect(clientAddress(formRequest('/login', {}, { address: '192.0.2.55' }))).toBe('192.0.2.55')
    expect(clientAddress(getRequest('/login'))).toBe('unknown')
  })

  it('keeps a safe redirectTo from the address bar for the form', async () => {
    await expect(logInLoader(args(getRequest('/login?redirectTo=%2Forganisations%2Fx')))).resolves.toEqual({ redirectTo: '/organisations/x' })
    await expect(logInLoader(args(getRequest('/login?redirectTo=https%3A%2F%2Fevil.example')))).resolves.toEqual({ redirectTo: '/account' })
  })
})

describe('sessions and logging out', () => {
  it('treats an expired session as anonymous', async () => {
    const cookie = await signedUp('expiring@example.org')
    const person = await db.selectFrom('people').select('id').where('email', '=', 'expiring@example.org').executeTakeFirstOrThrow()
    await db
      .updateTable('sessions')
      .set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
      .where('personId', '=', person.id)
      .execute()
    await expect(getOptionalUser(getRequest('/', { cookie }))).resolves.toBeNull()
  })

  it('ignores a tampered cookie', async () => {
    const cookie = await signedUp('tamper@example.org')
    const [name, value] = cookie.split('=')
    const tampered = `${name}=${value!.slice(0, -3)}abc`
    await expect(getOptionalUser(getRequest('/', { cookie: tampered }))).resolves.toBeNull()
  })

  it('ends the session for good: the same cookie no longer authenticates', async () => {
    const cookie = await signedUp('leaving@example.org')
    const result = await outcome(() => logOutAction(args(formRequest('/logout', {}, { cookie }))))
    expect(result).toMatchObject({ status: 302, location: '/' })
    expect(result.setCookie).toMatch(/^__session=[^;]*; Max-Age=0;/)
    await expect(getOptionalUser(getRequest('/', { cookie }))).resolves.toBeNull()
    const rows = await db
      .selectFrom('sessions')
      .innerJoin('people', 'people.id', 'sessions.personId')
      .select('sessions.revokedAt')
      .where('people.email', '=', 'leaving@example.org')
      .execute()
    expect(rows).toEqual([{ revokedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }])
  })

  it('shows the header without touching the database for visitors without a session cookie', async () => {
    const real = globalThis.__solidarityDb
    globalThis.__solidarityDb = new Proxy(
      {},
      {
        get: () => {
          throw new Error('no query expected')
        },
      },
    ) as never
    try {
      // The language and the zone come from the request alone (here: neither, so English and UTC).
      await expect(rootLoader(args(getRequest('/', { cookie: 'catalog_view=x' })))).resolves.toMatchObject({
        user: null,
        cartCount: 0,
        locale: 'en',
        timeZone: 'UTC',
      })
    } finally {
      globalThis.__solidarityDb = real
    }
    const cookie = await signedUp('header@example.org')
    await expect(rootLoader(args(getRequest('/', { cookie })))).resolves.toMatchObject({ user: { email: 'header@example.org', isSteward: false } })
  })
})

describe('guards', () => {
  it('sends anonymous visitors to log in, and back afterwards', async () => {
    const result = await outcome(() => requireUser(getRequest('/account/password?tab=2')))
    expect(result).toMatchObject({ status: 302, location: '/login?redirectTo=%2Faccount%2Fpassword%3Ftab%3D2' })
    await expect(outcome(() => changePasswordLoader(args(getRequest('/account/password'))))).resolves.toMatchObject({
      status: 302,
      location: '/login?redirectTo=%2Faccount%2Fpassword',
    })
  })

  it('lets only stewards through requireSteward', async () => {
    const cookie = await signedUp('not.a.steward@example.org')
    await expect(outcome(() => requireSteward(getRequest('/steward', { cookie })))).resolves.toMatchObject({ status: 403, body: 'Only stewards can do this.' })
    await expect(outcome(() => requireSteward(getRequest('/steward')))).resolves.toMatchObject({ status: 302, location: '/login?redirectTo=%2Fsteward' })
    await db.updateTable('people').set({ isSteward: 1 }).where('email', '=', 'not.a.steward@example.org').execute()
    await expect(requireSteward(getRequest('/steward', { cookie }))).resolves.toMatchObject({ isSteward: true })
  })

  it.each([
    ['/account', '/account'],
    ['/offers/x?y=1#z', '/offers/x?y=1#z'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example', '/'],
    ['evil.example', '/'],
    ['/ok\nSet-Cookie: x', '/'],
    ['', '/'],
  ])('safeRedirect(%j) is %j', (to, expected) => {
    expect(safeRedirect(to)).toBe(expected)
  })
})

describe('changing the password', () => {
  it('refuses a wrong current password, then changes it and logs out every other session', async () => {
    const here = await signedUp('changer@example.org')
    const elsewhere = cookieOf((await logInForm({ email: 'changer@example.org', password })).setCookie)
    const change = (fields: Record<string, string>) => outcome(() => changePasswordAction(args(formRequest('/account/password', fields, { cookie: here }))))

    const wrong = await change({ currentPassword: 'not my password', newPassword: 'fresh mossy passphrase', confirmPassword: 'fresh mossy passphrase' })
    expect(wrong.status).toBe(400)
    expect(wrong.body.fieldErrors).toEqual({ currentPassword: 'That is not your current password.' })
    expect(wrong.body.values).toEqual({})

    const done = await change({ currentPassword: password, newPassword: 'fresh mossy passphrase', confirmPassword: 'fresh mossy passphrase' })
    expect(done).toMatchObject({ status: 302, location: '/account/password?changed' })
    const renewed = cookieOf(done.setCookie)
    await expect(getOptionalUser(getRequest('/', { cookie: elsewhere }))).resolves.toBeNull()
    await expect(getOptionalUser(getRequest('/', { cookie: here }))).resolves.toBeNull()
    await expect(getOptionalUser(getRequest('/', { cookie: renewed }))).resolves.toMatchObject({ email: 'changer@example.org' })
    await expect(logInForm({ email: 'changer@example.org', password })).resolves.toMatchObject({ status: 400 })
    await expect(logInForm({ email: 'changer@example.org', password: 'fresh mossy passphrase' })).resolves.toMatchObject({ status: 302 })
  })

  it('is only for signed-in people', async () => {
    const anonymous = await outcome(() => changePasswordAction(args(formRequest('/account/password', { currentPassword: password }))))
    expect(anonymous).toMatchObject({ status: 302, location: '/login?redirectTo=%2Faccount%2Fpassword' })
  })
})

describe('password reset by email', () => {
  const forgot = (email: string) => outcome(() => forgotAction(args(formRequest('/forgot-password', { email }))))
  const tokenIn = (text: string) => /http:\/\/market\.test\/reset-password\/([A-Za-z0-9_-]{43})/.exec(text)?.[1]

  it('mails a link that logs the person in once, and never again', async () => {
    const oldSession = await signedUp('forgetful@example.org')
    const answer = await forgot('Forgetful@example.org')
    expect(answer.status).toBe(200)
    expect(answer.body.message).toBe('If an account exists for that address, we sent a link to reset its password. The link works for one hour.')

    const mail = newestMailTo('forgetful@example.org')
    expect(mail?.subject).toBe('Reset your Solidarity Market password')
    const token = tokenIn(mail!.text)!
    expect(token).toBeTruthy()

    await expect(resetLoader(args(getRequest(`/reset-password/${token}`), { token }))).resolves.toMatchObject({ email: 'forgetful@example.org' })
    const reset = (fields: Record<string, string>) => outcome(() => resetAction(args(formRequest(`/reset-password/${token}`, fields), { token })))
    const mismatch = await reset({ newPassword: 'a new mossy passphrase', confirmPassword: 'something else entirely' })
    expect(mismatch).toMatchObject({ status: 400, body: { fieldErrors: { confirmPassword: 'The two passwords are not the same.' } } })

    const done = await reset({ newPassword: 'a new mossy passphrase', confirmPassword: 'a new mossy passphrase' })
    expect(done).toMatchObject({ status: 302, location: '/account' })
    await expect(getOptionalUser(getRequest('/', { cookie: cookieOf(done.setCookie) }))).resolves.toMatchObject({ email: 'forgetful@example.org' })
    await expect(getOptionalUser(getRequest('/', { cookie: oldSession }))).resolves.toBeNull()

    const again = await reset({ newPassword: 'one more passphrase', confirmPassword: 'one more passphrase' })
    expect(again.status).toBe(400)
    expect(again.body.formError).toMatch(/^This reset link has expired or was already used/)
    await expect(resetLoader(args(getRequest(`/reset-password/${token}`), { token }))).resolves.toMatchObject({ email: null })
  })

  it('refuses an expired link', async () => {
    await signedUp('slow@example.org')
    const person = await db.selectFrom('people').select('id').where('email', '=', 'slow@example.org').executeTakeFirstOrThrow()
    await forgot('slow@example.org')
    const token = tokenIn(newestMailTo('slow@example.org')!.text)!
    await db
      .updateTable('passwordResets')
      .set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
      .where('personId', '=', person.id)
      .execute()
    await expect(resetLoader(args(getRequest(`/reset-password/${token}`), { token }))).resolves.toMatchObject({ email: null })
    const late = await outcome(() =>
      resetAction(
        args(formRequest(`/reset-password/${token}`, { newPassword: 'a new mossy passphrase', confirmPassword: 'a new mossy passphrase' }), { token }),
      ),
    )
    expect(late.status).toBe(400)
    expect(late.setCookie).toBeNull()
  })

  it('answers an unknown address the same way and sends nothing', async () => {
    const answer = await forgot('stranger@example.org')
    expect(answer).toMatchObject({ status: 200, body: { sent: true, message: expect.stringMatching(/^If an account exists/) } })
    expect(newestMailTo('stranger@example.org')).toBeNull()
    await expect(forgot('not an email')).resolves.toMatchObject({
      status: 400,
      body: { fieldErrors: { email: 'Enter an email address like name@example.org.' } },
    })
  })

  it('shows the expired message for a token that cannot exist', async () => {
    await expect(resetLoader(args(getRequest('/reset-password/short'), { token: 'short' }))).resolves.toMatchObject({ email: null })
  })
})
