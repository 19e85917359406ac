import { appErrorOf } from '../support/errors'
import { sql } from 'kysely'
import { beforeEach, describe, expect, it } from 'vitest'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { balanceOf } from '../../app/modules/ledger/ledger.server'
import { addToCart, checkOutCart, getCart, setBuyingFor } from '../../app/modules/orders/cart.server'
import { cancelUnpaidCheckout, recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { refundOrder } from '../../app/modules/payments/refunds.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { expireUnpaidOrders } from '../../app/modules/orders/settlement.server'
import { creditReclassifiedOrders, reciprocityCredits } from '../../app/modules/orders/reciprocity-credit.server'
import { reviewEvidence, submitEvidence } from '../../app/modules/orders/reclassification.server'
import { asPerson, forFirm, newKey, smallMarket, type SmallMarket } from '../support/market'
import { rowCount, stockOf as stockOfOffer } from '../support/db'
import type { DB } from '../../db/schema'

const now = '2026-11-24T10:00:00.000Z'
let m: SmallMarket

beforeEach(async () => {
  m = await smallMarket()
})

const stockOf = (offerId: number) => stockOfOffer(m.db, offerId)
const count = (table: keyof DB) => rowCount(m.db, table)
const fundBalance = (commonsFundId: number) => balanceOf(m.db, { kind: 'commons_fund', commonsFundId, currency: 'EUR' })

const appError = appErrorOf

describe('placing an order', () => {
  it('prices a commoner at the commoner price and snapshots the line', async () => {
    const placed = await placeOrder(
      m.db,
      { buyer: asPerson(m.commoner.id), lines: [{ offerId: m.towel.id, quantity: 2 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
      now,
    )
    expect(placed).toMatchObject({ created: true, total: 2400, currency: 'EUR', provider: 'invoice' })
    const line = await m.db.selectFrom('orderLines').selectAll().executeTakeFirstOrThrow()
    expect(line).toMatchObject({
      unitPrice: 1200,
      quantity: 2,
      producerAmount: 2400,
      commonsFundAmount: 0,
      infrastructureAmount: 0,
      offerTitle: 'Linen tea towel',
    })
    expect(line.score).toBeGreaterThan(0)
    const order = await m.db.selectFrom('orders').selectAll().executeTakeFirstOrThrow()
    expect(order).toMatchObject({ status: 'pending_payment', reciprocityClass: 'commoner', total: 2400, accessFeeTotal: 0 })
    expect(order.classReason).toMatch(/as a person/)
    expect(await stockOf(m.towel.id)).toBe(3)
  })

  it('charges a for-profit buyer the access fee and splits it by the offer’s shares', async () => {
    await placeOrder(m.db, { buyer: forFirm(m), lines: [{ offerId: m.towel.id, quantity: 3 }], idempotencyKey: newKey(), paymentProvider: 'invoice' }, now)
    const line = await m.db.selectFrom('orderLines').selectAll().executeTakeFirstOrThrow()
    // 3 × 1800 = 5400; fee 1800 = 810 producer + 810 fund + 180 infrastructure
    expect(line).toMatchObject({ unitPrice: 1800, producerAmount: 3600 + 810, commonsFundAmount: 810, infrastructureAmount: 180 })
    const order = await m.db.selectFrom('orders').selectAll().executeTakeFirstOrThrow()
    expect(order).toMatchObject({ reciprocityClass: 'for_profit', commonerTotal: 3600, accessFeeTotal: 1800, total: 5400, buyerOrganisationId: m.firm.id })
  })

  it('makes one order per producer in one checkout', async () => {
    const placed = await placeOrder(
      m.db,
      {
        buyer: forFirm(m),
        lines: [
          { offerId: m.towel.id, quantity: 1 },
          { offerId: m.beehive.id, quantity: 1 },
          { offerId: m.blanket.id, quantity: 1 },
        ],
        idempotencyKey: newKey(),
        paymentProvider: 'invoice',
      },
      now,
    )
    expect(placed.orderIds).toHaveLength(2)
    expect(placed.total).toBe(1800 + 4000 + 12000)
    const orders = await m.db.selectFrom('orders').select(['organisationId', 'total']).orderBy('id').execute()
    expect(orders).toEqual([
      { organisationId: m.weavers.id, total: 13800 },
      { organisationId: m.designers.id, total: 4000 },
    ])
  })

  it('gives a commons item to a commoner at once: a zero total is paid immediately, with no money in the ledger', async () => {
    const placed = await placeOrder(
      m.db,
      { buyer: asPerson(m.commoner.id), lines: [{ offerId: m.beehive.id, quantity: 1 }], idempotencyKey: newKey(), paymentProvider: 'stripe' },
      now,
    )
    expect(placed).toMatchObject({ total: 0, provider: 'none' })
    const order = await m.db.selectFrom('orders').selectAll().executeTakeFirstOrThrow()
    expect(order).toMatchObject({ status: 'paid', paidAt: now, total: 0 })
    expect(await count('postings')).toBe(0)
  })

  it('creates one checkout for a repeated idempotency key', async () => {
    const key = newKey()
    const input = { buyer: asPerson(m.commoner.id), lines: [{ offerId: m.towel.id, quantity: 1 }], idempotencyKey: key, paymentProvider: 'invoice' as const }
    const [a, b] = await Promise.all([placeOrder(m.db, input, now), placeOrder(m.db, input, now)])
    expect(a.checkoutId).toBe(b.checkoutId)
    expect([a.created, b.created].sort()).toEqual([false, true])
    expect(await count('orders')).toBe(1)
    expect(await stockOf(m.towel.id)).toBe(4)
  })

  it('answers a repeated key with the checkout it placed, even once the last units are gone', async () => {
    const key = newKey()
    const input = { buyer: asPerson(m.commoner.id), lines: [{ offerId: m.blanket.id, quantity: 2 }], idempotencyKey: key, paymentProvider: 'invoice' as const }
    const first = await placeOrder(m.db, input, now)
    expect(await stockOf(m.blanket.id)).toBe(0)
    // the double-submitted form, and a reload of it after the blanket was archived
    expect(await placeOrder(m.db, input, now)).toEqual({ ...first, created: false })
    await m.db.updateTable('offers').set({ status: 'archived' }).where('id', '=', m.blanket.id).execute()
    expect(await placeOrder(m.db, input, now)).toEqual({ ...first, created: false })
    // a fresh key is refused: nothing is left
    expect((await appError(() => placeOrder(m.db, { ...input, idempotencyKey: newKey() }, now))).code).toBe('not_found')
    expect(await count('checkouts')).toBe(1)
  })

  it('refuses a currency the marketplace has no infrastructure fund for, writing nothing', async () => {
    await m.db.updateTable('offers').set({ currency: 'CHF' }).where('id', '=', m.towel.id).execute()
    const error = await appError(() =>
      placeOrder(
        m.db,
        { buyer: asPerson(m.commoner.id), lines: [{ offerId: m.towel.id, quantity: 1 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
        now,
      ),
    )
    expect(error).toMatchObject({ code: 'unavailable', message: 'The marketplace cannot take orders in CHF yet.' })
    expect(await count('checkouts')).toBe(0)
    expect(await stockOf(m.towel.id)).toBe(5)
  })

  it('refuses more than the stock and writes nothing', async () => {
    const error = await appError(() =>
      placeOrder(
        m.db,
        {
          buyer: asPerson(m.commoner.id),
          lines: [
            { offerId: m.towel.id, quantity: 1 },
            { offerId: m.blanket.id, quantity: 3 },
          ],
          idempotencyKey: newKey(),
          paymentProvider: 'invoice',
        },
        now,
      ),
    )
    expect(error.code).toBe('conflict')
    expect(error.message).toBe('Only 2 units of “Wool blanket” are left.')
    expect(await stockOf(m.towel.id)).toBe(5)
    for (const table of ['checkouts', 'orders', 'orderLines', 'postings'] as const) expect(await count(table)).toBe(0)
  })

  it.each([
    ['zero', 0],
    ['negative', -1],
    ['fractional', 1.5],
    ['huge', 1e9],
    ['not a number', Number.NaN],
  ])('refuses a %s quantity', async (_, quantity) => {
    const error = await appError(() =>
      placeOrder(
        m.db,
        { buyer: asPerson(m.commoner.id), lines: [{ offerId: m.towel.id, quantity }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
        now,
      ),
    )
    expect(error.code).toBe('invalid_input')
    expect(await count('checkouts')).toBe(0)
  })

  it('refuses unknown and archived offers, and buying for someone else’s organisation', async () => {
    expect(
      (
        await appError(() =>
          placeOrder(
            m.db,
            { buyer: asPerson(m.commoner.id), lines: [{ offerId: 9999, quantity: 1 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
            now,
          ),
        )
      ).code,
    ).toBe('not_found')
    await m.db.updateTable('offers').set({ status: 'archived' }).where('id', '=', m.towel.id).execute()
    expect(
      (
        await appError(() =>
          placeOrder(
            m.db,
            { buyer: asPerson(m.commoner.id), lines: [{ offerId: m.towel.id, quantity: 1 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
            now,
          ),
        )
      ).code,
    ).toBe('not_found')
    const stranger = { personId: m.commoner.id, use: { kind: 'organisation' as const, organisationId: m.firm.id } }
    expect(
      (
        await appError(() =>
          placeOrder(m.db, { buyer: stranger, lines: [{ offerId: m.blanket.id, quantity: 1 }], idempotencyKey: newKey(), paymentProvider: 'invoice' }, now),
        )
      ).code,
    ).toBe('forbidden')
    expect(await count('checkouts')).toBe(0)
    expect(await stockOf(m.blanket.id)).toBe(2)
  })
})

describe('paying, lapsing, cancelling and refunding', () => {
  async function forProfitOrder(quantity = 1) {
    return placeOrder(m.db, { buyer: forFirm(m), lines: [{ offerId: m.towel.id, quantity }], idempotencyKey: newKey(), paymentProvider: 'invoice' }, now)
  }

  it('a recorded invoice payment settles the order: producer, fund and infrastructure get their shares', async () => {
    const placed = await forProfitOrder(1)
    expect(await fundBalance(m.fund.id)).toBe(0)
    await recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.weaver.id }, now)
    expect(await fundBalance(m.fund.id)).toBe(270)
    expect(await fundBalance(m.infrastructure.id)).toBe(60)
    expect(await balanceOf(m.db, { kind: 'producer_payable', organisationId: m.weavers.id, currency: 'EUR' })).toBe(1470)
    expect(await balanceOf(m.db, { kind: 'payment_clearing', currency: 'EUR' })).toBe(1800)
    expect((await m.db.selectFrom('orders').select('status').executeTakeFirstOrThrow()).status).toBe('paid')
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
    // exactly once
    expect((await appError(() => recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.weaver.id }, now))).code).toBe('conflict')
    expect(await fundBalance(m.fund.id)).toBe(270)
  })

  it('only the seller’s members record payments or refunds', async () => {
    const placed = await forProfitOrder(1)
    expect((await appError(() => recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.designer.id }, now))).code).toBe('forbidden')
    expect((await appError(() => recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.buyer.id }, now))).code).toBe('forbidden')
    expect(await count('payments')).toBe(0)
  })

  it('unpaid orders lapse when their window closes and give their stock back', async () => {
    await forProfitOrder(4)
    expect(await stockOf(m.towel.id)).toBe(1)
    expect(await expireUnpaidOrders(m.db, '2026-11-30T10:00:00.000Z')).toBe(0)
    expect(await expireUnpaidOrders(m.db, '2026-12-09T10:00:00.000Z')).toBe(1)
    expect(await stockOf(m.towel.id)).toBe(5)
    const order = await m.db.selectFrom('orders').selectAll().executeTakeFirstOrThrow()
    expect(order).toMatchObject({ status: 'cancelled', cancelReason: 'expired' })
    expect(await balanceOf(m.db, { kind: 'orders_receivable', currency: 'EUR' })).toBe(0)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true })
    // a payment recorded after the lapse is refused, not applied
    expect((await appError(() => recordInvoicePayment(m.db, { orderId: order.id, personId: m.weaver.id }, now))).code).toBe('conflict')
  })

  it('the buyer can cancel an unpaid order; nobody else can', async () => {
    const placed = await forProfitOrder(2)
    expect((await appError(() => cancelUnpaidCheckout(m.db, { checkoutId: placed.checkoutId, personId: m.commoner.id }, now))).code).toBe('not_found')
    expect(await cancelUnpaidCheckout(m.db, { checkoutId: placed.checkoutId, personId: m.buyer.id }, now)).toBe(1)
    expect(await stockOf(m.towel.id)).toBe(5)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true })
  })

  it('a refund reverses the postings: the fund and producer return to zero and the goods to the shelf', async () => {
    const placed = await forProfitOrder(2)
    const orderId = placed.orderIds[0]!
    await recordInvoicePayment(m.db, { orderId, personId: m.weaver.id }, now)
    expect(await fundBalance(m.fund.id)).toBe(540)
    await refundOrder(m.db, null, { orderId, personId: m.weaver.id, reason: 'damaged in transit' }, now)
    expect(await fundBalance(m.fund.id)).toBe(0)
    expect(await balanceOf(m.db, { kind: 'producer_payable', organisationId: m.weavers.id, currency: 'EUR' })).toBe(0)
    expect(await balanceOf(m.db, { kind: 'payment_clearing', currency: 'EUR' })).toBe(0)
    expect(await stockOf(m.towel.id)).toBe(5)
    expect((await m.db.selectFrom('orders').select('status').executeTakeFirstOrThrow()).status).toBe('refunded')
    expect(await checkLedger(m.db)).toMatchObject({ ok: true })
    expect((await appError(() => refundOrder(m.db, null, { orderId, personId: m.weaver.id, reason: 'again' }, now))).code).toBe('conflict')
  })

  it('the ledger refuses edits and deletions: corrections are reversals', async () => {
    const placed = await forProfitOrder(1)
    await recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.weaver.id }, now)
    await expect(sql`update postings set amount = amount + 1`.execute(m.db)).rejects.toThrow(/append-only/)
    await expect(sql`delete from journal_entries`.execute(m.db)).rejects.toThrow(/append-only/)
  })

  it('ledger:check finds an unbalanced posting and a ledger that disagrees with an order', async () => {
    const placed = await forProfitOrder(1)
    await recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.weaver.id }, now)
    const entry = await m.db.selectFrom('journalEntries').select('id').where('kind', '=', 'settlement').executeTakeFirstOrThrow()
    const account = await m.db.selectFrom('ledgerAccounts').select('id').where('kind', '=', 'commons_fund').executeTakeFirstOrThrow()
    await m.db.insertInto('postings').values({ entryId: entry.id, accountId: account.id, amount: -100, currency: 'EUR' }).execute()
    const check = await checkLedger(m.db)
    expect(check.ok).toBe(false)
    expect(check.problems.join('\n')).toMatch(/Entry \d+ does not balance/)
    expect(check.problems.join('\n')).toMatch(/Order \d+ \(paid/)
  })
})

