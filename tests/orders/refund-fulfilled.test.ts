import { beforeEach, describe, expect, it } from 'vitest'
import * as sales from '../../app/routes/organisations.$slug_.orders'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { balanceOf } from '../../app/modules/ledger/ledger.server'
import { markFulfilled, recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { refundOrder } from '../../app/modules/payments/refunds.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { setClock } from '../../app/lib/clock'
import { useAccountsTestEnv } from '../support/accounts'
import { request, sessionCookieFor, statusOf } from '../support/auth'
import { stockOf, useAsAppDb } from '../support/db'
import { appErrorOf } from '../support/errors'
import { forFirm, newKey, smallMarket, type SmallMarket } from '../support/market'

// A buyer may send fulfilled goods back: the seller refunds the order in full (the sales page
// offers it, and a fulfilled order cannot be cancelled instead). Every share the order paid
// out is reversed, so the books balance and no fund keeps money it was never owed.

useAccountsTestEnv()
const now = '2026-11-24T10:00:00.000Z'
const later = '2026-11-30T10:00:00.000Z'
let m: SmallMarket
let orderId: number

beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
  const placed = await placeOrder(
    m.db,
    { buyer: forFirm(m), lines: [{ offerId: m.towel.id, quantity: 2 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
    now,
  )
  orderId = placed.orderIds[0]!
  await recordInvoicePayment(m.db, { orderId, personId: m.weaver.id }, now)
  await markFulfilled(m.db, { orderId, personId: m.weaver.id }, now)
  expect((await m.db.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirstOrThrow()).status).toBe('fulfilled')
  expect(await balanceOf(m.db, { kind: 'commons_fund', commonsFundId: m.fund.id, currency: 'EUR' })).toBe(540)
})

async function expectRefundedAndBalanced() {
  const order = await m.db.selectFrom('orders').select(['status', 'refundedAt']).where('id', '=', orderId).executeTakeFirstOrThrow()
  expect(order.status).toBe('refunded')
  expect(await m.db.selectFrom('refunds').select(['amount', 'orderId']).execute()).toEqual([{ amount: 3600, orderId }])
  for (const ref of [
    { kind: 'commons_fund' as const, commonsFundId: m.fund.id, currency: 'EUR' },
    { kind: 'commons_fund' as const, commonsFundId: m.infrastructure.id, currency: 'EUR' },
    { kind: 'producer_payable' as const, organisationId: m.weavers.id, currency: 'EUR' },
    { kind: 'payment_clearing' as const, currency: 'EUR' },
  ]) {
    expect(await balanceOf(m.db, ref)).toBe(0)
  }
  expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  // The towels were delivered: they are with the buyer, not back on the shelf.
  expect(await stockOf(m.db, m.towel.id)).toBe(3)
}

describe('a fulfilled order', () => {
  it('can be refunded by its seller, and the ledger balances after', async () => {
    await refundOrder(m.db, null, { orderId, personId: m.weaver.id, reason: 'returned unused' }, later)
    await expectRefundedAndBalanced()
    expect((await appErrorOf(() => refundOrder(m.db, null, { orderId, personId: m.weaver.id, reason: 'again' }, later))).code).toBe('conflict')
  })

  it('is refunded from the sales page', async () => {
    setClock(later)
    const cookie = await sessionCookieFor(m.weaver.id)
    const res = await statusOf(() =>
      sales.action({
        request: request('/organisations/weavers/orders', { cookie, form: { intent: 'refund', orderId: String(orderId), reason: 'Returned unused' } }),
        params: { slug: 'weavers' },
        context: {},
      }),
    )
    expect(res).toMatchObject({ status: 302, location: '/organisations/weavers/orders?notice=refunded' })
    await expectRefundedAndBalanced()
  })
})
