import type { Database } from '../../db/connection'
import type { NewEvidenceClaim } from '../../db/schema'
import { refreshScores } from '../../app/modules/scoring/scores.server'

// Changes to a score's inputs that the app makes only through forms with actors and stewards
// (listings, evidence review) or not at all (a forced-labour finding comes from outside), made
// here directly, each followed by the rescore the app does in the same transaction. The
// freshness tests use them to see that the ranking moves at once.

export async function addEvidenceClaim(db: Database, claim: NewEvidenceClaim, now: string) {
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('evidenceClaims').values(claim).returningAll().executeTakeFirstOrThrow()
    await refreshScores(trx, { organisationIds: [claim.organisationId] }, now)
    return row
  })
}

export async function withdrawEvidenceClaim(db: Database, claimId: number, now: string) {
  await db.transaction().execute(async (trx) => {
    const row = await trx.deleteFrom('evidenceClaims').where('id', '=', claimId).returning('organisationId').executeTakeFirstOrThrow()
    await refreshScores(trx, { organisationIds: [row.organisationId] }, now)
  })
}

export async function changeOfferLicence(db: Database, offerId: number, licenceCode: string | null, now: string) {
  await db.transaction().execute(async (trx) => {
    const offer = await trx
      .updateTable('offers')
      .set({ licenceCode, updatedAt: now })
      .where('id', '=', offerId)
      .returning('organisationId')
      .executeTakeFirstOrThrow()
    await refreshScores(trx, { organisationIds: [offer.organisationId] }, now)
  })
}

export async function archiveOffer(db: Database, offerId: number, now: string) {
  await db.transaction().execute(async (trx) => {
    const offer = await trx
      .updateTable('offers')
      .set({ status: 'archived', updatedAt: now })
      .where('id', '=', offerId)
      .returning('organisationId')
      .executeTakeFirstOrThrow()
    await refreshScores(trx, { organisationIds: [offer.organisationId] }, now)
  })
}
