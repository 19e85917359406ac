import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { balanceOf } from '../../app/modules/ledger/ledger.server'
import { addToCart, setBuyingFor } from '../../app/modules/orders/cart.server'
import { expireUnpaidOrders } from '../../app/modules/orders/settlement.server'
import { action as checkoutAction } from '../../app/routes/checkout'
import { action as salesAction } from '../../app/routes/organisations.$slug_.orders'
import { action as webhookAction } from '../../app/routes/webhooks.stripe'
import { newestMailTo } from '../../app/lib/mail.server'
import { getStripe } from '../../app/lib/stripe.server'
import { recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { challengeClaim } from '../../app/modules/verification/challenges.server'
import { reviewEvidence, submitEvidence } from '../../app/modules/orders/reclassification.server'
import { resolveChallenge } from '../../app/modules/orders/back-charge.server'
import { action as receiptAction } from '../../app/routes/orders.$id'

import { formRequest, outcome, useAccountsTestEnv } from '../support/accounts'
import { insertPerson, sessionCookieFor } from '../support/auth'
import { rowCount, stockOf, useAsAppDb } from '../support/db'
import { newKey, smallMarket, type SmallMarket } from '../support/market'
import { startLocalStripe, type LocalStripe } from '../support/stripe-server'
import type { DB } from '../../db/schema'

// Stripe Checkout end to end through the real SDK, against the local Stripe-compatible server;
// its webhooks reach the app's webhook route through a small HTTP bridge.

const { outbox } = useAccountsTestEnv()
let local: LocalStripe
let bridge: http.Server
let m: SmallMarket

beforeAll(async () => {
  bridge = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const request = new Request(`http://localhost${req.url}`, { method: 'POST', headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) })
    const result = await outcome(() => webhookAction({ request, params: {}, context: {} }))
    res.writeHead(result.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(result.body))
  })
  await new Promise<void>((resolve) => bridge.listen(0, '127.0.0.1', resolve))
  local = await startLocalStripe({ webhookUrl: `http://127.0.0.1:${(bridge.address() as AddressInfo).port}/webhooks/stripe` })
  process.env.STRIPE_SECRET_KEY = local.secretKey
  process.env.STRIPE_WEBHOOK_SECRET = local.webhookSecret
  process.env.STRIPE_API_URL = local.url
})
afterAll(async () => {
  await local.close()
  await new Promise((resolve) => bridge.close(resolve))
})
beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
})

const count = (table: keyof DB) => rowCount(m.db, table)
const orderStatus = async () => (await m.db.selectFrom('orders').select('status').orderBy('id').execute()).map((o) => o.status)
const fundBalance = () => balanceOf(m.db, { kind: 'commons_fund', commonsFundId: m.fund.id, currency: 'EUR' })

/** The firm's buyer checks out two towels (2 × 1800, 540 to the fund) and lands on Stripe. */
async function checkOutAsFirm() {
  await addToCart(m.db, m.buyer.id, { offerId: m.towel.id, quantity: 2 })
  await setBuyingFor(m.db, m.buyer.id, m.firm.id)
  const cookie = await sessionCookieFor(m.buyer.id)
  const res = await outcome(() =>
    checkoutAction({
      request: formRequest('/checkout', { idempotencyKey: newKey(), declaredUse: `organisation:${m.firm.id}`, confirmUse: 'yes' }, { cookie }),
      params: {},
      context: {},
    }),
  )
  expect(res.status).toBe(302)
  const checkout = await m.db.selectFrom('checkouts').selectAll().executeTakeFirstOrThrow()
  expect(res.location).toBe(checkout.stripeSessionUrl)
  return { checkout, session: local.sessions.get(checkout.stripeSessionId!), cookie }
}

async function signedPost(event: unknown, secret = local.webhookSecret) {
  const payload = JSON.stringify(event)
  const request = new Request('http://localhost/webhooks/stripe', {
    method: 'POST',
    headers: { 'Stripe-Signature': local.sign(payload, secret), 'Content-Type': 'application/json' },
    body: payload,
  })
  return outcome(() => webhookAction({ request, params: {}, context: {} }))
}

