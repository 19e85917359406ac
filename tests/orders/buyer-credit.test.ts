import { beforeEach, describe, expect, it } from 'vitest'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { balanceOf } from '../../app/modules/ledger/ledger.server'
import { creditStatement, decideCreditPayout, requestCreditPayout } from '../../app/modules/orders/buyer-credit.server'
import { cancelUnpaidCheckout, recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { refundOrder } from '../../app/modules/payments/refunds.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { getReceipt } from '../../app/modules/orders/receipts.server'
import { reviewEvidence, submitEvidence } from '../../app/modules/orders/reclassification.server'
import * as creditPage from '../../app/routes/organisations.$slug_.credit'
import * as desk from '../../app/routes/steward'
import { useAccountsTestEnv } from '../support/accounts'
import { insertPerson, request, sessionCookieFor, statusOf } from '../support/auth'
import { useAsAppDb } from '../support/db'
import { appErrorOf } from '../support/errors'
import { newKey, smallMarket, type SmallMarket } from '../support/market'

// Issue 12: a credit the marketplace owes a buyer organisation is real money. It pays the
// organisation's next checkout by itself, or is paid out through two stewards' hands.

const now = '2026-11-24T10:00:00.000Z'
const later = '2026-11-25T10:00:00.000Z'
useAccountsTestEnv()
let m: SmallMarket
let org: { id: number }
let steward: { id: number }

const creditOf = () => balanceOf(m.db, { kind: 'buyer_credit', organisationId: org.id, currency: 'EUR' })
const producerOwed = () => balanceOf(m.db, { kind: 'producer_payable', organisationId: m.weavers.id, currency: 'EUR' })
const order = (id: number) => m.db.selectFrom('orders').select(['status', 'total', 'creditApplied']).where('id', '=', id).executeTakeFirstOrThrow()

async function buyTowels(quantity: number, at: string, pay = true) {
  const placed = await placeOrder(
    m.db,
    {
      buyer: { personId: m.commoner.id, use: { kind: 'organisation', organisationId: org.id } },
      lines: [{ offerId: m.towel.id, quantity }],
      idempotencyKey: newKey(),
      paymentProvider: 'invoice',
    },
    at,
  )
  if (pay && placed.provider !== 'none') await recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.weaver.id }, at)
  return placed
}

/** A worker co-op buys two towels while its form awaits verification (2 × 600 access fee), then is verified: 1200 is owed back to it. */
beforeEach(async () => {
  m = await smallMarket()
  steward = await insertPerson(m.db, 'Sam Steward', { steward: true })
  org = await m.db
    .insertInto('organisations')
    .values({ slug: 'riverside', name: 'Riverside Bakers', legalForm: 'worker_coop', countryCode: 'IT', city: 'Turin' })
    .returning('id')
    .executeTakeFirstOrThrow()
  await m.db.insertInto('memberships').values({ organisationId: org.id, personId: m.commoner.id, role: 'admin' }).execute()
  await buyTowels(2, now)
  const claim = await submitEvidence(m.db, m.commoner.id, org.id, { claim: 'legal_form', value: 'worker_coop', source: 'Registro imprese TO-123' }, now)
  await reviewEvidence(m.db, steward.id, claim.id, { approve: true, reason: 'Checked the registry entry.' }, now)
  expect(await creditOf()).toBe(1200)
})

