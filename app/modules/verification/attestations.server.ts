import { sql, type Kysely, type SqlBool, type Transaction } from 'kysely'
import type { AttestationRetirement, DB, EvidenceLevel, Db } from '../../../db/schema'
import { addDays } from '../../lib/time'
import { clock } from '../../lib/clock'
import { effectiveEvidenceLevel } from '../evidence/evidence'
import { refreshScores } from '../scoring/scores.server'
import { recordAudit } from './audit.server'

// Peer attestation as a standing fact, not a one-off event: which attestations count now, and
// keeping an organisation's peer-attested legal form in line with them. Kept apart from
// verification.server.ts so that memberships (which that module imports) can call it.


/** A peer attestation lasts a year; an attester may give this many in any 365 days. */
export const ATTESTATION_DAYS = 365
export const ATTESTATIONS_PER_YEAR = 10
export const ATTESTATIONS_NEEDED = 2
/** After a challenge against a legal form is upheld, its attesters may not attest that organisation again for this long. */
export const OVERTURNED_ATTESTER_BAR_DAYS = 365

export const levelRank: Record<EvidenceLevel, number> = { self_declared: 0, documented: 1, peer_attested: 2, verified: 3 }

/** Stands for "no end" when comparing expiries: evidence without an expiry date. */
const NO_END = '9999-12-31T23:59:59.999Z'

/** The strongest current evidence for an organisation's stated legal form, or null if none. */
export async function legalFormEvidence(db: Db, organisationId: number, now = clock.now()): Promise<EvidenceLevel | null> {
  const org = await db.selectFrom('organisations').select('legalForm').where('id', '=', organisationId).executeTakeFirst()
  if (!org) return null
  const claims = await db
    .selectFrom('evidenceClaims')
    .select(['evidenceLevel', 'expiresAt'])
    .where('organisationId', '=', organisationId)
    .where('offerId', 'is', null)
    .where('claim', '=', 'legal_form')
    .where('value', '=', org.legalForm)
    .where('status', '=', 'active')
    .execute()
  let best: EvidenceLevel | null = null
  for (const c of claims) {
    const level = effectiveEvidenceLevel(c, now)
    if (best === null || levelRank[level] > levelRank[best]) best = level
  }
  return best
}

/** An organisation counts as verified when its current legal form is verified and unexpired. */
export async function isVerifiedOrganisation(db: Db, organisationId: number, now = clock.now()): Promise<boolean> {
  return (await verifiedUntil(db, organisationId, now)) !== null
}

/** Until when the organisation's current legal form stays verified on today's evidence; null when it is not verified now. */
async function verifiedUntil(db: Db, organisationId: number, now: string): Promise<string | null> {
  const row = await db
    .selectFrom('evidenceClaims as c')
    .innerJoin('organisations as o', (j) => j.onRef('o.id', '=', 'c.organisationId').onRef('o.legalForm', '=', 'c.value'))
    .select(sql<string | null>`max(coalesce(c.expires_at, ${NO_END}))`.as('until'))
    .where('c.organisationId', '=', organisationId)
    .where('c.offerId', 'is', null)
    .where('c.claim', '=', 'legal_form')
    .where('c.evidenceLevel', '=', 'verified')
    .where('c.status', '=', 'active')
    .where((eb) => eb.or([eb('c.expiresAt', 'is', null), eb('c.expiresAt', '>', now)]))
    .executeTakeFirst()
  return row?.until ?? null
}

/** The attestations two organisations exchanged while they share a member do not count (docs/design.md, "Peer attestation"). */
const sharesMember = sql<SqlBool>`exists (select 1 from memberships as ma
  inner join memberships as mb on mb.person_id = ma.person_id
  where ma.organisation_id = a.attester_organisation_id and mb.organisation_id = a.organisation_id)`

/**
 * The attestations that count toward the organisation's legal form now: for the form as it
 * stands, unexpired, not retired, from an attester verified now that shares no member with it.
 * Each counts until it expires or its attester's verification ends, whichever comes first.
 */
