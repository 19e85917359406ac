import { beforeEach, describe, expect, it } from 'vitest'
import { addToCart, checkOutCart } from '../../app/modules/orders/cart.server'
import { rowCount } from '../support/db'
import { newKey, smallMarket, type SmallMarket } from '../support/market'

// Two checkouts of one cart at the same moment (two tabs, each with its own key) place one
// order: the second waits for the first and finds the cart empty. On PostgreSQL checkouts run
// READ COMMITTED; the cart's row lock is what makes this hold there.

const now = '2026-11-24T10:00:00.000Z'
let m: SmallMarket

beforeEach(async () => {
  m = await smallMarket()
})

describe('one cart checked out twice at once', () => {
  it('places one order; the other checkout is told the cart is empty, and no stock is taken twice', async () => {
    await addToCart(m.db, m.commoner.id, { offerId: m.towel.id, quantity: 2 }, now)
    const checkOut = () =>
      checkOutCart(m.db, m.commoner.id, { idempotencyKey: newKey(), paymentProvider: 'invoice', declaredUse: { value: 'personal', confirmed: true } }, now)
    const results = await Promise.allSettled([checkOut(), checkOut()])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(refused.reason.message).toMatch(/cart is empty/)
    expect(await rowCount(m.db, 'checkouts')).toBe(1)
    expect((await m.db.selectFrom('offers').select('stock').where('id', '=', m.towel.id).executeTakeFirstOrThrow()).stock).toBe(3)
  })
})
