import type { ClaimKind, EvidenceLevel } from '../../../db/schema'
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
export function effectiveEvidenceLevel(claim: { evidenceLevel: EvidenceLevel; expiresAt: string | null }, now: string): EvidenceLevel {
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

/** A claim as offer and organisation pages show it. */
export interface EvidenceLine {
  id: number
  claim: ClaimKind
  value: string
  evidenceLevel: EvidenceLevel
  /** True when the stored level has lapsed to self-declared because the evidence expired. */
  expired: boolean
  /** True when a steward upheld a challenge against it: it counts for nothing. */
  overturned: boolean
  source: string
  sourceUrl: string | null
  issuedAt: string
  expiresAt: string | null
}

export function toEvidenceLine(
  row: {
    id: number
    claim: ClaimKind
    value: string
    evidenceLevel: EvidenceLevel
    source: string
    sourceUrl: string | null
    issuedAt: string
    expiresAt: string | null
    status?: 'active' | 'overturned'
  },
  now: string,
): EvidenceLine {
  const level = effectiveEvidenceLevel(row, now)
  return {
    id: row.id,
    claim: row.claim,
    value: row.value,
    evidenceLevel: level,
    expired: level !== row.evidenceLevel,
    overturned: row.status === 'overturned',
    source: row.source,
    sourceUrl: row.sourceUrl,
    issuedAt: row.issuedAt,
    expiresAt: row.expiresAt,
  }
}
