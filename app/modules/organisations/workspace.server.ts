import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema'
import { effectiveEvidenceLevel } from '../evidence/evidence'
import { reciprocityClass } from '../reciprocity/reciprocity.server'
import { auditTrail } from '../audit/audit.server'
import { attestationsFor } from '../evidence/attestations.server'
import { legalFormEvidence } from '../evidence/legal-form.server'
import { organisationBySlug, organisationMembers, pendingInvitations, requireMembership } from './membership.server'
import { clock } from '../../lib/clock'

/**
 * Everything an organisation's members see in its workspace.
 * @throws AppError('not_found' | 'forbidden')
 */
export async function organisationWorkspace(db: Kysely<DB>, personId: number, slug: string, now = clock.now()) {
  const org = await organisationBySlug(db, slug)
  const role = await requireMembership(db, personId, org.id)
  const [members, invitations, claims, attestations, audit, legalForm, buyingAs] = await Promise.all([
    organisationMembers(db, org.id),
    role === 'admin' ? pendingInvitations(db, org.id, now) : Promise.resolve([]),
    db
      .selectFrom('evidenceClaims')
      .select(['id', 'claim', 'value', 'evidenceLevel', 'source', 'sourceUrl', 'issuedAt', 'expiresAt', 'status', 'reviewStatus', 'offerId'])
      .where('organisationId', '=', org.id)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .execute(),
    attestationsFor(db, org.id, now),
    auditTrail(db, org.id),
    legalFormEvidence(db, org.id, now),
    reciprocityClass(db, { personId, use: { kind: 'organisation', organisationId: org.id } }, now),
  ])
  return {
    organisation: org,
    role,
    members,
    invitations,
    claims: claims.map((c) => ({ ...c, effectiveLevel: effectiveEvidenceLevel(c, now) })),
    attestations,
    audit,
    legalFormEvidence: legalForm,
    buyingAs,
  }
}
