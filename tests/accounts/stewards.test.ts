import { beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import { setClock } from '../../app/lib/clock'
import { postEntry } from '../../app/modules/ledger/ledger.server'
import { decideStewardProposal, proposeSteward } from '../../app/modules/accounts/stewards.server'
import { decideDisbursement, requestDisbursement } from '../../app/modules/funds/disbursements.server'
import { challengeClaim, decideChallenge } from '../../app/modules/verification/challenges.server'
import * as desk from '../../app/routes/steward'
import { insertPerson, request, sessionCookieFor, statusOf } from '../support/auth'
import { useAccountsTestEnv } from '../support/accounts'
import { rowCount, testDb, useAsAppDb } from '../support/db'
import { createClaim, createOrganisation } from '../support/fixtures'

// Appointing a steward takes two stewards; no steward decides on an organisation they belong to.

useAccountsTestEnv()
const now = '2026-11-24T12:00:00.000Z'
let db: Database
let sam: { id: number; email: string }
let sol: { id: number; email: string }
let rosa: { id: number; email: string }

const isSteward = async (id: number) => (await db.selectFrom('people').select('isSteward').where('id', '=', id).executeTakeFirstOrThrow()).isSteward

beforeEach(async () => {
  db = await testDb()
  useAsAppDb(db)
  setClock(now)
  sam = await insertPerson(db, 'Sam Steward', { steward: true })
  sol = await insertPerson(db, 'Sol Steward', { steward: true })
  rosa = await insertPerson(db, 'Rosa Candidate')
})

describe('appointing a steward', () => {
  it('takes one steward’s proposal and a second steward’s approval', async () => {
    const { id } = await proposeSteward(db, sam.id, { email: rosa.email, reason: 'Ran the co-op registry for years' })
    expect(await isSteward(rosa.id)).toBe(0)
    await expect(decideStewardProposal(db, sam.id, id, true)).rejects.toMatchObject({
      code: 'forbidden',
      message: 'You proposed this appointment, so another steward must decide on it.',
    })
    expect(await isSteward(rosa.id)).toBe(0)
    await decideStewardProposal(db, sol.id, id, true)
    expect(await isSteward(rosa.id)).toBe(1)
    // a replayed approval changes nothing
    await expect(decideStewardProposal(db, sol.id, id, true)).rejects.toMatchObject({ code: 'conflict' })
    await expect(proposeSteward(db, sam.id, { email: rosa.email, reason: 'Once more' })).rejects.toMatchObject({ code: 'conflict' })
  })

  it('through the steward desk: forged and replayed forms are 4xx and write nothing', async () => {
    const samCookie = await sessionCookieFor(sam.id)
    const solCookie = await sessionCookieFor(sol.id)
    const post = (cookie: string, form: Record<string, string>) =>
      statusOf(() => desk.action({ request: request('/steward', { cookie, form }), params: {}, context: {} }))
    expect(await post(samCookie, { intent: 'propose-steward', email: rosa.email, reason: 'Ran the co-op registry' })).toMatchObject({
      status: 302,
      location: '/steward?notice=proposed',
    })
    const proposal = await db.selectFrom('stewardAppointments').select('id').executeTakeFirstOrThrow()
    // the old one-step grant is gone
    expect((await post(samCookie, { intent: 'grant', email: rosa.email })).status).toBe(400)
    expect((await post(samCookie, { intent: 'appoint', id: String(proposal.id), decision: 'approve' })).status).toBe(403)
    expect((await post(solCookie, { intent: 'appoint', id: 'abc', decision: 'approve' })).status).toBe(400)
    expect((await post(solCookie, { intent: 'appoint', id: String(proposal.id), decision: 'promote' })).status).toBe(400)
    expect((await post(solCookie, { intent: 'appoint', id: '99999', decision: 'approve' })).status).toBe(404)
    expect((await post(samCookie, { intent: 'propose-steward', email: 'nobody@example.org', reason: 'Unknown person' })).status).toBe(404)
    expect((await post(samCookie, { intent: 'propose-steward', email: rosa.email, reason: '' })).status).toBe(400)
    expect(await isSteward(rosa.id)).toBe(0)
    expect(await rowCount(db, 'stewardAppointments')).toBe(1)
    // a non-steward cannot post to the desk at all
    expect((await post(await sessionCookieFor(rosa.id), { intent: 'appoint', id: String(proposal.id), decision: 'approve' })).status).toBe(403)
    expect(await post(solCookie, { intent: 'appoint', id: String(proposal.id), decision: 'approve' })).toMatchObject({
      status: 302,
      location: '/steward?notice=appointed',
    })
    expect(await isSteward(rosa.id)).toBe(1)
    expect((await post(solCookie, { intent: 'appoint', id: String(proposal.id), decision: 'approve' })).status).toBe(409)
  })
})

describe('no steward acts on their own organisation', () => {
  it('does not decide a challenge against an organisation they belong to', async () => {
    const org = await createOrganisation(db, { name: 'Sam’s Co-op', slug: 'sams' })
    await db.insertInto('memberships').values({ organisationId: org.id, personId: sam.id, role: 'member' }).execute()
    const claim = await createClaim(db, { organisationId: org.id, claim: 'legal_form', value: 'worker_coop', evidenceLevel: 'documented' })
    const challenge = await challengeClaim(db, rosa.id, claim.id, 'They are a limited company, see the registry.')
    await expect(decideChallenge(db, sam.id, challenge.id, { uphold: false, reason: 'Looks fine to me' })).rejects.toMatchObject({
      code: 'forbidden',
      message: 'You are a member of Sam’s Co-op, so another steward must decide challenges against it.',
    })
    expect((await db.selectFrom('challenges').select('status').executeTakeFirstOrThrow()).status).toBe('open')
    await decideChallenge(db, sol.id, challenge.id, { uphold: true, reason: 'The registry says so' })
    expect((await db.selectFrom('challenges').select('status').executeTakeFirstOrThrow()).status).toBe('upheld')
  })

  it('does not approve a payout of a fund their organisation stewards', async () => {
    const org = await createOrganisation(db, { name: 'Design Commons', slug: 'design-commons' })
    const admin = await insertPerson(db, 'Fund Admin')
    await db
      .insertInto('memberships')
      .values([
        { organisationId: org.id, personId: admin.id, role: 'admin' },
        { organisationId: org.id, personId: sam.id, role: 'member' },
      ])
      .execute()
    const fund = await db
      .insertInto('commonsFunds')
      .values({ slug: 'design-fund', name: 'Design Fund', kind: 'commons', currency: 'EUR', stewardOrganisationId: org.id })
      .returning('id')
      .executeTakeFirstOrThrow()
    await postEntry(
      db,
      {
        kind: 'settlement',
        memo: 'fees in',
        postings: [
          { account: { kind: 'payment_clearing', currency: 'EUR' }, amount: 5000 },
          { account: { kind: 'commons_fund', commonsFundId: fund.id, currency: 'EUR' }, amount: -5000 },
        ],
      },
      now,
    )
    const { id } = await requestDisbursement(db, admin.id, fund.id, { amount: 1000, recipient: 'Print shop', purpose: 'Printing the open manuals' })
    await expect(decideDisbursement(db, sam.id, id, { approve: true, reason: 'Good use of the fund' })).rejects.toMatchObject({
      code: 'forbidden',
      message: 'You are a member of Design Commons, so another steward must decide on this fund’s payouts.',
    })
    expect((await db.selectFrom('disbursements').select('status').executeTakeFirstOrThrow()).status).toBe('requested')
    await decideDisbursement(db, sol.id, id, { approve: true, reason: 'Good use of the fund' })
    expect((await db.selectFrom('disbursements').select('status').executeTakeFirstOrThrow()).status).toBe('approved')
  })
})
