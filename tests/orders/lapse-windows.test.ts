import { beforeEach, describe, expect, it } from 'vitest'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { expireUnpaidOrders } from '../../app/modules/orders/settlement.server'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { stockOf } from '../support/db'
import { asPerson, newKey, smallMarket, type SmallMarket } from '../support/market'

// How long an unpaid order holds its stock, pinned to the second: a card order 45 minutes (the
// Stripe session lives 31, the rest waits for a late webhook), an invoice order 14 days.

const placedAt = '2026-11-24T10:00:00.000Z'
const plus = (ms: number) => new Date(Date.parse(placedAt) + ms).toISOString()
const SECOND = 1000
const MINUTE = 60 * SECOND
const DAY = 24 * 60 * MINUTE

let m: SmallMarket
beforeEach(async () => {
  m = await smallMarket()
})

async function order(paymentProvider: 'stripe' | 'invoice') {
  const placed = await placeOrder(
    m.db,
    { buyer: asPerson(m.commoner.id), lines: [{ offerId: m.towel.id, quantity: 3 }], idempotencyKey: newKey(), paymentProvider },
    placedAt,
  )
  return placed.orderIds[0]!
}
const statusOf = async (orderId: number) =>
  await m.db.selectFrom('orders').select(['status', 'cancelReason', 'expiresAt']).where('id', '=', orderId).executeTakeFirstOrThrow()

describe.each([
  ['card', 'stripe' as const, 45 * MINUTE, '2026-11-24T10:45:00.000Z'],
  ['invoice', 'invoice' as const, 14 * DAY, '2026-12-08T10:00:00.000Z'],
])('an unpaid %s order', (_, provider, window, lapsesAt) => {
  it(`is still open one second before ${lapsesAt.slice(0, 16)}`, async () => {
    const id = await order(provider)
    expect((await statusOf(id)).expiresAt).toBe(plus(window))
    expect(plus(window)).toBe(lapsesAt)
    expect(await expireUnpaidOrders(m.db, plus(window - SECOND))).toBe(0)
    expect(await statusOf(id)).toMatchObject({ status: 'pending_payment', cancelReason: null })
    expect(await stockOf(m.db, m.towel.id)).toBe(2)
  })

  it('lapses at exactly the end of its window, and its stock returns', async () => {
    const id = await order(provider)
    expect(await expireUnpaidOrders(m.db, plus(window))).toBe(1)
    expect(await statusOf(id)).toMatchObject({ status: 'cancelled', cancelReason: 'expired' })
    expect(await stockOf(m.db, m.towel.id)).toBe(5)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
    // and a later sweep finds nothing left to do
    expect(await expireUnpaidOrders(m.db, plus(window + SECOND))).toBe(0)
  })
})
