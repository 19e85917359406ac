import type { Kysely, Transaction } from 'kysely'
import { z } from 'zod'
import type { DB, LegalForm, Db } from '../../../db/schema'
import { claimKinds } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { addDays } from '../../lib/time'
import { cappedEvidenceExpiry, EVIDENCE_YEARS } from '../evidence/evidence'
import { requireMembership } from '../organisations/membership.server'
import { requireConfirmedEmail } from '../accounts/accounts.server'
import { refuseOwnOrganisation } from '../accounts/stewards.server'
import { refreshScores } from '../scoring/scores.server'
import { creditReclassifiedOrders } from '../orders/reciprocity-credit.server'
import { recordAudit } from './audit.server'
import {
  ATTESTATION_DAYS,
  ATTESTATIONS_PER_YEAR,
  isVerifiedOrganisation,
  overturnedAttesterBar,
  reevaluateAttestedBy,
  reevaluatePeerAttestation,
  retireAttestations,
} from './attestations.server'
import { clock } from '../../lib/clock'


export { EVIDENCE_YEARS }
export { ATTESTATION_DAYS, ATTESTATIONS_NEEDED, ATTESTATIONS_PER_YEAR, isVerifiedOrganisation, legalFormEvidence } from './attestations.server'

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
    .union([z.literal(''), z.url({ protocol: /^https?$/, error: 'Use a full web address starting with https://' }).max(500)])
    .optional()
    .transform((u) => (u ? u : null)),
  expiresOn: z.union([z.literal(''), isoDate]).optional().transform((d) => (d ? d : null)),
})
export type EvidenceInput = z.input<typeof EvidenceInput>

/**
 * An admin submits evidence for a claim: it counts as documented at once and waits in the
 * stewards' review queue to become verified.
 * @throws AppError('forbidden' | 'invalid_input')
 */
export async function submitEvidence(db: Kysely<DB>, actorId: number, organisationId: number, input: EvidenceInput, now = clock.now()) {
  const parsed = EvidenceInput.safeParse(input)
  if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]!.message)
  const e = parsed.data
  if (e.expiresOn !== null && e.expiresOn <= now) throw new AppError('invalid_input', 'This evidence has already expired; submit current evidence.')
  const expiresAt = cappedEvidenceExpiry(e.expiresOn, now)
  return db.transaction().execute(async (trx) => {
    await requireMembership(trx, actorId, organisationId, 'admin')
    const org = await trx.selectFrom('organisations').select('legalForm').where('id', '=', organisationId).executeTakeFirstOrThrow()
    if (e.claim === 'legal_form' && e.value !== org.legalForm)
      throw new AppError('invalid_input', `Your stated legal form is ${org.legalForm}; change it under governance facts before submitting evidence for another.`)
    const claim = await trx
      .insertInto('evidenceClaims')
      .values({
        organisationId,
        claim: e.claim as (typeof claimKinds)[number],
        value: e.value,
        evidenceLevel: 'documented',
        source: e.source,
        sourceUrl: e.sourceUrl,
        issuedAt: now,
        expiresAt,
        reviewStatus: 'requested',
        createdAt: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, { organisationId, actorId, action: 'evidence_submitted', claimId: claim.id, detail: `${e.claim}: ${e.value} (${e.source})`, createdAt: now })
    await refreshScores(trx, { organisationIds: [organisationId] }, now)
    await creditReclassifiedOrders(trx, organisationId, now)
    return claim
  })
}

export const AttestationInput = z.object({
  attesterOrganisationId: z.number().int().positive(),
  statement: z.string().trim().min(10, 'Say in a sentence what you know of this organisation and how.').max(1000),
})

/**
 * A verified organisation vouches for another's legal form. Two current attestations from
 * verified organisations whose people are not members of the applicant lift it to peer-attested.
 * @throws AppError('forbidden' | 'conflict' | 'invalid_input' | 'not_found')
 */
