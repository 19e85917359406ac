import type { EvidenceLevel } from '../../../db/schema'

/** How much a claim counts, by the strength of its evidence (DESIGN.md, "Organisations"). */
export const evidenceFactor: Record<EvidenceLevel, number> = {
  self_declared: 0.25,
  documented: 0.5,
  peer_attested: 0.75,
  verified: 1,
}

/** Evidence past its expiry no longer proves anything: it counts as self-declared. */
export function effectiveEvidenceLevel(
  claim: { evidenceLevel: EvidenceLevel; expiresAt: string | null },
  now: string,
): EvidenceLevel {
  if (claim.expiresAt !== null && claim.expiresAt <= now) return 'self_declared'
  return claim.evidenceLevel
}