export async function countingAttestations(db: Db, organisationId: number, now: string) {
  const rows = await db
    .selectFrom('attestations as a')
    .innerJoin('organisations as o', (j) => j.onRef('o.id', '=', 'a.organisationId').onRef('o.legalForm', '=', 'a.legalForm'))
    .select(['a.id', 'a.attesterOrganisationId', 'a.expiresAt'])
    .where('a.organisationId', '=', organisationId)
    .where('a.expiresAt', '>', now)
    .where('a.retiredAt', 'is', null)
    .where(sql<SqlBool>`not ${sharesMember}`)
    .execute()
  const counting: { id: number; attesterOrganisationId: number; until: string }[] = []
  for (const a of rows) {
    const attesterUntil = await verifiedUntil(db, a.attesterOrganisationId, now)
    if (attesterUntil !== null) counting.push({ id: a.id, attesterOrganisationId: a.attesterOrganisationId, until: attesterUntil < a.expiresAt ? attesterUntil : a.expiresAt })
  }
  return counting
}

/**
 * After a steward upholds a challenge against a legal form, only a steward's review lifts it
 * again: true while no verified claim for that form was issued since the latest such decision.
 */
export async function legalFormAwaitsStewardReview(db: Db, organisationId: number, now: string): Promise<boolean> {
  const org = await db.selectFrom('organisations').select('legalForm').where('id', '=', organisationId).executeTakeFirstOrThrow()
  const upheld = await db
    .selectFrom('challenges as ch')
    .innerJoin('evidenceClaims as c', 'c.id', 'ch.claimId')
    .select((eb) => eb.fn.max('ch.decidedAt').as('decidedAt'))
    .where('ch.organisationId', '=', organisationId)
    .where('ch.status', '=', 'upheld')
    .where('c.claim', '=', 'legal_form')
    .where('c.value', '=', org.legalForm)
    .where('ch.decidedAt', '<=', now)
    .executeTakeFirst()
  if (!upheld?.decidedAt) return false
  const reviewed = await db
    .selectFrom('evidenceClaims')
    .select('id')
    .where('organisationId', '=', organisationId)
    .where('offerId', 'is', null)
    .where('claim', '=', 'legal_form')
    .where('value', '=', org.legalForm)
    .where('evidenceLevel', '=', 'verified')
    .where('status', '=', 'active')
    .where('issuedAt', '>=', upheld.decidedAt)
    .executeTakeFirst()
  return !reviewed
}

/**
 * Why this attester may not attest this organisation now, or null: it attested a legal form of
 * the organisation that a steward overturned less than a year ago.
 */
export async function overturnedAttesterBar(db: Db, organisationId: number, attesterOrganisationId: number, now: string): Promise<string | null> {
  const row = await db
    .selectFrom('attestations')
    .select((eb) => eb.fn.max('retiredAt').as('retiredAt'))
    .where('organisationId', '=', organisationId)
    .where('attesterOrganisationId', '=', attesterOrganisationId)
    .where('retiredReason', '=', 'claim_overturned')
    .where('retiredAt', '>', addDays(now, -OVERTURNED_ATTESTER_BAR_DAYS))
    .executeTakeFirst()
  return row?.retiredAt ? addDays(row.retiredAt, OVERTURNED_ATTESTER_BAR_DAYS) : null
}

/** The peer-attested legal-form claims this module lifted (each has its audit event), still current. */
async function liftedClaims(db: Db, organisationId: number, now: string) {
  return db
    .selectFrom('evidenceClaims as c')
    .innerJoin('auditEvents as e', (j) => j.onRef('e.claimId', '=', 'c.id').on('e.action', '=', 'legal_form_peer_attested'))
    .select(['c.id', 'c.value', 'c.expiresAt'])
    .where('c.organisationId', '=', organisationId)
    .where('c.claim', '=', 'legal_form')
    .where('c.evidenceLevel', '=', 'peer_attested')
    .where('c.status', '=', 'active')
    .where((eb) => eb.or([eb('c.expiresAt', 'is', null), eb('c.expiresAt', '>', now)]))
    .execute()
}

/**
 * Brings the organisation's peer-attested legal form in line with the attestations that count
 * now: lifts it when enough count (unless an upheld challenge waits for a steward's review),
 * makes it last exactly as long as they carry it, and withdraws it (expired now, with an audit
 * event) when too few remain. Rescores the organisation when anything changed.
 * @returns what happened, for the caller's own follow-ups (e.g. credits on 'lifted')
 */
