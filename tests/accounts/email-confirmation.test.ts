import { beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import { newestMailTo } from '../../app/lib/mail.server'
import { setClock } from '../../app/lib/clock'
import { CONFIRMATION_HOURS, signUp } from '../../app/modules/accounts/accounts.server'
import { proposeSteward } from '../../app/modules/accounts/stewards.server'
import { inviteMember } from '../../app/modules/organisations/membership.server'
import { attestOrganisation } from '../../app/modules/orders/reclassification.server'
import { challengeClaim } from '../../app/modules/verification/challenges.server'
import { action as resendAction, loader as resendLoader } from '../../app/routes/confirm-email._index'
import { loader as confirmLoader } from '../../app/routes/confirm-email.$token'
import { action as invitationAction } from '../../app/routes/invitations.$token'
import { insertPerson, sessionCookieFor } from '../support/auth'
import { formRequest, getRequest, outcome, useAccountsTestEnv } from '../support/accounts'
import { rowCount, testDb, useAsAppDb } from '../support/db'
import { createClaim, createOrganisation } from '../support/fixtures'

// A new account confirms its address through a mailed link. Until then it can buy for itself
// but cannot join an organisation, attest, challenge or be appointed steward; an invitation to
// an address is accepted only by an account that has confirmed that address.

useAccountsTestEnv()
process.env.APP_URL = 'http://market.test'

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} })
const T0 = '2026-11-24T12:00:00.000Z'
const hoursAfter = (h: number) => new Date(Date.parse(T0) + h * 3_600_000).toISOString()
let db: Database

beforeEach(async () => {
  db = await testDb()
  useAsAppDb(db)
  setClock(T0)
})

async function newAccount(email: string) {
  const account = await signUp(db, { email, displayName: 'Rosa New', password: 'lichen on the north wall' })
  const mail = newestMailTo(email)!
  const token = mail.text.match(/http:\/\/market\.test\/confirm-email\/([A-Za-z0-9_-]{43})/)![1]!
  return { account, token, mail }
}

const openLink = (token: string) => outcome(() => confirmLoader(args(getRequest(`/confirm-email/${token}`), { token })))
const confirmedAt = async (id: number) =>
  (await db.selectFrom('people').select('emailConfirmedAt').where('id', '=', id).executeTakeFirstOrThrow()).emailConfirmedAt

describe('confirming an address', () => {
  it('mails a link at sign-up; the link confirms once, then says it was used', async () => {
    const { account, token, mail } = await newAccount('rosa@example.org')
    expect(account.emailConfirmed).toBe(false)
    expect(mail.subject).toBe('Confirm your email address for Solidarity Market')
    expect(await confirmedAt(account.id)).toBeNull()
    // only the hash is stored
    expect(await db.selectFrom('emailConfirmations').select('tokenHash').where('tokenHash', '=', token).executeTakeFirst()).toBeUndefined()

    setClock(hoursAfter(1))
    const first = await openLink(token)
    expect(first).toMatchObject({ status: 200, body: { outcome: 'confirmed', email: 'rosa@example.org' } })
    expect(await confirmedAt(account.id)).toBe(hoursAfter(1))
    const replay = await openLink(token)
    expect(replay).toMatchObject({ status: 409, body: { outcome: 'already_used' } })
  })

  it('an expired link confirms nothing (410); a forged one is a 404', async () => {
    const { account, token } = await newAccount('late@example.org')
    setClock(hoursAfter(CONFIRMATION_HOURS))
    expect(await openLink(token)).toMatchObject({ status: 410, body: { outcome: 'expired' } })
    expect(await confirmedAt(account.id)).toBeNull()
    expect((await openLink('A'.repeat(43))).status).toBe(404)
    expect((await openLink('not-a-token')).status).toBe(404)
    expect(await confirmedAt(account.id)).toBeNull()
  })

  it('resends a link from the notice, at most three an hour, and not once confirmed', async () => {
    const { account, token } = await newAccount('again@example.org')
    const cookie = await sessionCookieFor(account.id)
    const resend = (fields: Record<string, string> = { intent: 'resend' }) =>
      outcome(() => resendAction(args(formRequest('/confirm-email', fields, { cookie }))))
    expect((await outcome(() => resendLoader(args(getRequest('/confirm-email', { cookie }))))).body).toMatchObject({
      email: 'again@example.org',
      confirmed: false,
    })
    expect((await resend({ intent: 'something' })).status).toBe(400)
    const before = await rowCount(db, 'emailConfirmations')
    setClock(hoursAfter(0.1))
    expect(await resend()).toMatchObject({ status: 302, location: '/confirm-email?notice=confirmation-sent' })
    setClock(hoursAfter(0.2))
    expect((await resend({ intent: 'resend', redirectTo: '/account' })).location).toBe('/account?notice=confirmation-sent')
    // sign-up's link and two resends make three in the hour: the fourth waits
    setClock(hoursAfter(0.3))
    const limited = await resend()
    expect(limited.status).toBe(429)
    expect(limited.body.formError).toMatch(/3 links in the past hour.*after 13:00 UTC/)
    expect(await rowCount(db, 'emailConfirmations')).toBe(before + 2)
    // the newest link works; the address is confirmed, and resending is refused
    const newest = newestMailTo('again@example.org')!.text.match(/confirm-email\/([A-Za-z0-9_-]{43})/)![1]!
    expect(newest).not.toBe(token)
    expect((await openLink(newest)).status).toBe(200)
    setClock(hoursAfter(2))
    expect((await resend()).status).toBe(409)
  })
})

