import { dropGuardTrigger } from '../support/db'
import { beforeEach, describe, expect, it } from 'vitest'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { balanceOf, postEntry } from '../../app/modules/ledger/ledger.server'
import { decideDisbursement, requestDisbursement } from '../../app/modules/funds/disbursements.server'
import { backChargeOverturnedClaim, resolveChallenge } from '../../app/modules/orders/back-charge.server'
import { expireUnpaidOrders } from '../../app/modules/orders/settlement.server'
import { chooseBackChargePayment, recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { getReceipt } from '../../app/modules/orders/receipts.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { challengeClaim } from '../../app/modules/verification/challenges.server'
import { reviewEvidence, submitEvidence } from '../../app/modules/orders/reclassification.server'
import { accountOverview } from '../../app/modules/orders/account-overview.server'
import { insertPerson } from '../support/auth'
import { appErrorOf } from '../support/errors'
import { forFirm, newKey, smallMarket, type SmallMarket } from '../support/market'

// Issue 12, the money side: credits only for what was owed, back-charges for what was not
// paid, and funds that can always pay what they owe.

const now = '2026-11-24T10:00:00.000Z'
const later = '2026-11-25T10:00:00.000Z'
const latest = '2026-11-26T10:00:00.000Z'
let m: SmallMarket
let steward: { id: number }
let steward2: { id: number }

beforeEach(async () => {
  m = await smallMarket()
  steward = await insertPerson(m.db, 'Sam Steward', { steward: true })
  steward2 = await insertPerson(m.db, 'Kim Steward', { steward: true })
})

const fund = () => balanceOf(m.db, { kind: 'commons_fund', commonsFundId: m.fund.id, currency: 'EUR' })
const infrastructure = () => balanceOf(m.db, { kind: 'commons_fund', commonsFundId: m.infrastructure.id, currency: 'EUR' })
const stock = async () => (await m.db.selectFrom('offers').select('stock').where('id', '=', m.towel.id).executeTakeFirstOrThrow()).stock
const creditOf = (organisationId: number) => balanceOf(m.db, { kind: 'buyer_credit', organisationId, currency: 'EUR' })

/** An organisation the commoner runs, buying towels on its behalf and paying by invoice. */
async function organisation(legalForm: 'for_profit' | 'worker_coop') {
  const org = await m.db
    .insertInto('organisations')
    .values({ slug: `org-${legalForm}`, name: 'Riverside Bakers', legalForm, countryCode: 'IT', city: 'Turin' })
    .returning('id')
    .executeTakeFirstOrThrow()
  await m.db.insertInto('memberships').values({ organisationId: org.id, personId: m.commoner.id, role: 'admin' }).execute()
  return org
}
async function buyTowels(organisationId: number, quantity: number, at: string) {
  const placed = await placeOrder(
    m.db,
    {
      buyer: { personId: m.commoner.id, use: { kind: 'organisation', organisationId } },
      lines: [{ offerId: m.towel.id, quantity }],
      idempotencyKey: newKey(),
      paymentProvider: 'invoice',
    },
    at,
  )
  await recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.weaver.id }, at)
  return placed
}
async function verify(organisationId: number, at: string) {
  const claim = await submitEvidence(m.db, m.commoner.id, organisationId, { claim: 'legal_form', value: 'worker_coop', source: 'Registro imprese TO-123' }, at)
  await reviewEvidence(m.db, steward.id, claim.id, { approve: true, reason: 'Checked the registry entry.' }, at)
  return claim
}

describe('reciprocity credits go only to orders placed while a commons form awaited verification', () => {
  it('a firm that turns itself into a worker co-op gets no credit for what it bought as a firm', async () => {
    const org = await organisation('for_profit')
    await buyTowels(org.id, 2, now)
    expect(await fund()).toBe(540)
    await m.db.updateTable('organisations').set({ legalForm: 'worker_coop' }).where('id', '=', org.id).execute()
    await verify(org.id, later)
    expect(await creditOf(org.id)).toBe(0)
    expect(await fund()).toBe(540)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })

  it('fees paid while a claim stood overturned are not credited after a new verification', async () => {
    const org = await organisation('worker_coop')
    const claim = await verify(org.id, now)
    const challenge = await challengeClaim(m.db, m.buyer.id, claim.id, 'This bakery is a limited company, see its registry entry.', now)
    await resolveChallenge(m.db, steward2.id, challenge.id, { uphold: true, reason: 'The registry lists a limited company.' }, {}, now)
    const placed = await buyTowels(org.id, 1, later)
    expect(placed.total).toBe(1800)
    await verify(org.id, latest)
    expect(await creditOf(org.id)).toBe(0)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })

  it('a co-op awaiting verification still gets its fees back once verified', async () => {
    const org = await organisation('worker_coop')
    await buyTowels(org.id, 2, now)
    await verify(org.id, later)
    expect(await creditOf(org.id)).toBe(1200)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })
})