describe('a credit pays the organisation’s next checkout', () => {
  it('pays an order it covers in full: paid at once, producer and funds shared out, nothing left to pay', async () => {
    const producerBefore = await producerOwed()
    const placed = await buyTowels(1, later, false)
    expect(placed).toMatchObject({ total: 1200, provider: 'none' })
    expect(await order(placed.orderIds[0]!)).toEqual({ status: 'paid', total: 1200, creditApplied: 1200 })
    expect(await creditOf()).toBe(0)
    // the producer is owed its commoner price as if the buyer had paid by card
    expect((await producerOwed()) - producerBefore).toBe(1200)
    const receipt = await getReceipt(m.db, m.commoner.id, placed.checkoutId)
    expect(receipt).toMatchObject({ creditApplied: { amount: 1200, currency: 'EUR' }, awaitingPayment: { amount: 0, currency: 'EUR' } })
    const entry = await m.db
      .selectFrom('journalEntries')
      .select('memo')
      .where('orderId', '=', placed.orderIds[0]!)
      .where('kind', '=', 'credit_applied')
      .executeTakeFirstOrThrow()
    expect(entry.memo).toContain('credit owed to the buyer pays')
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })

  it('pays part of a larger order; the invoice asks only for the rest', async () => {
    const placed = await buyTowels(2, later, false)
    expect(placed).toMatchObject({ total: 2400, provider: 'invoice' })
    expect(await order(placed.orderIds[0]!)).toEqual({ status: 'pending_payment', total: 2400, creditApplied: 1200 })
    expect((await getReceipt(m.db, m.commoner.id, placed.checkoutId)).awaitingPayment).toEqual({ amount: 1200, currency: 'EUR' })
    await recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.weaver.id }, later)
    expect((await order(placed.orderIds[0]!)).status).toBe('paid')
    expect(await m.db.selectFrom('payments').select('amount').where('checkoutId', '=', placed.checkoutId).execute()).toEqual([{ amount: 1200 }])
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })

  it('comes back when an order it paid is cancelled unpaid or refunded', async () => {
    const partly = await buyTowels(2, later, false)
    await cancelUnpaidCheckout(m.db, { checkoutId: partly.checkoutId, personId: m.commoner.id }, later)
    expect(await creditOf()).toBe(1200)
    const whole = await buyTowels(1, later, false)
    expect(await creditOf()).toBe(0)
    await refundOrder(m.db, null, { orderId: whole.orderIds[0]!, personId: m.weaver.id, reason: 'Out of stock after all' }, later)
    expect((await order(whole.orderIds[0]!)).status).toBe('refunded')
    expect(await creditOf()).toBe(1200)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })

  it('is spent once when two members check out at the same moment: one order takes it, the other is invoiced in full', async () => {
    const second = await insertPerson(m.db, 'Ravi Baker')
    await m.db.insertInto('memberships').values({ organisationId: org.id, personId: second.id, role: 'member' }).execute()
    const asMember = (personId: number) =>
      placeOrder(
        m.db,
        {
          buyer: { personId, use: { kind: 'organisation', organisationId: org.id } },
          lines: [{ offerId: m.towel.id, quantity: 1 }],
          idempotencyKey: newKey(),
          paymentProvider: 'invoice',
        },
        later,
      )
    const placed = await Promise.all([asMember(m.commoner.id), asMember(second.id)])
    const orders = await Promise.all(placed.map((p) => order(p.orderIds[0]!)))
    expect(orders.map((o) => o.creditApplied).sort((a, b) => a - b)).toEqual([0, 1200])
    expect(orders.map((o) => o.status).sort()).toEqual(['paid', 'pending_payment'])
    expect(await creditOf()).toBe(0)
    expect((await checkLedger(m.db)).problems).toEqual([])
  })

  it('is the organisation’s: its member buying for themselves pays their own way', async () => {
    const placed = await placeOrder(
      m.db,
      {
        buyer: { personId: m.commoner.id, use: { kind: 'personal' } },
        lines: [{ offerId: m.towel.id, quantity: 1 }],
        idempotencyKey: newKey(),
        paymentProvider: 'invoice',
      },
      later,
    )
    expect(await order(placed.orderIds[0]!)).toMatchObject({ status: 'pending_payment', creditApplied: 0 })
    expect(await creditOf()).toBe(1200)
  })
})

