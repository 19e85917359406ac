import type { Db } from '../../../db/schema'

// The organisation's audit trail: everything done to or by it. Written by organisations,
// verification and peer attestation alike, so it sits below them.

/** Audit actions, in the words the organisation reads them. */
export const auditActionLabel: Record<string, string> = {
  organisation_created: 'Organisation registered',
  facts_changed: 'Governance facts changed',
  member_invited: 'Member invited',
  member_joined: 'Member joined',
  evidence_submitted: 'Evidence submitted for review',
  evidence_approved: 'Evidence verified by a steward',
  evidence_rejected: 'Evidence rejected by a steward',
  attestation_received: 'Peer attestation received',
  legal_form_peer_attested: 'Legal form peer-attested',
  attestation_retired: 'Peer attestation no longer counts',
  legal_form_attestation_withdrawn: 'Peer-attested legal form withdrawn',
  claim_challenged: 'Claim challenged',
  challenge_upheld: 'Challenge upheld: claim overturned',
  challenge_dismissed: 'Challenge dismissed',
}

export async function recordAudit(
  db: Db,
  event: { organisationId: number; actorId: number | null; action: keyof typeof auditActionLabel; claimId?: number | null; detail: string; createdAt: string },
) {
  await db
    .insertInto('auditEvents')
    .values({ ...event, claimId: event.claimId ?? null })
    .execute()
}

/** The organisation's audit trail, newest first. */
export async function auditTrail(db: Db, organisationId: number, limit = 100) {
  const rows = await db
    .selectFrom('auditEvents as a')
    .leftJoin('people as p', 'p.id', 'a.actorId')
    .select(['a.id', 'a.action', 'a.detail', 'a.claimId', 'a.createdAt', 'p.displayName as actorName'])
    .where('a.organisationId', '=', organisationId)
    .orderBy('a.createdAt', 'desc')
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ ...r, label: auditActionLabel[r.action] ?? r.action }))
}
