import type { Transaction } from 'kysely'
import type { AttestationRetirement, DB, Db, LegalForm } from '../../../db/schema'
import { addDays } from '../../lib/time'
import { levelRank } from '../evidence/evidence'
import { legalFormEvidence } from '../evidence/legal-form.server'
import { ATTESTATION_DAYS, ATTESTATIONS_NEEDED, countingAttestations, legalFormAwaitsStewardReview, sharesMember } from '../evidence/attestations.server'
import { refreshScores } from '../scoring/scores.server'
import { recordAudit } from '../audit/audit.server'
import { insertPeerAttestedLegalForm, setClaimExpiry } from '../evidence/claim-writes.server'

// Peer attestation as a standing fact, not a one-off event (docs/decisions/0003): keeping an
// organisation's peer-attested legal form in line with the attestations that count now. Below
// organisations and verification, so that a membership change, a change of legal form and a
// steward's decision can all re-evaluate it in their own transaction. The attestations table is
// written here only: verification decides who may attest, this module records it.

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
  const until =
    !blocked && counting.length >= ATTESTATIONS_NEEDED
      ? counting
          .map((a) => a.until)
          .sort()
          .reverse()[ATTESTATIONS_NEEDED - 1]!
      : null
  const lifted = (await liftedClaims(trx, organisationId, now)).filter((c) => c.value === org.legalForm)
  let outcome: 'lifted' | 'withdrawn' | 'unchanged' = 'unchanged'
  if (until === null) {
    if (lifted.length === 0) return 'unchanged'
    for (const c of lifted) await setClaimExpiry(trx, c.id, now)
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
    for (const c of lifted) if (c.expiresAt !== until) await setClaimExpiry(trx, c.id, until)
    if (lifted.every((c) => c.expiresAt === until)) return 'unchanged'
  } else {
    const level = await legalFormEvidence(trx, organisationId, now)
    if (level !== null && levelRank[level] >= levelRank.peer_attested) return 'unchanged'
    const claimId = await insertPeerAttestedLegalForm(
      trx,
      { organisationId, legalForm: org.legalForm, source: `${counting.length} peer attestations from verified organisations`, expiresAt: until },
      now,
    )
    await recordAudit(trx, {
      organisationId,
      actorId: null,
      action: 'legal_form_peer_attested',
      claimId,
      detail: `${org.legalForm}, until ${until.slice(0, 10)}`,
      createdAt: now,
    })
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

/** Records an attestation of the organisation's legal form as it stands; it lasts ATTESTATION_DAYS unless retired. */
export async function addAttestation(
  trx: Transaction<DB>,
  attestation: { organisationId: number; attesterOrganisationId: number; attestedBy: number; legalForm: LegalForm; statement: string },
  now: string,
) {
  await trx
    .insertInto('attestations')
    .values({ ...attestation, createdAt: now, expiresAt: addDays(now, ATTESTATION_DAYS) })
    .execute()
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
  await retireAttestations(
    trx,
    dependent.map((a) => a.id),
    'shared_member',
    now,
  )
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
