import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema'
import { organisationsOf } from '../organisations/membership.server'
import { buyingOptions } from './reciprocity.server'

/** What a person's account page shows: how they buy, and the organisations they belong to. */
export async function accountOverview(db: Kysely<DB>, personId: number, now = new Date().toISOString()) {
  const [buyingAs, organisations] = await Promise.all([buyingOptions(db, personId, now), organisationsOf(db, personId)])
  return { buyingAs, organisations }
}
