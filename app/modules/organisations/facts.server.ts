import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../../../db/schema'
import { legalForms, surplusPolicies } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { refreshScores } from '../scoring/scores.server'

/** The governance facts an organisation states about itself; each may be left unstated (null). */
export const OrganisationFactsPatch = z
  .object({
    legalForm: z.enum(legalForms),
    oneMemberOneVote: z.union([z.literal(0), z.literal(1)]).nullable(),
    memberCount: z.number().int().min(0).max(100_000_000).nullable(),
    surplusPolicy: z.enum(surplusPolicies).nullable(),
    payRatio: z.number().min(1).max(10_000).nullable(),
    openBooks: z.union([z.literal(0), z.literal(1)]).nullable(),
  })
  .partial()
  .strict()
export type OrganisationFactsPatch = z.infer<typeof OrganisationFactsPatch>

/**
 * Changes an organisation's governance facts and rescores its offers in the same transaction.
 * @throws AppError('not_found' | 'invalid_input')
 */
export async function updateOrganisationFacts(db: Kysely<DB>, organisationId: number, patch: OrganisationFactsPatch, now = new Date().toISOString()) {
  const parsed = OrganisationFactsPatch.safeParse(patch)
  if (!parsed.success) throw new AppError('invalid_input', `These facts are not valid: ${parsed.error.issues[0]!.message}`)
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('organisations')
      .set({ ...parsed.data, updatedAt: now })
      .where('id', '=', organisationId)
      .returning('id')
      .executeTakeFirst()
    if (!updated) throw new AppError('not_found', 'There is no such organisation.')
    await refreshScores(trx, { organisationIds: [organisationId] }, now)
  })
}