describe('the cart', () => {
  it('prices lines for the declared use and checks out into orders, emptying the cart', async () => {
    await addToCart(m.db, m.buyer.id, { offerId: m.towel.id, quantity: 2 }, now)
    await addToCart(m.db, m.buyer.id, { offerId: m.beehive.id, quantity: 1 }, now)
    let cart = await getCart(m.db, m.buyer.id, now)
    expect(cart.buyingAs.reciprocityClass).toBe('commoner')
    expect(cart.totals).toEqual([{ amount: 2400, currency: 'EUR' }])
    await setBuyingFor(m.db, m.buyer.id, m.firm.id, now)
    cart = await getCart(m.db, m.buyer.id, now)
    expect(cart.buyingAs.reciprocityClass).toBe('for_profit')
    expect(cart.totals).toEqual([{ amount: 3600 + 4000, currency: 'EUR' }])
    const key = newKey()
    const placed = await checkOutCart(
      m.db,
      m.buyer.id,
      { idempotencyKey: key, paymentProvider: 'invoice', declaredUse: { value: `organisation:${m.firm.id}`, confirmed: true } },
      now,
    )
    expect(placed.total).toBe(7600)
    expect((await getCart(m.db, m.buyer.id, now)).lines).toHaveLength(0)
    // the double-submitted form gets the same checkout, even though the cart is now empty
    expect(
      await checkOutCart(
        m.db,
        m.buyer.id,
        { idempotencyKey: key, paymentProvider: 'invoice', declaredUse: { value: `organisation:${m.firm.id}`, confirmed: true } },
        now,
      ),
    ).toMatchObject({ checkoutId: placed.checkoutId, created: false })
  })

  it('refuses to declare an organisation one does not belong to, and more than the stock', async () => {
    expect((await appError(() => setBuyingFor(m.db, m.commoner.id, m.firm.id, now))).code).toBe('forbidden')
    expect((await appError(() => addToCart(m.db, m.commoner.id, { offerId: m.blanket.id, quantity: 3 }, now))).message).toBe(
      'Only 2 of “Wool blanket” are left.',
    )
  })
})

