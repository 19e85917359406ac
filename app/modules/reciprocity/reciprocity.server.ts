import type { Db, EvidenceLevel, LegalForm } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { evidenceLevelLabel, legalFormLabel } from '../../lib/labels'
import { runPrebuilt } from '../../lib/prebuilt-sql.server'
import { legalFormEvidence } from '../evidence/legal-form.server'
import { clock } from '../../lib/clock'

export type ReciprocityClass = 'commoner' | 'for_profit'

/** The use a buyer declares for a purchase: it is part of the licence grant on the receipt. */
export type DeclaredUse = { kind: 'personal' } | { kind: 'organisation'; organisationId: number }

/**
 * Why a decision was taken, as a code with its values, for a page to write in the reader's
 * language (`reciprocity.because.<code>` in the `catalog` messages).
 */
export type ReciprocityReason =
  | { code: 'personal' }
  | { code: 'notCommonsForm' | 'attested'; organisation: string; legalForm: LegalForm; level: EvidenceLevel | null }
  | { code: 'notAttested'; organisation: string; legalForm: LegalForm; level: EvidenceLevel | null }

export interface ReciprocityDecision {
  reciprocityClass: ReciprocityClass
  /** "…because" in English, as orders record it; pages write `reason` in the reader's language */
  because: string
  reason: ReciprocityReason
  use: DeclaredUse
  organisation: { id: number; name: string; slug: string } | null
  /** the organisation's legal form when it was decided (orders record the standing it gives) */
  legalForm?: LegalForm
}

/** Legal forms that may buy as commoners once the form is peer-attested or verified (docs/design.md, "Who is buying: the reciprocity class"). */
export const commonsLegalForms: ReadonlySet<LegalForm> = new Set([
  'worker_coop',
  'producer_coop',
  'consumer_coop',
  'multi_stakeholder_coop',
  'platform_coop',
  'commons_project',
  'nonprofit',
])

const membershipSql = `select o.id, o.name, o.slug, o.legal_form from memberships as m
  inner join organisations as o on o.id = m.organisation_id
  where m.person_id = ? and m.organisation_id = ?`

/**
 * The one place the reciprocity class is decided: from stored facts and the declared use,
 * never from anything a form or URL says about the class itself.
 * @throws AppError('forbidden') when buying on behalf of an organisation one is not a member of
 */
export async function reciprocityClass(db: Db, buyer: { personId: number; use: DeclaredUse }, now = clock.now()): Promise<ReciprocityDecision> {
  if (buyer.use.kind === 'personal') {
    return {
      reciprocityClass: 'commoner',
      because: 'you buy as a person, for non-commercial use',
      reason: { code: 'personal' },
      use: buyer.use,
      organisation: null,
    }
  }
  const organisationId = buyer.use.organisationId
  // Every checkout by an organisation asks this: prebuilt SQL (app/lib/prebuilt-sql.server.ts).
  const [row] = (await runPrebuilt<{ id: number; name: string; slug: string; legalForm: LegalForm }>(db, membershipSql, [buyer.personId, organisationId])).rows
  if (!row) throw new AppError('forbidden', 'You can only buy on behalf of an organisation you are a member of.')
  const organisation = { id: row.id, name: row.name, slug: row.slug }
  const legalForm = row.legalForm
  const form = legalFormLabel[row.legalForm].toLowerCase()
  if (!commonsLegalForms.has(row.legalForm)) {
    return {
      reciprocityClass: 'for_profit',
      because: `${row.name} is a ${form}, buying for commercial use`,
      reason: { code: 'notCommonsForm', organisation: row.name, legalForm, level: null },
      use: buyer.use,
      organisation,
      legalForm,
    }
  }
  const level = await legalFormEvidence(db, organisationId, now)
  if (level === 'peer_attested' || level === 'verified') {
    return {
      reciprocityClass: 'commoner',
      because: `${row.name} is a ${form}, ${evidenceLevelLabel[level]}`,
      reason: { code: 'attested', organisation: row.name, legalForm, level },
      use: buyer.use,
      organisation,
      legalForm,
    }
  }
  return {
    reciprocityClass: 'for_profit',
    because: `${row.name}'s legal form (${form}) is ${level ? evidenceLevelLabel[level] : 'not evidenced'}; it buys as a commoner once two verified organisations attest it or a steward verifies it`,
    reason: { code: 'notAttested', organisation: row.name, legalForm, level },
    use: buyer.use,
    organisation,
    legalForm,
  }
}

/** Every use this person may declare, with the class each gives. */
export async function buyingOptions(db: Db, personId: number, now = clock.now()): Promise<ReciprocityDecision[]> {
  const memberships = await db.selectFrom('memberships').select('organisationId').where('personId', '=', personId).orderBy('organisationId').execute()
  return Promise.all([
    reciprocityClass(db, { personId, use: { kind: 'personal' } }, now),
    ...memberships.map((m) => reciprocityClass(db, { personId, use: { kind: 'organisation', organisationId: m.organisationId } }, now)),
  ])
}
