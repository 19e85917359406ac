import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../../../db/schema'
import { legalForms, surplusPolicies } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { refreshScores } from '../scoring/scores.server'
import { recordAudit } from '../audit/audit.server'
import { declareLegalForm } from '../evidence/claim-writes.server'
import { reevaluateAttestedBy } from '../peer-attestation/standing.server'
import { requireMembership } from './membership.server'
import { clock } from '../../lib/clock'

/** The governance facts an organisation states about itself; each may be left unstated (null). */
export const OrganisationFactsPatch = z
  .object({
    legalForm: z.enum(legalForms, { error: 'Choose a legal form.' }),
    oneMemberOneVote: z.union([z.literal(0), z.literal(1)]).nullable(),
    memberCount: z.number({ error: 'Members must be a whole number.' }).int('Members must be a whole number.').min(0).max(100_000_000).nullable(),
    surplusPolicy: z.enum(surplusPolicies, { error: 'Choose a surplus policy.' }).nullable(),
    payRatio: z
      .number({ error: 'The pay ratio must be a number such as 2.5.' })
      .min(1, 'The pay ratio is at least 1 (everyone paid the same).')
      .max(10_000)
      .nullable(),
    openBooks: z.union([z.literal(0), z.literal(1)]).nullable(),
  })
  .partial()
  .strict()
export type OrganisationFactsPatch = z.infer<typeof OrganisationFactsPatch>

/**
 * Changes an organisation's governance facts and rescores its offers in the same transaction.
 * With `actorId`, only an admin may, and the change goes into the audit trail. A new legal
 * form starts self-declared: evidence for the old one does not carry over.
 * @throws AppError('not_found' | 'invalid_input' | 'forbidden')
 */
export async function updateOrganisationFacts(db: Kysely<DB>, organisationId: number, patch: OrganisationFactsPatch, now = clock.now(), actorId?: number) {
  const parsed = OrganisationFactsPatch.safeParse(patch)
  if (!parsed.success) throw new AppError('invalid_input', `These facts are not valid: ${parsed.error.issues[0]!.message}`)
  return db.transaction().execute(async (trx) => {
    if (actorId !== undefined) await requireMembership(trx, actorId, organisationId, 'admin')
    const before = await trx.selectFrom('organisations').select('legalForm').where('id', '=', organisationId).executeTakeFirst()
    if (!before) throw new AppError('not_found', 'There is no such organisation.')
    await trx
      .updateTable('organisations')
      .set({ ...parsed.data, updatedAt: now })
      .where('id', '=', organisationId)
      .execute()
    const newForm = parsed.data.legalForm
    if (newForm && newForm !== before.legalForm) {
      await declareLegalForm(trx, organisationId, newForm, 'Declared by the organisation', now)
      // Its verification was for the old form: what it attested no longer rests on a verified attester.
      await reevaluateAttestedBy(trx, organisationId, now)
    }
    if (actorId !== undefined) {
      const changed = Object.entries(parsed.data)
        .map(([k, v]) => `${k}: ${v === null ? 'not stated' : v}`)
        .join(', ')
      await recordAudit(trx, { organisationId, actorId, action: 'facts_changed', detail: changed || 'no change', createdAt: now })
    }
    await refreshScores(trx, { organisationIds: [organisationId] }, now)
  })
}

const triState = z.enum(['', 'yes', 'no'], { error: 'Choose yes, no or not stated.' }).transform((v) => (v === '' ? null : v === 'yes' ? 1 : 0))
const optionalNumber = (message: string, whole = false) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (v === '') return null
      // Plain decimal digits only: Number() would read "0x10" as 16 and "1e2" as 100.
      const n = (whole ? /^\d{1,9}$/ : /^\d{1,9}(?:\.\d{1,6})?$/).test(v) ? Number(v) : Number.NaN
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: 'custom', message })
        return z.NEVER
      }
      return n
    })

/** The governance form's text fields, as the facts they state. */
export const FactsForm = z.object({
  legalForm: z.enum(legalForms, { error: 'Choose a legal form.' }),
  oneMemberOneVote: triState,
  memberCount: optionalNumber('Members must be a whole number, in digits.', true),
  surplusPolicy: z.union([z.literal('').transform(() => null), z.enum(surplusPolicies, { error: 'Choose a surplus policy.' })]),
  payRatio: optionalNumber('The pay ratio must be a number in digits, such as 2.5.'),
  openBooks: triState,
})