describe('a credit can be paid out instead, through two people', () => {
  it('an admin asks, another steward approves, the ledger posts the payout', async () => {
    const asked = await requestCreditPayout(
      m.db,
      m.commoner.id,
      org.id,
      { amount: 1000, currency: 'EUR', payTo: 'Riverside Bakers, IT60 X054 2811 1010 0000 0123 456' },
      later,
    )
    // held back from checkouts while it waits
    const placed = await buyTowels(1, later, false)
    expect(await order(placed.orderIds[0]!)).toMatchObject({ creditApplied: 200, status: 'pending_payment' })

    expect(await appErrorOf(() => decideCreditPayout(m.db, m.commoner.id, asked.id, { approve: true, reason: 'Looks right to me.' }, later))).toMatchObject({
      code: 'forbidden',
    })
    const member = await insertPerson(m.db, 'Rita Steward', { steward: true })
    await m.db.insertInto('memberships').values({ organisationId: org.id, personId: member.id, role: 'member' }).execute()
    expect(await appErrorOf(() => decideCreditPayout(m.db, member.id, asked.id, { approve: true, reason: 'Looks right to me.' }, later))).toMatchObject({
      code: 'forbidden',
    })

    expect(await decideCreditPayout(m.db, steward.id, asked.id, { approve: true, reason: 'Matches the credit entries.' }, later)).toEqual({
      status: 'approved',
    })
    expect(await creditOf()).toBe(0)
    expect(
      await appErrorOf(() => decideCreditPayout(m.db, steward.id, asked.id, { approve: true, reason: 'Matches the credit entries.' }, later)),
    ).toMatchObject({ code: 'conflict' })
    const statement = await creditStatement(m.db, org.id)
    expect(statement.payouts).toEqual([expect.objectContaining({ status: 'approved', decisionReason: 'Matches the credit entries.' })])
    expect(statement.movements.map((mv) => mv.kind)).toEqual(['credit_paid_out', 'credit_applied', 'reciprocity_credit'])
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })

  it('refuses more than is owed, a non-admin, an unconfirmed address and bad details, writing nothing', async () => {
    const payTo = 'Riverside Bakers, IT60 X054 2811 1010 0000 0123 456'
    expect(await appErrorOf(() => requestCreditPayout(m.db, m.commoner.id, org.id, { amount: 1201, currency: 'EUR', payTo }, later))).toMatchObject({
      code: 'conflict',
    })
    expect(await appErrorOf(() => requestCreditPayout(m.db, m.commoner.id, org.id, { amount: 10, currency: 'USD', payTo }, later))).toMatchObject({
      code: 'conflict',
    })
    expect(await appErrorOf(() => requestCreditPayout(m.db, m.commoner.id, org.id, { amount: -5, currency: 'EUR', payTo }, later))).toMatchObject({
      code: 'invalid_input',
    })
    expect(await appErrorOf(() => requestCreditPayout(m.db, m.commoner.id, org.id, { amount: 100, currency: 'EUR', payTo: 'me' }, later))).toMatchObject({
      code: 'invalid_input',
      details: { payTo: expect.any(String) },
    })
    expect(await appErrorOf(() => requestCreditPayout(m.db, m.buyer.id, org.id, { amount: 100, currency: 'EUR', payTo }, later))).toMatchObject({
      code: 'forbidden',
    })
    await m.db.updateTable('people').set({ emailConfirmedAt: null }).where('id', '=', m.commoner.id).execute()
    expect(await appErrorOf(() => requestCreditPayout(m.db, m.commoner.id, org.id, { amount: 100, currency: 'EUR', payTo }, later))).toMatchObject({
      code: 'forbidden',
    })
    expect(await m.db.selectFrom('creditPayouts').select('id').execute()).toEqual([])
  })

  it('a rejected request releases the credit for checkouts again', async () => {
    const asked = await requestCreditPayout(m.db, m.commoner.id, org.id, { amount: 1200, currency: 'EUR', payTo: 'Riverside Bakers, IT60 X054 2811' }, later)
    expect(
      await appErrorOf(() =>
        requestCreditPayout(m.db, m.commoner.id, org.id, { amount: 1, currency: 'EUR', payTo: 'Riverside Bakers, IT60 X054 2811' }, later),
      ),
    ).toMatchObject({ code: 'conflict' })
    expect(await decideCreditPayout(m.db, steward.id, asked.id, { approve: false, reason: 'Use it on your next order.' }, later)).toEqual({
      status: 'rejected',
    })
    const placed = await buyTowels(1, later, false)
    expect(await order(placed.orderIds[0]!)).toMatchObject({ status: 'paid', creditApplied: 1200 })
  })
})