describe('back-charge when a challenge against a legal form is upheld', () => {
  it('charges each order placed under the overturned claim the difference, as a new order paid like any other', async () => {
    const org = await organisation('worker_coop')
    const claim = await verify(org.id, now)
    const commonerOrder = await buyTowels(org.id, 2, now)
    expect(commonerOrder.total).toBe(2400)
    const challenge = await challengeClaim(m.db, m.buyer.id, claim.id, 'This bakery is a limited company, see its registry entry.', later)
    const { backCharges } = await resolveChallenge(
      m.db,
      steward2.id,
      challenge.id,
      { uphold: true, reason: 'The registry lists a limited company.' },
      {},
      later,
    )
    expect(backCharges).toEqual([expect.objectContaining({ correctsOrderId: commonerOrder.orderIds[0], amount: 1200, currency: 'EUR' })])

    const charge = await m.db.selectFrom('orders').selectAll().where('id', '=', backCharges[0]!.orderId).executeTakeFirstOrThrow()
    expect(charge).toMatchObject({ buyerOrganisationId: org.id, status: 'pending_payment', total: 1200, reciprocityClass: 'for_profit' })
    expect(charge.classReason).toContain('The registry lists a limited company.')
    // the original order is untouched
    expect(await m.db.selectFrom('orders').select(['status', 'total']).where('id', '=', commonerOrder.orderIds[0]!).executeTakeFirstOrThrow()).toEqual({
      status: 'paid',
      total: 2400,
    })
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })

    // the buyer's account page says what is owed and why
    expect((await accountOverview(m.db, m.commoner.id, later)).backCharges).toEqual([
      expect.objectContaining({
        amount: { amount: 1200, currency: 'EUR' },
        organisation: { name: 'Riverside Bakers', slug: 'org-worker_coop' },
        reason: expect.stringContaining('The registry lists a limited company.'),
      }),
    ])
    // it is a debt, not a reservation: it does not lapse when its due date passes
    expect(await expireUnpaidOrders(m.db, '2030-01-01T00:00:00.000Z')).toBe(0)
    // paid by invoice, it is shared out as the access fee would have been
    await recordInvoicePayment(m.db, { orderId: charge.id, personId: m.weaver.id }, later)
    expect(await fund()).toBe(540)
    expect(await infrastructure()).toBe(120)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
    // never charged twice
    expect(await m.db.transaction().execute((trx) => backChargeOverturnedClaim(trx, claim.id, { reason: 'again', provider: 'invoice' }, latest))).toEqual([])
  })
})

describe('after an upheld challenge, unpaid orders and how a back-charge is paid', () => {
  it('calls off orders placed under the claim that are not paid yet, and puts their goods back on sale', async () => {
    const org = await organisation('worker_coop')
    const claim = await verify(org.id, now)
    const unpaid = await placeOrder(
      m.db,
      {
        buyer: { personId: m.commoner.id, use: { kind: 'organisation', organisationId: org.id } },
        lines: [{ offerId: m.towel.id, quantity: 2 }],
        idempotencyKey: newKey(),
        paymentProvider: 'invoice',
      },
      now,
    )
    expect(await stock()).toBe(3)
    const challenge = await challengeClaim(m.db, m.buyer.id, claim.id, 'This bakery is a limited company, see its registry entry.', later)
    const { backCharges } = await resolveChallenge(
      m.db,
      steward2.id,
      challenge.id,
      { uphold: true, reason: 'The registry lists a limited company.' },
      {},
      later,
    )
    expect(backCharges).toEqual([])
    expect(await m.db.selectFrom('orders').select(['status', 'cancelReason']).where('id', '=', unpaid.orderIds[0]!).executeTakeFirstOrThrow()).toEqual({
      status: 'cancelled',
      cancelReason: 'claim_overturned',
    })
    expect(await stock()).toBe(5)
    // a late invoice payment can no longer settle it at the commoner price
    expect(await appErrorOf(() => recordInvoicePayment(m.db, { orderId: unpaid.orderIds[0]!, personId: m.weaver.id }, later))).toMatchObject({
      code: 'conflict',
    })
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })

  it('any member of the buyer organisation sees the back-charge and chooses card or transfer; nobody else can', async () => {
    const org = await organisation('worker_coop')
    const colleague = await insertPerson(m.db, 'Ada Colleague')
    await m.db.insertInto('memberships').values({ organisationId: org.id, personId: colleague.id, role: 'member' }).execute()
    const claim = await verify(org.id, now)
    const original = await buyTowels(org.id, 1, now)
    const challenge = await challengeClaim(m.db, m.buyer.id, claim.id, 'This bakery is a limited company, see its registry entry.', later)
    const { backCharges } = await resolveChallenge(
      m.db,
      steward2.id,
      challenge.id,
      { uphold: true, reason: 'The registry lists a limited company.' },
      { provider: 'stripe' },
      later,
    )
    const charge = backCharges[0]!
    const receipt = await getReceipt(m.db, colleague.id, charge.checkoutId)
    expect(receipt).toMatchObject({
      provider: 'stripe',
      backCharge: { corrects: `SM-${original.checkoutId}-${original.orderIds[0]}` },
      awaitingPayment: { amount: 600, currency: 'EUR' },
    })
    await chooseBackChargePayment(m.db, { checkoutId: charge.checkoutId, personId: colleague.id, provider: 'invoice' })
    expect((await getReceipt(m.db, m.commoner.id, charge.checkoutId)).provider).toBe('invoice')
    expect(await appErrorOf(() => chooseBackChargePayment(m.db, { checkoutId: charge.checkoutId, personId: m.buyer.id, provider: 'stripe' }))).toMatchObject({
      code: 'not_found',
    })
    expect(await appErrorOf(() => getReceipt(m.db, m.buyer.id, charge.checkoutId))).toMatchObject({ code: 'not_found' })
    expect(
      await appErrorOf(() => chooseBackChargePayment(m.db, { checkoutId: original.checkoutId, personId: m.commoner.id, provider: 'stripe' })),
    ).toMatchObject({ code: 'conflict' })
    await recordInvoicePayment(m.db, { orderId: charge.orderId, personId: m.weaver.id }, later)
    expect(await appErrorOf(() => chooseBackChargePayment(m.db, { checkoutId: charge.checkoutId, personId: m.commoner.id, provider: 'stripe' }))).toMatchObject(
      { code: 'conflict' },
    )
  })
})

