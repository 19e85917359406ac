import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema'
import { organisationsOf } from '../organisations/membership.server'
import { buyingOptions } from './reciprocity.server'
import { reciprocityCredits } from '../orders/reciprocity-credit.server'
import { backChargesOwed } from '../orders/back-charge.server'
import { clock } from '../../lib/clock'

/** What a person's account page shows: how they buy, their organisations, credits owed to them and back-charges they owe. */
export async function accountOverview(db: Kysely<DB>, personId: number, now = clock.now()) {
  const [buyingAs, organisations, credits, backCharges] = await Promise.all([
    buyingOptions(db, personId, now),
    organisationsOf(db, personId),
    reciprocityCredits(db, personId),
    backChargesOwed(db, personId),
  ])
  return { buyingAs, organisations, credits, backCharges }
}
