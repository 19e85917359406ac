import type { EvidenceLevel } from '../../../db/schema'
import { addDays } from '../../lib/time'

/** How much a claim counts, by the strength of its evidence (docs/design.md, "Organisations and evidence"). */
export const evidenceFactor: Record<EvidenceLevel, number> = {
  self_declared: 0.25,
  documented: 0.5,
  peer_attested: 0.75,
  verified: 1,
}

/** Evidence levels from weakest to strongest. */
export const levelRank: Record<EvidenceLevel, number> = { self_declared: 0, documented: 1, peer_attested: 2, verified: 3 }

/** Evidence past its expiry no longer proves anything: it counts as self-declared. */
export function effectiveEvidenceLevel(
  claim: { evidenceLevel: EvidenceLevel; expiresAt: string | null },
  now: string,
): EvidenceLevel {
  if (claim.expiresAt !== null && claim.expiresAt <= now) return 'self_declared'
  return claim.evidenceLevel
}

/** How long evidence counts before it must be renewed (docs/design.md, "Organisations and evidence": two years at most). */
export const EVIDENCE_YEARS = 2

/**
 * When evidence stops counting: the date its source states, but never later than two years
 * from `from` (submission or a steward's approval), whatever date was typed into the form.
 */
export function cappedEvidenceExpiry(stated: string | null, from: string): string {
  const latest = addDays(from, EVIDENCE_YEARS * 365)
  return stated !== null && stated > from && stated < latest ? stated : latest
}
