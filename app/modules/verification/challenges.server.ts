import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB, Db, LegalForm } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { clock } from '../../lib/clock'
import { requireConfirmedEmail } from '../accounts/accounts.server'
import { requireSteward, refuseOwnOrganisation } from '../accounts/stewards.server'
import { refreshScores } from '../scoring/scores.server'
import { recordAudit } from '../audit/audit.server'
import { overturnClaim } from '../evidence/claim-writes.server'
import { reevaluateAttestedBy, reevaluatePeerAttestation, retireAttestations } from '../peer-attestation/standing.server'
import { DecisionReason } from './evidence-review.server'

// Anyone signed in may challenge a claim; a steward upholds or dismisses it. What an upheld
// challenge costs the orders placed under the claim is posted by orders (resolveChallenge).

export const ChallengeReason = z.string().trim().min(10, 'Explain what is wrong with this claim, and how you know (at least 10 characters).').max(2000)

/**
 * Anyone signed in may challenge a claim; a steward resolves it.
 * @throws AppError('not_found' | 'conflict' | 'invalid_input')
 */
export async function challengeClaim(db: Kysely<DB>, personId: number, claimId: number, reasonText: string, now = clock.now()) {
  const reason = ChallengeReason.safeParse(reasonText)
  if (!reason.success) throw new AppError('invalid_input', reason.error.issues[0]!.message)
  return db.transaction().execute(async (trx) => {
    await requireConfirmedEmail(trx, personId, 'challenging a claim')
    const claim = await trx
      .selectFrom('evidenceClaims')
      .select(['id', 'organisationId', 'status', 'claim', 'value'])
      .where('id', '=', claimId)
      .executeTakeFirst()
    if (!claim) throw new AppError('not_found', 'There is no such claim.')
    if (claim.status !== 'active') throw new AppError('conflict', 'This claim has already been overturned.')
    const open = await trx
      .selectFrom('challenges')
      .select('id')
      .where('claimId', '=', claimId)
      .where('challengerId', '=', personId)
      .where('status', '=', 'open')
      .executeTakeFirst()
    if (open) throw new AppError('conflict', 'You already have an open challenge against this claim.')
    const challenge = await trx
      .insertInto('challenges')
      .values({ claimId, organisationId: claim.organisationId, challengerId: personId, reason: reason.data, createdAt: now })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      organisationId: claim.organisationId,
      actorId: personId,
      action: 'claim_challenged',
      claimId,
      detail: reason.data,
      createdAt: now,
    })
    return challenge
  })
}

/**
 * A steward upholds a challenge (the claim is overturned and leaves score and class) or
 * dismisses it; the reason stays in the organisation's audit trail.
 * @throws AppError('forbidden' | 'not_found' | 'conflict' | 'invalid_input')
 */
export async function decideChallenge(
  db: Kysely<DB>,
  stewardId: number,
  challengeId: number,
  decision: { uphold: boolean; reason: string },
  now = clock.now(),
) {
  const reason = DecisionReason.safeParse(decision.reason)
  if (!reason.success) throw new AppError('invalid_input', reason.error.issues[0]!.message)
  return db.transaction().execute(async (trx) => {
    await requireSteward(trx, stewardId)
    const challenge = await trx.selectFrom('challenges').selectAll().where('id', '=', challengeId).executeTakeFirst()
    if (!challenge) throw new AppError('not_found', 'There is no such challenge.')
    if (challenge.status !== 'open') throw new AppError('conflict', 'This challenge has already been decided.')
    await refuseOwnOrganisation(trx, stewardId, challenge.organisationId, 'decide challenges against it')
    await trx
      .updateTable('challenges')
      .set({ status: decision.uphold ? 'upheld' : 'dismissed', decidedAt: now, decidedBy: stewardId, decisionReason: reason.data })
      .where('id', '=', challengeId)
      .execute()
    if (decision.uphold) {
      await overturnClaim(trx, challenge.claimId)
      // An overturned peer attestation takes the attestations behind it along, and their
      // attesters may not attest this organisation again for a year (see overturnedAttesterBar).
      const claim = await trx
        .selectFrom('evidenceClaims')
        .select(['claim', 'value', 'evidenceLevel'])
        .where('id', '=', challenge.claimId)
        .executeTakeFirstOrThrow()
      if (claim.claim === 'legal_form' && claim.evidenceLevel === 'peer_attested') {
        const behind = await trx
          .selectFrom('attestations')
          .select('id')
          .where('organisationId', '=', challenge.organisationId)
          .where('legalForm', '=', claim.value as LegalForm)
          .where('expiresAt', '>', now)
          .where('retiredAt', 'is', null)
          .execute()
        await retireAttestations(
          trx,
          behind.map((a) => a.id),
          'claim_overturned',
          now,
        )
      }
      // Other open challenges against the same claim are settled by this decision.
      await trx
        .updateTable('challenges')
        .set({ status: 'upheld', decidedAt: now, decidedBy: stewardId, decisionReason: reason.data })
        .where('claimId', '=', challenge.claimId)
        .where('status', '=', 'open')
        .execute()
    }
    await recordAudit(trx, {
      organisationId: challenge.organisationId,
      actorId: stewardId,
      action: decision.uphold ? 'challenge_upheld' : 'challenge_dismissed',
      claimId: challenge.claimId,
      detail: reason.data,
      createdAt: now,
    })
    await refreshScores(trx, { organisationIds: [challenge.organisationId] }, now)
    if (decision.uphold) {
      // The organisation's own peer-attested form no longer stands, and if it was an attester
      // whose verification this overturned, what it attested is weighed again at once.
      await reevaluatePeerAttestation(trx, challenge.organisationId, now)
      await reevaluateAttestedBy(trx, challenge.organisationId, now)
    }
  })
}

/** A claim as its challenge page shows it. @throws AppError('not_found') */
export async function claimForChallenge(db: Db, claimId: number) {
  const claim = await db
    .selectFrom('evidenceClaims as c')
    .innerJoin('organisations as o', 'o.id', 'c.organisationId')
    .select(['c.id', 'c.claim', 'c.value', 'c.evidenceLevel', 'c.source', 'c.status', 'o.name as organisationName', 'o.slug as organisationSlug'])
    .where('c.id', '=', claimId)
    .executeTakeFirst()
  if (!claim) throw new AppError('not_found', 'There is no such claim.')
  return claim
}
