import type { Transaction } from 'kysely'
import { z } from 'zod'
import type { DB, Db, EvidenceClaim } from '../../../db/schema'
import { claimKinds } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { cappedEvidenceExpiry } from '../evidence/evidence'
import { insertSubmittedClaim, setClaimReview } from '../evidence/claim-writes.server'
import { requireMembership } from '../organisations/membership.server'
import { requireSteward, refuseOwnOrganisation } from '../accounts/stewards.server'
import { refreshScores } from '../scoring/scores.server'
import { recordAudit } from '../audit/audit.server'
import { reevaluateAttestedBy } from '../peer-attestation/standing.server'

// Evidence an organisation submits and a steward reviews. These functions change evidence in
// the caller's transaction and say whose class may have changed; they know nothing of orders,
// which sit above them and credit what the change makes owed (orders/reclassification.server.ts).

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2027-06-30.')
  .transform((d) => `${d}T00:00:00.000Z`)
  .refine((d) => !Number.isNaN(Date.parse(d)), 'That date does not exist.')

export const EvidenceInput = z.object({
  claim: z.enum(claimKinds.filter((c) => c !== 'forced_labour_finding') as [string, ...string[]], { error: 'Choose what you are claiming.' }),
  value: z.string().trim().min(1, 'Say what exactly is claimed (e.g. worker_coop, wfto_guaranteed_fair_trade).').max(200),
  source: z.string().trim().min(3, 'Say where the evidence can be checked: a registry number, a statute article, a certificate id.').max(500),
  sourceUrl: z
    .union([z.literal(''), z.url({ protocol: /^https?$/, error: 'Use a full web address (starting with https://).' }).max(500)])
    .optional()
    .transform((u) => (u ? u : null)),
  expiresOn: z
    .union([z.literal(''), isoDate])
    .optional()
    .transform((d) => (d ? d : null)),
})
export type EvidenceInput = z.input<typeof EvidenceInput>

/**
 * An admin submits evidence for a claim: it counts as documented at once and waits in the
 * stewards' review queue to become verified. Runs in the caller's transaction.
 * @returns the claim, and the organisation whose class this may change: the caller credits its
 *   reclassified orders in the same transaction (orders/reclassification.server.ts)
 * @throws AppError('forbidden' | 'invalid_input')
 */
export async function recordEvidence(
  trx: Transaction<DB>,
  actorId: number,
  organisationId: number,
  input: EvidenceInput,
  now: string,
): Promise<{ claim: EvidenceClaim; reclassified: number }> {
  const parsed = EvidenceInput.safeParse(input)
  if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]!.message)
  const e = parsed.data
  if (e.expiresOn !== null && e.expiresOn <= now) throw new AppError('invalid_input', 'This evidence has already expired; submit current evidence.')
  const expiresAt = cappedEvidenceExpiry(e.expiresOn, now)
  await requireMembership(trx, actorId, organisationId, 'admin')
  const org = await trx.selectFrom('organisations').select('legalForm').where('id', '=', organisationId).executeTakeFirstOrThrow()
  if (e.claim === 'legal_form' && e.value !== org.legalForm)
    throw new AppError('invalid_input', `Your stated legal form is ${org.legalForm}; change it under governance facts before submitting evidence for another.`)
  const claim = await insertSubmittedClaim(
    trx,
    { organisationId, claim: e.claim as (typeof claimKinds)[number], value: e.value, source: e.source, sourceUrl: e.sourceUrl, expiresAt },
    now,
  )
  await recordAudit(trx, {
    organisationId,
    actorId,
    action: 'evidence_submitted',
    claimId: claim.id,
    detail: `${e.claim}: ${e.value} (${e.source})`,
    createdAt: now,
  })
  await refreshScores(trx, { organisationIds: [organisationId] }, now)
  return { claim, reclassified: organisationId }
}

export const DecisionReason = z.string().trim().min(5, 'Give a reason the organisation can read (at least a few words).').max(1000)

/**
 * A steward decides on submitted evidence: approved evidence becomes verified. Runs in the
 * caller's transaction.
 * @returns the organisation whose class this may change (see recordEvidence)
 * @throws AppError('forbidden' | 'not_found' | 'conflict' | 'invalid_input')
 */
export async function recordEvidenceReview(
  trx: Transaction<DB>,
  stewardId: number,
  claimId: number,
  decision: { approve: boolean; reason: string },
  now: string,
): Promise<{ reclassified: number }> {
  const reason = DecisionReason.safeParse(decision.reason)
  if (!reason.success) throw new AppError('invalid_input', reason.error.issues[0]!.message)
  await requireSteward(trx, stewardId)
  const claim = await trx.selectFrom('evidenceClaims').selectAll().where('id', '=', claimId).executeTakeFirst()
  if (!claim) throw new AppError('not_found', 'There is no such claim.')
  if (claim.reviewStatus !== 'requested') throw new AppError('conflict', 'This evidence has already been reviewed.')
  await refuseOwnOrganisation(trx, stewardId, claim.organisationId, 'review its evidence')
  await setClaimReview(trx, claimId, decision.approve ? { approved: true, expiresAt: cappedEvidenceExpiry(claim.expiresAt, now) } : { approved: false }, now)
  await recordAudit(trx, {
    organisationId: claim.organisationId,
    actorId: stewardId,
    action: decision.approve ? 'evidence_approved' : 'evidence_rejected',
    claimId,
    detail: reason.data,
    createdAt: now,
  })
  await refreshScores(trx, { organisationIds: [claim.organisationId] }, now)
  // A renewed verification carries the attestations this organisation gave a while longer.
  if (decision.approve && claim.claim === 'legal_form') await reevaluateAttestedBy(trx, claim.organisationId, now)
  return { reclassified: claim.organisationId }
}

/** What waits for stewards: evidence to review and open challenges, oldest first. */
export async function stewardQueue(db: Db) {
  const [evidence, challenges] = await Promise.all([
    db
      .selectFrom('evidenceClaims as c')
      .innerJoin('organisations as o', 'o.id', 'c.organisationId')
      .select([
        'c.id',
        'c.claim',
        'c.value',
        'c.source',
        'c.sourceUrl',
        'c.createdAt',
        'c.expiresAt',
        'o.name as organisationName',
        'o.slug as organisationSlug',
      ])
      .where('c.reviewStatus', '=', 'requested')
      .orderBy('c.createdAt')
      .limit(100)
      .execute(),
    db
      .selectFrom('challenges as ch')
      .innerJoin('evidenceClaims as c', 'c.id', 'ch.claimId')
      .innerJoin('organisations as o', 'o.id', 'ch.organisationId')
      .innerJoin('people as p', 'p.id', 'ch.challengerId')
      .select([
        'ch.id',
        'ch.reason',
        'ch.createdAt',
        'c.claim',
        'c.value',
        'c.evidenceLevel',
        'c.source',
        'o.name as organisationName',
        'o.slug as organisationSlug',
        'p.displayName as challengerName',
      ])
      .where('ch.status', '=', 'open')
      .orderBy('ch.createdAt')
      .limit(100)
      .execute(),
  ])
  return { evidence, challenges }
}