describe('what an unconfirmed account cannot do', () => {
  it('accepts no invitation until the invited address is confirmed', async () => {
    const admin = await insertPerson(db, 'Ada Admin')
    const org = await createOrganisation(db, { name: 'Weavers Co-op', slug: 'weavers' })
    await db.insertInto('memberships').values({ organisationId: org.id, personId: admin.id, role: 'admin' }).execute()
    const invitation = await inviteMember(db, admin.id, org.id, { email: 'rosa@example.org', role: 'admin' })
    // Someone signs up with the invited address, but has not shown they read its mail.
    const { account, token } = await newAccount('rosa@example.org')
    const cookie = await sessionCookieFor(account.id)
    const refused = await outcome(() => invitationAction(args(formRequest(`/invitations/${invitation.token}`, {}, { cookie }), { token: invitation.token })))
    expect(refused.status).toBe(403)
    expect(refused.body.formError).toMatch(/^Confirm your email address first: joining an organisation needs an account whose address is confirmed/)
    expect(await rowCount(db, 'memberships')).toBe(1)
    expect((await db.selectFrom('invitations').select('acceptedAt').executeTakeFirstOrThrow()).acceptedAt).toBeNull()

    await openLink(token)
    const accepted = await outcome(() => invitationAction(args(formRequest(`/invitations/${invitation.token}`, {}, { cookie }), { token: invitation.token })))
    expect(accepted).toMatchObject({ status: 302, location: '/organisations/weavers/manage?notice=joined' })
  })

  it('cannot attest, challenge or be proposed as steward until confirmed', async () => {
    const { account, token } = await newAccount('rosa@example.org')
    const applicant = await createOrganisation(db, { name: 'Applicant Co-op', slug: 'applicant' })
    const attester = await createOrganisation(db, { name: 'Verified Co-op', slug: 'verified' })
    await createClaim(db, {
      organisationId: attester.id,
      claim: 'legal_form',
      value: 'worker_coop',
      evidenceLevel: 'verified',
      expiresAt: hoursAfter(24 * 400),
    })
    // An admin of a verified co-op (made so directly, as an administrator could)
    await db.insertInto('memberships').values({ organisationId: attester.id, personId: account.id, role: 'admin' }).execute()
    const claim = await createClaim(db, { organisationId: applicant.id, claim: 'legal_form', value: 'worker_coop', evidenceLevel: 'documented' })
    const steward = await insertPerson(db, 'Sam Steward', { steward: true })

    const statement = 'We have traded with them for years and know their statutes.'
    await expect(attestOrganisation(db, account.id, applicant.id, { attesterOrganisationId: attester.id, statement })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/^Confirm your email address first: attesting/),
    })
    await expect(challengeClaim(db, account.id, claim.id, 'This is not a co-op at all, see the registry.')).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/^Confirm your email address first: challenging/),
    })
    await expect(proposeSteward(db, steward.id, { email: 'rosa@example.org', reason: 'Knows the statutes well' })).rejects.toMatchObject({ code: 'forbidden' })
    expect(await rowCount(db, 'attestations')).toBe(0)
    expect(await rowCount(db, 'challenges')).toBe(0)
    expect(await rowCount(db, 'stewardAppointments')).toBe(0)

    await openLink(token)
    await attestOrganisation(db, account.id, applicant.id, { attesterOrganisationId: attester.id, statement })
    await challengeClaim(db, account.id, claim.id, 'This is not a co-op at all, see the registry.')
    await proposeSteward(db, steward.id, { email: 'rosa@example.org', reason: 'Knows the statutes well' })
    expect(await rowCount(db, 'attestations')).toBe(1)
    expect(await rowCount(db, 'challenges')).toBe(1)
    expect(await rowCount(db, 'stewardAppointments')).toBe(1)
  })
})
