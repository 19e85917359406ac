import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema'
import { AppError } from '../../lib/errors'

// Who may download a commons resource: whoever obtained it through a paid or fulfilled order.

/**
 * The commons resource of an offer, for a person who obtained it (a paid or fulfilled order).
 * @throws AppError forbidden (not obtained), not_found (no resource attached)
 */
export async function obtainedResource(db: Kysely<DB>, personId: number, offerId: number) {
  const obtained = await db
    .selectFrom('orderLines as l')
    .innerJoin('orders as o', 'o.id', 'l.orderId')
    .select('l.id')
    .where('l.offerId', '=', offerId)
    .where('o.buyerPersonId', '=', personId)
    .where('o.status', 'in', ['paid', 'fulfilled'])
    .executeTakeFirst()
  if (!obtained) throw new AppError('forbidden', 'Only people who obtained this commons item can download it: get it from its offer page first.')
  const resource = await db.selectFrom('commonsResources').selectAll().where('offerId', '=', offerId).executeTakeFirst()
  if (!resource) throw new AppError('not_found', 'The producer has not attached the resource yet; you will find it here once they do.')
  return resource
}
