import { sql } from 'kysely'
import type { Db, StockAdjustmentReason } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { runPrebuilt } from '../../lib/prebuilt-sql.server'

// A good's stock (offers.stock) and its history (stock_adjustments) change only here: a
// checkout takes it, a cancelled or refunded order returns it, its producer adjusts it, a
// listing starts counting it. Every function runs in the caller's transaction. A commons item
// has no stock (null): sharing does not use it up.

/** The most units of one good the marketplace counts. */
export const MAX_STOCK = 1_000_000

// The guard is the whole defence against overselling: stock only moves when enough is left.
// Prebuilt, as the rest of the checkout's statements (lib/prebuilt-sql.server.ts).
const takeStockSql = `update offers set stock = stock - ? where id = ? and stock >= ?`

/** Takes `quantity` units of a good; false, and nothing taken, when fewer are left. */
export async function takeStock(trx: Db, offerId: number, quantity: number): Promise<boolean> {
  const taken = await runPrebuilt(trx, takeStockSql, [quantity, offerId, quantity])
  return taken.numAffectedRows !== 0n
}

/** Puts units back on the shelf (an order called off or refunded); a commons item has none to return. */
export async function returnStock(trx: Db, offerId: number, quantity: number): Promise<void> {
  await trx
    .updateTable('offers')
    .set({ stock: sql<number>`stock + ${quantity}` })
    .where('id', '=', offerId)
    .where('stock', 'is not', null)
    .execute()
}

/**
 * Changes a good's stock by `delta` with a guarded update (never below zero, even against a
 * checkout racing it, nor above MAX_STOCK) and records who did it and why.
 * @throws AppError conflict when it would go below zero
 */
export async function adjustStock(
  trx: Db,
  change: { offerId: number; delta: number; reason: StockAdjustmentReason; note: string; personId: number },
  now: string,
): Promise<{ stock: number }> {
  const { offerId, delta } = change
  const updated = await trx
    .updateTable('offers')
    .set({ stock: sql<number>`stock + ${delta}` })
    .where('id', '=', offerId)
    .where(sql<number>`stock + ${delta}`, '>=', 0)
    .where(sql<number>`stock + ${delta}`, '<=', MAX_STOCK)
    .returning('stock')
    .executeTakeFirst()
  if (!updated) {
    const current = await trx.selectFrom('offers').select('stock').where('id', '=', offerId).executeTakeFirstOrThrow()
    const message =
      current.stock === 1
        ? `Stock cannot go below zero: there is ${current.stock} in stock.`
        : `Stock cannot go below zero: there are ${current.stock} in stock.`
    throw new AppError('conflict', message, { delta: `At most ${current.stock} can be taken away.` })
  }
  await trx
    .insertInto('stockAdjustments')
    .values({ offerId, delta, stockAfter: updated.stock!, reason: change.reason, note: change.note, personId: change.personId, createdAt: now })
    .execute()
  return { stock: updated.stock! }
}

/**
 * Records the stock a listing starts counting from: a new good's, or a commons item's that
 * becomes a good (with `set`, which also writes it). The history starts with it.
 */
export async function startStock(
  trx: Db,
  opening: { offerId: number; stock: number; reason: 'listed' | 'imported'; personId: number; set?: boolean },
  now: string,
): Promise<void> {
  if (opening.set) await trx.updateTable('offers').set({ stock: opening.stock }).where('id', '=', opening.offerId).execute()
  await trx
    .insertInto('stockAdjustments')
    .values({ offerId: opening.offerId, delta: opening.stock, stockAfter: opening.stock, reason: opening.reason, personId: opening.personId, createdAt: now })
    .execute()
}

/**
 * A listing whose kind its producer changed: a commons item keeps no stock, and a commons item
 * that becomes a good starts from none (the producer adjusts it from there).
 */
export async function stockForKind(trx: Db, offerId: number, kind: 'good' | 'commons'): Promise<void> {
  await trx
    .updateTable('offers')
    .set({ stock: kind === 'good' ? sql<number>`coalesce(stock, 0)` : null })
    .where('id', '=', offerId)
    .execute()
}

/** A good's stock history, newest first, with who changed it. */
export async function stockHistory(db: Db, offerId: number, limit: number) {
  return db
    .selectFrom('stockAdjustments as a')
    .leftJoin('people as p', 'p.id', 'a.personId')
    .select(['a.id', 'a.delta', 'a.stockAfter', 'a.reason', 'a.note', 'a.createdAt', 'p.displayName as by'])
    .where('a.offerId', '=', offerId)
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute()
}