describe('funds never go below zero', () => {
  it('a fund can only pay out what it will not owe back, so a later credit never takes it negative', async () => {
    const org = await organisation('worker_coop')
    await buyTowels(org.id, 2, now) // 540 to the fund, owed back if the co-op is verified
    const firmOrder = await placeOrder(
      m.db,
      { buyer: forFirm(m), lines: [{ offerId: m.towel.id, quantity: 1 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
      now,
    )
    await recordInvoicePayment(m.db, { orderId: firmOrder.orderIds[0]!, personId: m.weaver.id }, now) // 270 the fund keeps
    expect(await fund()).toBe(810)
    const refused = await appErrorOf(() =>
      requestDisbursement(m.db, steward.id, m.fund.id, { amount: 810, recipient: 'Loom repairs', purpose: 'Repair the shared looms of the weavers.' }, later),
    )
    expect(refused.code).toBe('conflict')
    expect(refused.message).toContain('2.70')
    const asked = await requestDisbursement(
      m.db,
      steward.id,
      m.fund.id,
      { amount: 270, recipient: 'Loom repairs', purpose: 'Repair the shared looms of the weavers.' },
      later,
    )
    await decideDisbursement(m.db, steward2.id, asked.id, { approve: true, reason: 'Within the budget.' }, later)
    expect(await fund()).toBe(540)

    await verify(org.id, latest)
    expect(await creditOf(org.id)).toBe(1200)
    expect(await fund()).toBe(0)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })

  it('the database refuses a posting that would overdraw a fund', async () => {
    await expect(
      postEntry(
        m.db,
        {
          kind: 'disbursement',
          memo: 'too much',
          postings: [
            { account: { kind: 'commons_fund', commonsFundId: m.fund.id, currency: 'EUR' }, amount: 28_500 },
            { account: { kind: 'payment_clearing', currency: 'EUR' }, amount: -28_500 },
          ],
        },
        now,
      ),
    ).rejects.toThrow(/overdraft/)
  })

  it('ledger:check reports a fund whose balance is below zero (books written before the guard)', async () => {
    await dropGuardTrigger(m.db, 'postings_no_overdraft', 'postings')
    await postEntry(
      m.db,
      {
        kind: 'disbursement',
        memo: 'paid out more than it held',
        postings: [
          { account: { kind: 'commons_fund', commonsFundId: m.fund.id, currency: 'EUR' }, amount: 28_500 },
          { account: { kind: 'payment_clearing', currency: 'EUR' }, amount: -28_500 },
        ],
      },
      now,
    )
    const check = await checkLedger(m.db)
    expect(check.ok).toBe(false)
    expect(check.problems.join('\n')).toMatch(/Open Design Fund\) has a balance of -285\.00 EUR/)
  })
})
