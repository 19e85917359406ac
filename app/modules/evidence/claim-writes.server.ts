import type { Transaction } from 'kysely'
import type { ClaimKind, DB, EvidenceClaim, LegalForm } from '../../../db/schema'

// Every write of evidence_claims, which this module owns. The modules above decide when a claim
// is made, reviewed, overturned or ends, and call these in their own transaction; none of these
// checks permissions or writes the audit trail, which stay with the caller.

/** The organisation's own statement of its legal form: self-declared, with no end. @returns the claim's id */
export async function declareLegalForm(trx: Transaction<DB>, organisationId: number, legalForm: LegalForm, source: string, now: string): Promise<number> {
  const claim = await trx
    .insertInto('evidenceClaims')
    .values({ organisationId, claim: 'legal_form', value: legalForm, evidenceLevel: 'self_declared', source, issuedAt: now, expiresAt: null })
    .returning('id')
    .executeTakeFirstOrThrow()
  return claim.id
}

/** Documented evidence an organisation submits, waiting for a steward's review. */
export async function insertSubmittedClaim(
  trx: Transaction<DB>,
  claim: { organisationId: number; claim: ClaimKind; value: string; source: string; sourceUrl: string | null; expiresAt: string | null },
  now: string,
): Promise<EvidenceClaim> {
  return trx
    .insertInto('evidenceClaims')
    .values({ ...claim, evidenceLevel: 'documented', issuedAt: now, reviewStatus: 'requested', createdAt: now })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** A steward's review: approved evidence becomes verified from now until expiresAt; rejected evidence stays as it was, marked rejected. */
export async function setClaimReview(trx: Transaction<DB>, claimId: number, review: { approved: true; expiresAt: string } | { approved: false }, now: string) {
  await trx
    .updateTable('evidenceClaims')
    .set(review.approved ? { reviewStatus: 'approved', evidenceLevel: 'verified', issuedAt: now, expiresAt: review.expiresAt } : { reviewStatus: 'rejected' })
    .where('id', '=', claimId)
    .execute()
}

/** An upheld challenge overturns the claim it was against. */
export async function overturnClaim(trx: Transaction<DB>, claimId: number) {
  await trx.updateTable('evidenceClaims').set({ status: 'overturned' }).where('id', '=', claimId).execute()
}

/** Moves a claim's end (to now, to withdraw it). */
export async function setClaimExpiry(trx: Transaction<DB>, claimId: number, expiresAt: string) {
  await trx.updateTable('evidenceClaims').set({ expiresAt }).where('id', '=', claimId).execute()
}

/** The legal form as peer-attested, lasting as long as the attestations that carry it. @returns the claim's id */
export async function insertPeerAttestedLegalForm(
  trx: Transaction<DB>,
  claim: { organisationId: number; legalForm: LegalForm; source: string; expiresAt: string },
  now: string,
): Promise<number> {
  const row = await trx
    .insertInto('evidenceClaims')
    .values({
      organisationId: claim.organisationId,
      claim: 'legal_form',
      value: claim.legalForm,
      evidenceLevel: 'peer_attested',
      source: claim.source,
      issuedAt: now,
      expiresAt: claim.expiresAt,
      createdAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}
