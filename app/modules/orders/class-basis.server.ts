import type { ClassBasis, EvidenceLevel, Db } from '../../../db/schema'
import { runPrebuilt } from '../../lib/prebuilt-sql.server'
import { effectiveEvidenceLevel } from '../evidence/evidence'
import { commonsLegalForms, type ReciprocityDecision } from '../reciprocity/reciprocity.server'

// Under which standing an organisation bought (issue 12). The order keeps it, so that what is
// owed later follows what was true when the order was placed, not what is true now: a credit
// only for orders placed while a commons legal form was declared and awaiting verification,
// a back-charge only for orders whose commoner price rested on a claim later overturned.

export interface ClassStanding {
  basis: ClassBasis
  /** the legal-form claim that carried a commoner price */
  claimId: number | null
}

// Only organisations with a commons legal form get here, never a firm: the checkout's hot path
// (a for-profit buyer) costs nothing more. Prebuilt SQL (app/lib/prebuilt-sql.server.ts).
const legalFormClaimsSql = `select id, evidence_level, expires_at, issued_at, status from evidence_claims
  where organisation_id = ? and offer_id is null and claim = 'legal_form' and value = ? and status in ('active', 'overturned')`

const strong = (level: EvidenceLevel) => level === 'peer_attested' || level === 'verified'

/** The standing behind a reciprocity decision, read in the same transaction as the order. */
export async function classStanding(db: Db, decision: ReciprocityDecision, now: string): Promise<ClassStanding> {
  if (!decision.organisation || !decision.legalForm) return { basis: 'personal', claimId: null }
  if (!commonsLegalForms.has(decision.legalForm)) return { basis: 'for_profit_form', claimId: null }
  const { rows } = await runPrebuilt<{ id: number; evidenceLevel: EvidenceLevel; expiresAt: string | null; issuedAt: string; status: 'active' | 'overturned' }>(
    db,
    legalFormClaimsSql,
    [decision.organisation.id, decision.legalForm],
  )
  if (decision.reciprocityClass === 'commoner') {
    // The strongest current claim carries the price (verified before peer-attested, then the longest-lived).
    const carrying = rows
      .filter((c) => c.status === 'active' && strong(effectiveEvidenceLevel(c, now)))
      .sort((a, b) => (a.evidenceLevel === b.evidenceLevel ? (b.expiresAt ?? '').localeCompare(a.expiresAt ?? '') : a.evidenceLevel === 'verified' ? -1 : 1))[0]
    return { basis: 'evidenced', claimId: carrying?.id ?? null }
  }
  // A form whose claim was overturned, and not lifted again since, is not "awaiting": its fees
  // are never credited back, even after a later re-attestation.
  const lastOverturned = rows
    .filter((c) => c.status === 'overturned')
    .reduce<string | null>((last, c) => (last === null || c.issuedAt > last ? c.issuedAt : last), null)
  if (lastOverturned !== null && !rows.some((c) => c.status === 'active' && strong(c.evidenceLevel) && c.issuedAt > lastOverturned)) {
    return { basis: 'overturned_claim', claimId: null }
  }
  return { basis: 'awaiting_verification', claimId: null }
}
