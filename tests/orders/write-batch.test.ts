import { sql } from 'kysely'
import { beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../app/lib/errors'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { placeOrder, type PlacedCheckout, type PlaceOrderInput } from '../../app/modules/orders/place-order.server'
import { inWriteBatch } from '../../app/modules/orders/write-batch.server'
import { asPerson, forFirm, newKey, smallMarket, type SmallMarket } from '../support/market'
import { rowCount, stockOf as stockOfOffer } from '../support/db'
import { nonEmpty } from '../support/lists'
import type { DB } from '../../db/schema'

// Concurrent checkouts share one transaction, each in its own savepoint (write-batch.server.ts).
// Calls started in the same event-loop turn land in the same batch.

const now = '2026-11-24T10:00:00.000Z'
let m: SmallMarket

beforeEach(async () => {
  m = await smallMarket()
})

const stockOf = (offerId: number) => stockOfOffer(m.db, offerId)
const count = (table: keyof DB) => rowCount(m.db, table)
const order = (offerId: number, quantity: number, idempotencyKey = newKey()): PlaceOrderInput => ({
  buyer: forFirm(m),
  lines: [{ offerId, quantity }],
  idempotencyKey,
  paymentProvider: 'invoice',
})

/** Settles every call, keeping each one's value or error in call order. */
const settle = (calls: Promise<unknown>[]) => Promise.allSettled(calls)
const errorOf = (r: PromiseSettledResult<unknown>) => {
  if (r.status === 'fulfilled') throw new Error('expected a rejection')
  expect(r.reason).toBeInstanceOf(AppError)
  return r.reason as AppError
}

describe('checkouts written in one batch', () => {
  it('gives each failing checkout its own error and writes the others', async () => {
    const repeated = newKey()
    const results = await settle([
      placeOrder(m.db, order(m.towel.id, 2), now), // ok: 5 → 3
      placeOrder(m.db, order(m.blanket.id, 3), now), // only 2 blankets
      placeOrder(m.db, order(9999, 1), now), // no such offer
      placeOrder(m.db, order(m.towel.id, 1, repeated), now), // ok: 3 → 2
      placeOrder(m.db, order(m.towel.id, 1, repeated), now), // the same checkout again
      placeOrder(m.db, { ...order(m.towel.id, 1), lines: [] }, now), // empty cart
      placeOrder(m.db, order(m.blanket.id, 2), now), // ok: 2 → 0
      placeOrder(m.db, order(m.towel.id, 3), now), // only 2 towels left by now
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected'])
    expect(errorOf(results[1]!)).toMatchObject({ code: 'conflict', message: 'Only 2 units of “Wool blanket” are left.' })
    expect(errorOf(results[2]!).code).toBe('not_found')
    expect(errorOf(results[5]!).code).toBe('invalid_input')
    expect(errorOf(results[7]!)).toMatchObject({ code: 'conflict', message: 'Only 2 units of “Linen tea towel” are left.' })

    const [first, , , once, again] = results.map((r) => (r.status === 'fulfilled' ? (r.value as PlacedCheckout) : null))
    expect(once!.created).toBe(true)
    expect(again).toMatchObject({ checkoutId: once!.checkoutId, created: false, orderIds: once!.orderIds })
    expect(first!.orderIds).toHaveLength(1)

    // Only the three placed checkouts are written: nothing of a failed one.
    expect(await count('checkouts')).toBe(3)
    expect(await count('orders')).toBe(3)
    expect(await count('orderLines')).toBe(3)
    expect(await count('journalEntries')).toBe(3)
    expect(await stockOf(m.towel.id)).toBe(2)
    expect(await stockOf(m.blanket.id)).toBe(0)
    expect((await checkLedger(m.db)).ok).toBe(true)
  })

  it('rolls back a later checkout that fails after taking stock an earlier one also took', async () => {
    const results = await settle([
      placeOrder(m.db, order(m.towel.id, 3), now), // ok: 5 → 2
      // takes the last 2 towels, then fails on the blankets: its towels go back
      placeOrder(
        m.db,
        {
          buyer: asPerson(m.commoner.id),
          lines: [
            { offerId: m.towel.id, quantity: 2 },
            { offerId: m.blanket.id, quantity: 5 },
          ],
          idempotencyKey: newKey(),
          paymentProvider: 'invoice',
        },
        now,
      ),
      placeOrder(m.db, order(m.towel.id, 2), now), // so these 2 towels are still there
      placeOrder(m.db, order(m.towel.id, 1), now), // and now none is
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected'])
    expect(errorOf(results[1]!).code).toBe('conflict')
    expect(errorOf(results[3]!).message).toBe('“Linen tea towel” has just sold out.')
    expect(await stockOf(m.towel.id)).toBe(0)
    expect(await stockOf(m.blanket.id)).toBe(2)
    const sold = await m.db
      .selectFrom('orderLines')
      .select(sql<number>`sum(quantity)`.as('n'))
      .where('offerId', '=', m.towel.id)
      .executeTakeFirstOrThrow()
    expect(sold.n).toBe(5)
    expect(await count('checkouts')).toBe(2)
    expect(await count('orders')).toBe(2)
    expect((await checkLedger(m.db)).ok).toBe(true)
  })

  it('never oversells when many buyers race for the same stock', async () => {
    const results = await settle(
      Array.from({ length: 40 }, (_, i) => placeOrder(m.db, order(i % 2 ? m.towel.id : m.blanket.id, 1 + (i % 3 === 0 ? 1 : 0)), now)),
    )
    for (const r of nonEmpty(
      results.filter((r) => r.status === 'rejected'),
      'refused orders',
    ))
      expect(errorOf(r).code).toBe('conflict')
    expect(await stockOf(m.towel.id)).toBeGreaterThanOrEqual(0)
    expect(await stockOf(m.blanket.id)).toBeGreaterThanOrEqual(0)
    const sold = await m.db
      .selectFrom('orderLines')
      .select(['offerId', sql<number>`sum(quantity)`.as('n')])
      .groupBy('offerId')
      .execute()
    const soldOf = (id: number) => sold.find((s) => s.offerId === id)?.n ?? 0
    expect(soldOf(m.towel.id) + (await stockOf(m.towel.id))!).toBe(5)
    expect(soldOf(m.blanket.id) + (await stockOf(m.blanket.id))!).toBe(2)
    expect(await count('orders')).toBe(results.filter((r) => r.status === 'fulfilled').length)
    expect((await checkLedger(m.db)).ok).toBe(true)
  })

  it('rejects every caller in the batch when the commit fails, and writes nothing', async () => {
    const results = await settle([
      placeOrder(m.db, order(m.towel.id, 1), now),
      // A foreign key checked only at COMMIT, broken inside a unit that itself succeeds.
      inWriteBatch(m.db, async (trx) => {
        await sql`pragma defer_foreign_keys = on`.execute(trx)
        await sql`insert into order_lines (order_id, offer_id, offer_title, offer_kind, unit, quantity, commoner_price, for_profit_price,
          unit_price, producer_amount, commons_fund_id, commons_fund_amount, infrastructure_fund_id, infrastructure_amount, score,
          score_confidence, rules_version) values (424242, ${m.towel.id}, 'x', 'good', 'piece', 1, 1, 1, 1, 1, ${m.fund.id}, 0, ${m.infrastructure.id}, 0, 0, 0, 1)`.execute(
          trx,
        )
        return 'written'
      }),
      placeOrder(m.db, order(m.blanket.id, 1), now),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    for (const r of results) expect(String((r as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/)
    expect(await count('checkouts')).toBe(0)
    expect(await count('orderLines')).toBe(0)
    expect(await stockOf(m.towel.id)).toBe(5)
    // The connection is usable again.
    await expect(placeOrder(m.db, order(m.towel.id, 1), now)).resolves.toMatchObject({ created: true })
    expect((await checkLedger(m.db)).ok).toBe(true)
  })
})