export async function attestOrganisation(
  db: Kysely<DB>,
  actorId: number,
  organisationId: number,
  input: z.input<typeof AttestationInput>,
  now = clock.now(),
) {
  const parsed = AttestationInput.safeParse(input)
  if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]!.message)
  const { attesterOrganisationId, statement } = parsed.data
  return db.transaction().execute(async (trx) => {
    const applicant = await trx.selectFrom('organisations').select(['id', 'legalForm', 'name']).where('id', '=', organisationId).executeTakeFirst()
    if (!applicant) throw new AppError('not_found', 'There is no such organisation.')
    if (attesterOrganisationId === organisationId) throw new AppError('forbidden', 'An organisation cannot attest itself.')
    await requireMembership(trx, actorId, attesterOrganisationId, 'admin')
    await requireConfirmedEmail(trx, actorId, 'attesting an organisation')
    const actorInApplicant = await trx
      .selectFrom('memberships')
      .select('personId')
      .where('organisationId', '=', organisationId)
      .where('personId', '=', actorId)
      .executeTakeFirst()
    if (actorInApplicant) throw new AppError('forbidden', 'You are a member of this organisation, so you cannot attest it.')
    // Neither attester may share a member with the applicant: attestations must come from outside.
    const sharedMember = await trx
      .selectFrom('memberships as a')
      .innerJoin('memberships as b', 'b.personId', 'a.personId')
      .select('a.personId')
      .where('a.organisationId', '=', attesterOrganisationId)
      .where('b.organisationId', '=', organisationId)
      .executeTakeFirst()
    if (sharedMember) throw new AppError('forbidden', 'Your organisation shares a member with this one, so it cannot attest it.')
    if (!(await isVerifiedOrganisation(trx, attesterOrganisationId, now)))
      throw new AppError('forbidden', 'Only organisations whose own legal form is verified can attest others.')
    const barredUntil = await overturnedAttesterBar(trx, organisationId, attesterOrganisationId, now)
    if (barredUntil)
      throw new AppError(
        'forbidden',
        `A steward overturned ${applicant.name}'s legal form that your organisation had attested, so it cannot attest ${applicant.name} again before ${barredUntil.slice(0, 10)}.`,
      )
    const current = await trx
      .selectFrom('attestations')
      .select('id')
      .where('organisationId', '=', organisationId)
      .where('attesterOrganisationId', '=', attesterOrganisationId)
      .where('expiresAt', '>', now)
      .where('retiredAt', 'is', null)
      .executeTakeFirst()
    if (current) throw new AppError('conflict', 'Your organisation has already attested this one; the attestation is still current.')
    const given = await trx
      .selectFrom('attestations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('attesterOrganisationId', '=', attesterOrganisationId)
      .where('createdAt', '>', addDays(now, -365))
      .executeTakeFirstOrThrow()
    if (given.n >= ATTESTATIONS_PER_YEAR)
      throw new AppError('conflict', `Your organisation has given ${ATTESTATIONS_PER_YEAR} attestations in the past year, the most allowed.`)

    await trx
      .insertInto('attestations')
      .values({ organisationId, attesterOrganisationId, attestedBy: actorId, legalForm: applicant.legalForm, statement, createdAt: now, expiresAt: addDays(now, ATTESTATION_DAYS) })
      .execute()
    const attester = await trx.selectFrom('organisations').select('name').where('id', '=', attesterOrganisationId).executeTakeFirstOrThrow()
    await recordAudit(trx, { organisationId, actorId, action: 'attestation_received', detail: `From ${attester.name}: ${statement}`, createdAt: now })
    await reevaluatePeerAttestation(trx, organisationId, now)
    await refreshScores(trx, { organisationIds: [organisationId] }, now)
    await creditReclassifiedOrders(trx, organisationId, now)
  })
}

async function requireStewardPerson(db: Db, personId: number) {
  const person = await db.selectFrom('people').select('isSteward').where('id', '=', personId).executeTakeFirst()
  if (person?.isSteward !== 1) throw new AppError('forbidden', 'Only stewards can do this.')
}

export const DecisionReason = z.string().trim().min(5, 'Give a reason the organisation can read (at least a few words).').max(1000)

/**
 * A steward decides on submitted evidence: approved evidence becomes verified.
 * @throws AppError('forbidden' | 'not_found' | 'conflict' | 'invalid_input')
 */
