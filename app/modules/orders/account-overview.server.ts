import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema'
import { organisationsOf } from '../organisations/membership.server'
import { buyingOptions } from '../reciprocity/reciprocity.server'
import { reciprocityCredits } from './reciprocity-credit.server'
import { backChargesOwed } from './back-charge.server'
import { clock } from '../../lib/clock'

// Above reciprocity and organisations: the account page gathers the class each use gives with
// what orders owe the person's organisations and what they owe.

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
