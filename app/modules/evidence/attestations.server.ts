import { sql, type SqlBool } from 'kysely'
import type { Db } from '../../../db/schema'
import { addDays } from '../../lib/time'
import { clock } from '../../lib/clock'
import { verifiedUntil } from './legal-form.server'

// Reads of peer attestations: which count now, and what bars an attester. The standing fact
// they make (peer-attestation/standing.server.ts) and the act of attesting (verification) build
// on these; workspaces and organisation pages show them.

/** A peer attestation lasts a year; an attester may give this many in any 365 days. */
export const ATTESTATION_DAYS = 365
export const ATTESTATIONS_PER_YEAR = 10
export const ATTESTATIONS_NEEDED = 2
/** After a challenge against a legal form is upheld, its attesters may not attest that organisation again for this long. */
export const OVERTURNED_ATTESTER_BAR_DAYS = 365

/** The attestations two organisations exchanged while they share a member do not count (docs/design.md, "Peer attestation"). */
export const sharesMember = sql<SqlBool>`exists (select 1 from memberships as ma
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
    if (attesterUntil !== null)
      counting.push({ id: a.id, attesterOrganisationId: a.attesterOrganisationId, until: attesterUntil < a.expiresAt ? attesterUntil : a.expiresAt })
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

/** An organisation's attestations, newest first, and whether each counts now. */
export async function attestationsFor(db: Db, organisationId: number, now = clock.now()) {
  const rows = await db
    .selectFrom('attestations as a')
    .innerJoin('organisations as o', 'o.id', 'a.attesterOrganisationId')
    .select(['a.id', 'a.legalForm', 'a.statement', 'a.createdAt', 'a.expiresAt', 'a.retiredReason', 'o.name as attesterName', 'o.slug as attesterSlug'])
    .where('a.organisationId', '=', organisationId)
    .orderBy('a.createdAt', 'desc')
    .execute()
  return rows.map((r) => ({ ...r, current: r.expiresAt > now && r.retiredReason === null }))
}
