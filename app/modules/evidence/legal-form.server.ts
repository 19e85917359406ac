import { sql } from 'kysely'
import type { Db, EvidenceLevel } from '../../../db/schema'
import { clock } from '../../lib/clock'
import { effectiveEvidenceLevel, levelRank } from './evidence'

// What an organisation's stated legal form rests on now. Read by the reciprocity class, the
// crediting of reclassified orders, workspaces and verification alike, so it sits below them all.

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
export async function verifiedUntil(db: Db, organisationId: number, now: string): Promise<string | null> {
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
