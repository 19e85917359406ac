import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { refreshScores } from '../scoring/scores.server'
import { clock } from '../../lib/clock'

/**
 * Puts an offer under another licence (or none, for a good) and rescores the producer's
 * offers, whose open-licence share it changes. @throws AppError('not_found' | 'invalid_input')
 */
export async function changeOfferLicence(db: Kysely<DB>, offerId: number, licenceCode: string | null, now = clock.now()) {
  return db.transaction().execute(async (trx) => {
    const offer = await trx.selectFrom('offers').select(['kind', 'organisationId']).where('id', '=', offerId).executeTakeFirst()
    if (!offer) throw new AppError('not_found', 'There is no such offer.')
    if (licenceCode === null && offer.kind === 'commons') throw new AppError('invalid_input', 'A commons item needs a licence.')
    if (licenceCode !== null) {
      const licence = await trx.selectFrom('licences').select('code').where('code', '=', licenceCode).executeTakeFirst()
      if (!licence) throw new AppError('invalid_input', `There is no licence "${licenceCode}".`)
    }
    await trx.updateTable('offers').set({ licenceCode, updatedAt: now }).where('id', '=', offerId).execute()
    await refreshScores(trx, { organisationIds: [offer.organisationId] }, now)
  })
}

/** Archives an offer: it leaves the catalog and no longer counts in its producer's share. */
export async function archiveOffer(db: Kysely<DB>, offerId: number, now = clock.now()) {
  return db.transaction().execute(async (trx) => {
    const offer = await trx
      .updateTable('offers')
      .set({ status: 'archived', updatedAt: now })
      .where('id', '=', offerId)
      .returning('organisationId')
      .executeTakeFirst()
    if (!offer) throw new AppError('not_found', 'There is no such offer.')
    await refreshScores(trx, { organisationIds: [offer.organisationId] }, now)
  })
}