export async function reviewEvidence(
  db: Kysely<DB>,
  stewardId: number,
  claimId: number,
  decision: { approve: boolean; reason: string },
  now = clock.now(),
) {
  const reason = DecisionReason.safeParse(decision.reason)
  if (!reason.success) throw new AppError('invalid_input', reason.error.issues[0]!.message)
  return db.transaction().execute(async (trx) => {
    await requireStewardPerson(trx, stewardId)
    const claim = await trx.selectFrom('evidenceClaims').selectAll().where('id', '=', claimId).executeTakeFirst()
    if (!claim) throw new AppError('not_found', 'There is no such claim.')
    if (claim.reviewStatus !== 'requested') throw new AppError('conflict', 'This evidence has already been reviewed.')
    await refuseOwnOrganisation(trx, stewardId, claim.organisationId, 'review its evidence')
    await trx
      .updateTable('evidenceClaims')
      .set(decision.approve ? { reviewStatus: 'approved', evidenceLevel: 'verified', issuedAt: now, expiresAt: cappedEvidenceExpiry(claim.expiresAt, now) } : { reviewStatus: 'rejected' })
      .where('id', '=', claimId)
      .execute()
    await recordAudit(trx, { organisationId: claim.organisationId, actorId: stewardId, action: decision.approve ? 'evidence_approved' : 'evidence_rejected', claimId, detail: reason.data, createdAt: now })
    await refreshScores(trx, { organisationIds: [claim.organisationId] }, now)
    await creditReclassifiedOrders(trx, claim.organisationId, now)
    // A renewed verification carries the attestations this organisation gave a while longer.
    if (decision.approve && claim.claim === 'legal_form') await reevaluateAttestedBy(trx, claim.organisationId, now)
  })
}

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
    const claim = await trx.selectFrom('evidenceClaims').select(['id', 'organisationId', 'status', 'claim', 'value']).where('id', '=', claimId).executeTakeFirst()
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
    await recordAudit(trx, { organisationId: claim.organisationId, actorId: personId, action: 'claim_challenged', claimId, detail: reason.data, createdAt: now })
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
    await requireStewardPerson(trx, stewardId)
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
      await trx.updateTable('evidenceClaims').set({ status: 'overturned' }).where('id', '=', challenge.claimId).execute()
      // An overturned peer attestation takes the attestations behind it along, and their
      // attesters may not attest this organisation again for a year (see overturnedAttesterBar).
      const claim = await trx.selectFrom('evidenceClaims').select(['claim', 'value', 'evidenceLevel']).where('id', '=', challenge.claimId).executeTakeFirstOrThrow()
      if (claim.claim === 'legal_form' && claim.evidenceLevel === 'peer_attested') {
        const behind = await trx
          .selectFrom('attestations')
          .select('id')
          .where('organisationId', '=', challenge.organisationId)
          .where('legalForm', '=', claim.value as LegalForm)
          .where('expiresAt', '>', now)
          .where('retiredAt', 'is', null)
          .execute()
        await retireAttestations(trx, behind.map((a) => a.id), 'claim_overturned', now)
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

/** What waits for stewards: evidence to review and open challenges, oldest first. */
export async function stewardQueue(db: Db) {
  const [evidence, challenges] = await Promise.all([
    db
      .selectFrom('evidenceClaims as c')
      .innerJoin('organisations as o', 'o.id', 'c.organisationId')
      .select(['c.id', 'c.claim', 'c.value', 'c.source', 'c.sourceUrl', 'c.createdAt', 'c.expiresAt', 'o.name as organisationName', 'o.slug as organisationSlug'])
      .where('c.reviewStatus', '=', 'requested')
      .orderBy('c.createdAt')
      .limit(100)
      .execute(),
    db
      .selectFrom('challenges as ch')
      .innerJoin('evidenceClaims as c', 'c.id', 'ch.claimId')
      .innerJoin('organisations as o', 'o.id', 'ch.organisationId')
      .innerJoin('people as p', 'p.id', 'ch.challengerId')
      .select(['ch.id', 'ch.reason', 'ch.createdAt', 'c.claim', 'c.value', 'c.evidenceLevel', 'c.source', 'o.name as organisationName', 'o.slug as organisationSlug', 'p.displayName as challengerName'])
      .where('ch.status', '=', 'open')
      .orderBy('ch.createdAt')
      .limit(100)
      .execute(),
  ])
  return { evidence, challenges }
}

/**
 * Stewards are appointed by other stewards (or from the command line).
 * @throws AppError('forbidden' | 'not_found')
 */
export async function setSteward(db: Kysely<DB>, actorId: number | null, email: string, steward: boolean) {
  return db.transaction().execute(async (trx) => {
    if (actorId !== null) await requireStewardPerson(trx, actorId)
    const person = await trx.selectFrom('people').select(['id', 'displayName']).where('email', '=', email.trim()).executeTakeFirst()
    if (!person) throw new AppError('not_found', `Nobody has an account with ${email.trim()}.`)
    if (!steward && person.id === actorId) throw new AppError('forbidden', 'Ask another steward to remove your own steward role.')
    await trx.updateTable('people').set({ isSteward: steward ? 1 : 0 }).where('id', '=', person.id).execute()
    return person
  })
}

export async function attestationsFor(db: Db, organisationId: number, now = clock.now()) {
  const rows = await db
    .selectFrom('attestations as a')
    .innerJoin('organisations as o', 'o.id', 'a.attesterOrganisationId')
    .select(['a.id', 'a.legalForm', 'a.statement', 'a.createdAt', 'a.expiresAt', 'a.retiredReason', 'o.name as attesterName', 'o.slug as attesterSlug'])
    .where('a.organisationId', '=', organisationId)
    .orderBy('a.createdAt', 'desc')
    .execute()
  return rows.map((r) => ({ ...r, current: r.expiresAt > now && r.retiredReason === null }))
}

/** The organisations this person may attest on behalf of (admin, verified), other than `excludeId`. */
export async function attesterChoices(db: Db, personId: number, excludeId: number, now = clock.now()) {
  const admins = await db
    .selectFrom('memberships as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisationId')
    .select(['o.id', 'o.name'])
    .where('m.personId', '=', personId)
    .where('m.role', '=', 'admin')
    .where('o.id', '!=', excludeId)
    .execute()
  const out: { id: number; name: string }[] = []
  for (const o of admins) if (await isVerifiedOrganisation(db, o.id, now)) out.push(o)
  return out
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