export async function reevaluatePeerAttestation(trx: Transaction<DB>, organisationId: number, now: string): Promise<'lifted' | 'withdrawn' | 'unchanged'> {
  const org = await trx.selectFrom('organisations').select('legalForm').where('id', '=', organisationId).executeTakeFirstOrThrow()
  const counting = await countingAttestations(trx, organisationId, now)
  const blocked = await legalFormAwaitsStewardReview(trx, organisationId, now)
  // It lasts as long as the attestations that carry it: the second-longest counting one.
  const until = !blocked && counting.length >= ATTESTATIONS_NEEDED ? counting.map((a) => a.until).sort().reverse()[ATTESTATIONS_NEEDED - 1]! : null
  const lifted = (await liftedClaims(trx, organisationId, now)).filter((c) => c.value === org.legalForm)
  let outcome: 'lifted' | 'withdrawn' | 'unchanged' = 'unchanged'
  if (until === null) {
    if (lifted.length === 0) return 'unchanged'
    for (const c of lifted) await trx.updateTable('evidenceClaims').set({ expiresAt: now }).where('id', '=', c.id).execute()
    await recordAudit(trx, {
      organisationId,
      actorId: null,
      action: 'legal_form_attestation_withdrawn',
      claimId: lifted[0]!.id,
      detail: blocked
        ? `${org.legalForm}: a steward upheld a challenge against it, so only a steward's review lifts it again`
        : `${org.legalForm}: ${counting.length} of the ${ATTESTATIONS_NEEDED} independent attestations from verified organisations it needs remain`,
      createdAt: now,
    })
    outcome = 'withdrawn'
  } else if (lifted.length > 0) {
    for (const c of lifted) if (c.expiresAt !== until) await trx.updateTable('evidenceClaims').set({ expiresAt: until }).where('id', '=', c.id).execute()
    if (lifted.every((c) => c.expiresAt === until)) return 'unchanged'
  } else {
    const level = await legalFormEvidence(trx, organisationId, now)
    if (level !== null && levelRank[level] >= levelRank.peer_attested) return 'unchanged'
    const claim = await trx
      .insertInto('evidenceClaims')
      .values({ organisationId, claim: 'legal_form', value: org.legalForm, evidenceLevel: 'peer_attested', source: `${counting.length} peer attestations from verified organisations`, issuedAt: now, expiresAt: until, createdAt: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, { organisationId, actorId: null, action: 'legal_form_peer_attested', claimId: claim.id, detail: `${org.legalForm}, until ${until.slice(0, 10)}`, createdAt: now })
    outcome = 'lifted'
  }
  await refreshScores(trx, { organisationIds: [organisationId] }, now)
  return outcome
}

/** Re-evaluates every organisation this one attests, e.g. when its own verification ends or is renewed. */
export async function reevaluateAttestedBy(trx: Transaction<DB>, attesterOrganisationId: number, now: string) {
  const attested = await trx
    .selectFrom('attestations')
    .select('organisationId')
    .distinct()
    .where('attesterOrganisationId', '=', attesterOrganisationId)
    .where('expiresAt', '>', now)
    .where('retiredAt', 'is', null)
    .execute()
  for (const a of attested) await reevaluatePeerAttestation(trx, a.organisationId, now)
}

/** Marks attestations as no longer counting, for good, with the reason. */
export async function retireAttestations(trx: Transaction<DB>, ids: number[], reason: AttestationRetirement, now: string) {
  if (ids.length === 0) return
  await trx.updateTable('attestations').set({ retiredAt: now, retiredReason: reason }).where('id', 'in', ids).execute()
}

/**
 * Called whenever someone becomes a member of an organisation: any current attestation between
 * it and an organisation it now shares a member with is no longer independent. It is retired
 * (recorded in the attested organisation's audit trail) and that organisation re-evaluated at once.
 */
export async function retireAttestationsSharingMember(trx: Transaction<DB>, organisationId: number, now: string) {
  const dependent = await trx
    .selectFrom('attestations as a')
    .innerJoin('organisations as attester', 'attester.id', 'a.attesterOrganisationId')
    .select(['a.id', 'a.organisationId', 'attester.name as attesterName'])
    .where((eb) => eb.or([eb('a.organisationId', '=', organisationId), eb('a.attesterOrganisationId', '=', organisationId)]))
    .where('a.expiresAt', '>', now)
    .where('a.retiredAt', 'is', null)
    .where(sharesMember)
    .execute()
  if (dependent.length === 0) return
  await retireAttestations(trx, dependent.map((a) => a.id), 'shared_member', now)
  for (const a of dependent)
    await recordAudit(trx, {
      organisationId: a.organisationId,
      actorId: null,
      action: 'attestation_retired',
      detail: `${a.attesterName} now shares a member with this organisation, so its attestation no longer counts`,
      createdAt: now,
    })
  for (const id of new Set(dependent.map((a) => a.organisationId))) await reevaluatePeerAttestation(trx, id, now)
}