describe('Stripe Checkout', () => {
  it('charges exactly the server’s prices and marks the order paid once the signed webhook arrives', async () => {
    const { checkout, session } = await checkOutAsFirm()
    expect(session.amount_total).toBe(3600)
    expect(session.currency).toBe('eur')
    expect(await orderStatus()).toEqual(['pending_payment'])
    expect(await fundBalance()).toBe(0)

    const { status } = await local.pay(session.id)
    expect(status).toBe(200)
    expect(await orderStatus()).toEqual(['paid'])
    expect(await fundBalance()).toBe(540)
    expect(
      (await m.db.selectFrom('checkouts').select('stripePaymentIntentId').where('id', '=', checkout.id).executeTakeFirstOrThrow()).stripePaymentIntentId,
    ).toMatch(/^pi_/)
    expect(newestMailTo(m.buyer.email, outbox)?.subject).toBe(`Your order SM-${checkout.id} at Solidarity Market`)
    expect(newestMailTo(m.weaver.email, outbox)?.text).toMatch(/2 × Linen tea towel/)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true })
  })

  it('handles a redelivered event once', async () => {
    const { session } = await checkOutAsFirm()
    const { event } = await local.pay(session.id)
    const again = await signedPost(event)
    expect(again).toMatchObject({ status: 200, body: { outcome: 'duplicate' } })
    expect(await count('payments')).toBe(1)
    expect(await fundBalance()).toBe(540)
  })

  it('refuses a forged signature and records nothing', async () => {
    const { session } = await checkOutAsFirm()
    const { event } = await local.pay(session.id, { deliver: false })
    expect((await signedPost(event, 'whsec_forged_secret_123456')).status).toBe(400)
    const unsigned = await outcome(() =>
      webhookAction({ request: new Request('http://localhost/webhooks/stripe', { method: 'POST', body: JSON.stringify(event) }), params: {}, context: {} }),
    )
    expect(unsigned.status).toBe(400)
    expect(await count('stripeEvents')).toBe(0)
    expect(await orderStatus()).toEqual(['pending_payment'])
  })

  it('does not mark an order paid when the amount or currency differs, and gives the money back', async () => {
    const { checkout, session } = await checkOutAsFirm()
    const { event } = await local.pay(session.id, { deliver: false })
    const cheaper = local.event('checkout.session.completed', { ...event.data.object, amount_total: 100 })
    expect(await signedPost(cheaper)).toMatchObject({ status: 200, body: { outcome: 'amount_mismatch' } })
    const dollars = local.event('checkout.session.completed', { ...event.data.object, currency: 'usd' })
    expect(await signedPost(dollars)).toMatchObject({ status: 200, body: { outcome: 'amount_mismatch' } })
    await local.settled()
    expect(await orderStatus()).toEqual(['pending_payment'])
    expect(await fundBalance()).toBe(0)
    // All of what Stripe took goes back, once, however often the mismatch is reported.
    const refunds = [...local.refunds.values()].filter((r) => r.payment_intent === session.payment_intent)
    expect(refunds).toHaveLength(1)
    expect(refunds[0]).toMatchObject({ amount: 3600, metadata: { checkout_id: String(checkout.id), reason: 'amount_mismatch' } })
    // Nothing of it was booked, so neither is its refund, and the ledger still balances.
    expect(await count('payments')).toBe(0)
    expect(await count('refunds')).toBe(0)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })

  it('records an event for an unknown order without touching anything', async () => {
    const stray = local.event('checkout.session.completed', {
      id: 'cs_test_unknown',
      object: 'checkout.session',
      client_reference_id: '99999',
      amount_total: 500,
      currency: 'eur',
      payment_status: 'paid',
      payment_intent: 'pi_unknown',
    })
    expect(await signedPost(stray)).toMatchObject({ status: 200, body: { outcome: 'unknown_checkout' } })
    expect(await count('payments')).toBe(0)
  })

  it('a session that expires unpaid releases its orders and puts their stock back', async () => {
    const { checkout, session } = await checkOutAsFirm()
    expect(await stockOf(m.db, m.towel.id)).toBe(3)
    // Stripe expires the session (here asked for early, as the SDK allows) and tells us so.
    await getStripe()!.stripe.checkout.sessions.expire(session.id)
    await local.settled()
    expect(await m.db.selectFrom('orders').select(['status', 'cancelReason']).execute()).toEqual([{ status: 'cancelled', cancelReason: 'expired' }])
    expect(await stockOf(m.db, m.towel.id)).toBe(5)
    expect(await m.db.selectFrom('stripeEvents').select(['type', 'outcome', 'checkoutId']).execute()).toEqual([
      { type: 'checkout.session.expired', outcome: 'expired', checkoutId: checkout.id },
    ])
    expect(await balanceOf(m.db, { kind: 'orders_receivable', currency: 'EUR' })).toBe(0)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
    // The expired page cannot be paid any more.
    await expect(local.pay(session.id)).rejects.toThrow(/expired/)
  })

  it('ignores an expiry that arrives after the payment (events out of order)', async () => {
    const { session } = await checkOutAsFirm()
    const { event } = await local.pay(session.id)
    const expired = local.event('checkout.session.expired', { ...event.data.object, status: 'expired' })
    expect(await signedPost(expired)).toMatchObject({ status: 200, body: { outcome: 'already_settled' } })
    expect(await orderStatus()).toEqual(['paid'])
    expect(await fundBalance()).toBe(540)
  })

  it('refunds a payment that arrives after its order lapsed, and the ledger still balances', async () => {
    const { checkout, session } = await checkOutAsFirm()
    expect(await expireUnpaidOrders(m.db, new Date(Date.parse(checkout.expiresAt) + 1000).toISOString())).toBe(1)
    expect((await m.db.selectFrom('offers').select('stock').where('id', '=', m.towel.id).executeTakeFirstOrThrow()).stock).toBe(5)
    await local.pay(session.id)
    await local.settled()
    expect(await orderStatus()).toEqual(['cancelled'])
    expect(await fundBalance()).toBe(0)
    const refunds = [...local.refunds.values()].filter((r) => r.metadata?.checkout_id === String(checkout.id) && r.payment_intent === session.payment_intent)
    expect(refunds).toHaveLength(1)
    expect(refunds[0]).toMatchObject({ amount: 3600 })
    expect(await count('refunds')).toBe(1)
    expect(await balanceOf(m.db, { kind: 'payment_clearing', currency: 'EUR' })).toBe(0)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })

  it('a seller’s refund goes through Stripe and reverses the postings, once', async () => {
    const { session } = await checkOutAsFirm()
    await local.pay(session.id)
    const orderId = (await m.db.selectFrom('orders').select('id').executeTakeFirstOrThrow()).id
    const cookie = await sessionCookieFor(m.weaver.id)
    const res = await outcome(() =>
      salesAction({
        request: formRequest('/organisations/weavers/orders', { intent: 'refund', orderId: String(orderId), reason: 'Out of linen' }, { cookie }),
        params: { slug: 'weavers' },
        context: {},
      }),
    )
    expect(res).toMatchObject({ status: 302, location: '/organisations/weavers/orders?notice=refunded' })
    await local.settled()
    expect(await orderStatus()).toEqual(['refunded'])
    expect(await fundBalance()).toBe(0)
    expect(await count('refunds')).toBe(1)
    const refund = await m.db.selectFrom('refunds').selectAll().executeTakeFirstOrThrow()
    expect(refund).toMatchObject({ amount: 3600, reason: 'Out of linen', createdBy: m.weaver.id })
    expect((await m.db.selectFrom('offers').select('stock').where('id', '=', m.towel.id).executeTakeFirstOrThrow()).stock).toBe(5)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true })
  })

  it('another organisation’s member cannot refund or mark payments', async () => {
    const { session } = await checkOutAsFirm()
    await local.pay(session.id)
    const orderId = (await m.db.selectFrom('orders').select('id').executeTakeFirstOrThrow()).id
    const cookie = await sessionCookieFor(m.designer.id)
    const refundsBefore = local.refunds.size
    for (const intent of ['refund', 'payment-received']) {
      const res = await outcome(() =>
        salesAction({
          request: formRequest('/organisations/weavers/orders', { intent, orderId: String(orderId), reason: 'mine now' }, { cookie }),
          params: { slug: 'weavers' },
          context: {},
        }),
      )
      expect(res.status).toBe(403)
    }
    expect(local.refunds.size).toBe(refundsBefore)
    expect(await orderStatus()).toEqual(['paid'])
  })

  it('charges only what a buyer organisation’s credit leaves to pay, and says so on Stripe’s page', async () => {
    // A worker co-op bought two towels awaiting verification (2 × 600 access fee), then was verified: 1200 is owed to it.
    const coop = await m.db
      .insertInto('organisations')
      .values({ slug: 'riverside', name: 'Riverside Bakers', legalForm: 'worker_coop', countryCode: 'IT', city: 'Turin' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await m.db.insertInto('memberships').values({ organisationId: coop.id, personId: m.commoner.id, role: 'admin' }).execute()
    const first = await placeOrder(m.db, {
      buyer: { personId: m.commoner.id, use: { kind: 'organisation', organisationId: coop.id } },
      lines: [{ offerId: m.towel.id, quantity: 2 }],
      idempotencyKey: newKey(),
      paymentProvider: 'invoice',
    })
    await recordInvoicePayment(m.db, { orderId: first.orderIds[0]!, personId: m.weaver.id })
    const steward = await insertPerson(m.db, 'Sam Steward', { steward: true })
    const claim = await submitEvidence(m.db, m.commoner.id, coop.id, { claim: 'legal_form', value: 'worker_coop', source: 'Registro imprese TO-123' })
    await reviewEvidence(m.db, steward.id, claim.id, { approve: true, reason: 'Checked the registry entry.' })

    // Now three towels at the commoner price (3600): the credit pays 1200, the card 2400.
    await addToCart(m.db, m.commoner.id, { offerId: m.towel.id, quantity: 3 })
    await setBuyingFor(m.db, m.commoner.id, coop.id)
    const cookie = await sessionCookieFor(m.commoner.id)
    const res = await outcome(() =>
      checkoutAction({
        request: formRequest('/checkout', { idempotencyKey: newKey(), declaredUse: `organisation:${coop.id}`, confirmUse: 'yes' }, { cookie }),
        params: {},
        context: {},
      }),
    )
    expect(res.status).toBe(302)
    const checkout = await m.db.selectFrom('checkouts').selectAll().where('provider', '=', 'stripe').executeTakeFirstOrThrow()
    const session = local.sessions.get(checkout.stripeSessionId!)
    expect(session.amount_total).toBe(2400)
    const items = await getStripe()!.stripe.checkout.sessions.listLineItems(session.id)
    expect(items.data.map((i) => [i.description, i.amount_total])).toEqual([
      [expect.stringMatching(/^Order SM-\d+-\d+ \(Weavers Co-op\): €36\.00 less €12\.00 credit$/), 2400],
    ])
    await local.pay(session.id)
    const placed = await m.db.selectFrom('orders').select(['status', 'total', 'creditApplied']).where('checkoutId', '=', checkout.id).executeTakeFirstOrThrow()
    expect(placed).toEqual({ status: 'paid', total: 3600, creditApplied: 1200 })
    expect(await balanceOf(m.db, { kind: 'buyer_credit', organisationId: coop.id, currency: 'EUR' })).toBe(0)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })

  it('a back-charge can be paid by card after its first card page expired: a new page is made', async () => {
    const coop = await m.db
      .insertInto('organisations')
      .values({ slug: 'riverside', name: 'Riverside Bakers', legalForm: 'worker_coop', countryCode: 'IT', city: 'Turin' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await m.db.insertInto('memberships').values({ organisationId: coop.id, personId: m.commoner.id, role: 'admin' }).execute()
    const steward = await insertPerson(m.db, 'Sam Steward', { steward: true })
    const claim = await submitEvidence(m.db, m.commoner.id, coop.id, { claim: 'legal_form', value: 'worker_coop', source: 'Registro imprese TO-123' })
    await reviewEvidence(m.db, steward.id, claim.id, { approve: true, reason: 'Checked the registry entry.' })
    const bought = await placeOrder(m.db, {
      buyer: { personId: m.commoner.id, use: { kind: 'organisation', organisationId: coop.id } },
      lines: [{ offerId: m.towel.id, quantity: 1 }],
      idempotencyKey: newKey(),
      paymentProvider: 'invoice',
    })
    await recordInvoicePayment(m.db, { orderId: bought.orderIds[0]!, personId: m.weaver.id })
    const challenge = await challengeClaim(m.db, m.buyer.id, claim.id, 'This bakery is a limited company, see its registry entry.')
    const other = await insertPerson(m.db, 'Kim Steward', { steward: true })
    const { backCharges } = await resolveChallenge(
      m.db,
      other.id,
      challenge.id,
      { uphold: true, reason: 'The registry lists a limited company.' },
      { provider: 'invoice' },
    )
    const checkoutId = backCharges[0]!.checkoutId

    const cookie = await sessionCookieFor(m.commoner.id)
    const pay = () =>
      outcome(() =>
        receiptAction({
          request: formRequest(`/orders/${checkoutId}`, { intent: 'pay', backCharge: 'yes' }, { cookie }),
          params: { id: String(checkoutId) },
          context: {},
        }),
      )
    const first = await pay()
    expect(first.status).toBe(302)
    const firstSession = await m.db.selectFrom('checkouts').select(['provider', 'stripeSessionId']).where('id', '=', checkoutId).executeTakeFirstOrThrow()
    expect(firstSession.provider).toBe('stripe')
    await getStripe()!.stripe.checkout.sessions.expire(firstSession.stripeSessionId!)
    await local.settled()
    // a back-charge is a debt: the expired page does not call it off
    expect((await m.db.selectFrom('orders').select('status').where('id', '=', backCharges[0]!.orderId).executeTakeFirstOrThrow()).status).toBe(
      'pending_payment',
    )
    const second = await pay()
    const renewed = await m.db.selectFrom('checkouts').select(['stripeSessionId', 'stripeSessionUrl']).where('id', '=', checkoutId).executeTakeFirstOrThrow()
    expect(renewed.stripeSessionId).not.toBe(firstSession.stripeSessionId)
    expect(second.location).toBe(renewed.stripeSessionUrl)
    const session = local.sessions.get(renewed.stripeSessionId!)
    expect(session.amount_total).toBe(600)
    await local.pay(session.id)
    expect((await m.db.selectFrom('orders').select('status').where('id', '=', backCharges[0]!.orderId).executeTakeFirstOrThrow()).status).toBe('paid')
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })
})