describe('the credit page and the steward desk', () => {
  const page = '/organisations/riverside/credit'
  const args = (url: string, params: Record<string, string>, opts: Parameters<typeof request>[1] = {}) => ({ request: request(url, opts), params, context: {} })

  it('shows members what is owed and why, takes a payout request from an admin, and a steward decides it on the desk', async () => {
    useAsAppDb(m.db)
    const admin = await sessionCookieFor(m.commoner.id)
    const shown = await statusOf(() => creditPage.loader(args(page, { slug: 'riverside' }, { cookie: admin })))
    expect(shown.body).toMatchObject({ isAdmin: true, balances: [{ owed: { amount: 1200, currency: 'EUR' }, available: { amount: 1200, currency: 'EUR' } }] })
    expect(JSON.stringify(shown.body)).toContain('Riverside Bakers is now a commoner')
    // outsiders see nothing of it
    const outsider = await sessionCookieFor(m.buyer.id)
    expect((await statusOf(() => creditPage.loader(args(page, { slug: 'riverside' }, { cookie: outsider })))).status).toBe(403)

    // bad input: a readable 400 beside the field, nothing written
    for (const form of [
      { currency: 'EUR', amount: 'ten', payTo: 'Riverside Bakers, IT60 X054' },
      { currency: 'EUR', amount: '12.001', payTo: 'Riverside Bakers, IT60 X054' },
      { currency: 'EUR', amount: '5', payTo: '' },
      { currency: 'eur', amount: '5', payTo: 'Riverside Bakers, IT60 X054' },
    ]) {
      const reply = await statusOf(() => creditPage.action(args(page, { slug: 'riverside' }, { cookie: admin, form })))
      expect(reply.status).toBe(400)
      expect(Object.values((reply.body as { fieldErrors: Record<string, string> }).fieldErrors).join(' ')).toMatch(/amount|Say where|currency/)
    }
    const tooMuch = await statusOf(() =>
      creditPage.action(args(page, { slug: 'riverside' }, { cookie: admin, form: { currency: 'EUR', amount: '12.01', payTo: 'Riverside Bakers, IT60 X054' } })),
    )
    expect(tooMuch).toMatchObject({ status: 409, body: { fieldErrors: { amount: 'At most €12.00.' } } })
    expect(await m.db.selectFrom('creditPayouts').select('id').execute()).toEqual([])

    const asked = await statusOf(() =>
      creditPage.action(args(page, { slug: 'riverside' }, { cookie: admin, form: { currency: 'EUR', amount: '12', payTo: 'Riverside Bakers, IT60 X054' } })),
    )
    expect(asked).toMatchObject({ status: 302, location: `${page}?notice=requested` })
    const payout = await m.db.selectFrom('creditPayouts').select(['id', 'amount']).executeTakeFirstOrThrow()
    expect(payout.amount).toBe(1200)

    const stewardCookie = await sessionCookieFor(steward.id)
    const queue = await statusOf(() => desk.loader(args('/steward', {}, { cookie: stewardCookie })))
    expect(queue.body).toMatchObject({ creditPayouts: [{ id: payout.id, organisation: 'Riverside Bakers', amount: { amount: 1200, currency: 'EUR' } }] })
    const noReason = await statusOf(() =>
      desk.action(args('/steward', {}, { cookie: stewardCookie, form: { intent: 'credit-payout', id: String(payout.id), decision: 'approve', reason: '' } })),
    )
    expect(noReason.status).toBe(400)
    const decided = await statusOf(() =>
      desk.action(
        args(
          '/steward',
          {},
          { cookie: stewardCookie, form: { intent: 'credit-payout', id: String(payout.id), decision: 'approve', reason: 'Matches the credit entries.' } },
        ),
      ),
    )
    expect(decided).toMatchObject({ status: 302, location: '/steward?notice=credit-paid' })
    expect(await creditOf()).toBe(0)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })
})