describe('reciprocity credit', () => {
  it('when a co-op’s legal form is verified, the access fees it paid as for-profit become a credit owed back to it', async () => {
    const coop = await m.db
      .insertInto('organisations')
      .values({ slug: 'new-coop', name: 'New Co-op', legalForm: 'worker_coop', countryCode: 'IT', city: 'Turin' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await m.db.insertInto('memberships').values({ organisationId: coop.id, personId: m.commoner.id, role: 'admin' }).execute()
    const steward = await m.db
      .insertInto('people')
      .values({ email: 'steward@test.example.org', displayName: 'Steward', isSteward: 1 })
      .returning('id')
      .executeTakeFirstOrThrow()

    const placed = await placeOrder(
      m.db,
      {
        buyer: { personId: m.commoner.id, use: { kind: 'organisation', organisationId: coop.id } },
        lines: [{ offerId: m.towel.id, quantity: 2 }],
        idempotencyKey: newKey(),
        paymentProvider: 'invoice',
      },
      now,
    )
    expect(placed.total).toBe(3600) // unattested: for-profit prices
    await recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.weaver.id }, now)
    expect(await fundBalance(m.fund.id)).toBe(540)

    const claim = await submitEvidence(m.db, m.commoner.id, coop.id, { claim: 'legal_form', value: 'worker_coop', source: 'Registro imprese TO-123' }, now)
    await reviewEvidence(m.db, steward.id, claim.id, { approve: true, reason: 'Checked the registry entry.' }, now)

    // 1200 of fee: 540 back from the fund, 120 from infrastructure, 540 from the producer's share
    expect(await balanceOf(m.db, { kind: 'buyer_credit', organisationId: coop.id, currency: 'EUR' })).toBe(1200)
    expect(await fundBalance(m.fund.id)).toBe(0)
    expect(await balanceOf(m.db, { kind: 'producer_payable', organisationId: m.weavers.id, currency: 'EUR' })).toBe(2400)
    expect(await reciprocityCredits(m.db, m.commoner.id)).toEqual([
      { organisation: { name: 'New Co-op', slug: 'new-coop' }, credit: { amount: 1200, currency: 'EUR' } },
    ])
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })

    // never twice: another verification step changes nothing
    expect(await m.db.transaction().execute((trx) => creditReclassifiedOrders(trx, coop.id, now))).toEqual({ orders: 0, amount: 0 })
  })
})

describe('the page cache and sales', () => {
  it('a sale moves stock without invalidating every cached page; a listing change still does', async () => {
    const generation = async () => (await m.db.selectFrom('catalogStats').select('generation').executeTakeFirstOrThrow()).generation
    const before = await generation()
    await placeOrder(
      m.db,
      { buyer: asPerson(m.commoner.id), lines: [{ offerId: m.towel.id, quantity: 1 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
      now,
    )
    expect(await stockOf(m.towel.id)).toBe(4)
    expect(await generation()).toBe(before)
    await m.db.updateTable('offers').set({ title: 'Linen tea towel, natural' }).where('id', '=', m.towel.id).execute()
    expect(await generation()).toBeGreaterThan(before)
  })
})
