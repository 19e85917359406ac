import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB, EvidenceClaim } from '../../../db/schema'
import { claimKinds, evidenceLevels } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { refreshScores } from '../scoring/scores.server'
import { clock } from '../../lib/clock'

const isoTime = z.iso.datetime({ offset: false })

export const NewClaimInput = z
  .object({
    organisationId: z.number().int().positive(),
    offerId: z.number().int().positive().nullable().default(null),
    claim: z.enum(claimKinds),
    value: z.string().trim().min(1).max(200),
    evidenceLevel: z.enum(evidenceLevels),
    source: z.string().trim().min(1, 'say where the evidence can be found').max(500),
    sourceUrl: z.url().max(500).nullable().default(null),
    issuedAt: isoTime,
    expiresAt: isoTime.nullable(),
  })
  .strict()
export type NewClaimInput = z.input<typeof NewClaimInput>

/**
 * Records an evidence claim and rescores what it is about, in one transaction.
 * @throws AppError('invalid_input' | 'not_found')
 */
export async function addEvidenceClaim(db: Kysely<DB>, input: NewClaimInput, now = clock.now()): Promise<EvidenceClaim> {
  const parsed = NewClaimInput.safeParse(input)
  if (!parsed.success) throw new AppError('invalid_input', `This claim is not valid: ${parsed.error.issues[0]!.message}`)
  const claim = parsed.data
  if (claim.expiresAt && claim.expiresAt <= claim.issuedAt) throw new AppError('invalid_input', 'Evidence must expire after it was issued.')
  return db.transaction().execute(async (trx) => {
    const org = await trx.selectFrom('organisations').select('id').where('id', '=', claim.organisationId).executeTakeFirst()
    if (!org) throw new AppError('not_found', 'There is no such organisation.')
    if (claim.offerId !== null) {
      const offer = await trx.selectFrom('offers').select('organisationId').where('id', '=', claim.offerId).executeTakeFirst()
      if (!offer || offer.organisationId !== claim.organisationId)
        throw new AppError('not_found', 'That offer does not belong to this organisation.')
    }
    const row = await trx.insertInto('evidenceClaims').values(claim).returningAll().executeTakeFirstOrThrow()
    await refreshScores(trx, { organisationIds: [claim.organisationId] }, now)
    return row
  })
}

/** Withdraws a claim (e.g. a certification that lapsed) and rescores. @throws AppError('not_found') */
export async function withdrawEvidenceClaim(db: Kysely<DB>, claimId: number, now = clock.now()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.deleteFrom('evidenceClaims').where('id', '=', claimId).returning('organisationId').executeTakeFirst()
    if (!row) throw new AppError('not_found', 'There is no such claim.')
    await refreshScores(trx, { organisationIds: [row.organisationId] }, now)
  })
}
