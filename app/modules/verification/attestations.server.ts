import type { Transaction } from 'kysely'
import { z } from 'zod'
import type { DB, Db } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { addDays } from '../../lib/time'
import { clock } from '../../lib/clock'
import { requireMembership } from '../organisations/membership.server'
import { requireConfirmedEmail } from '../accounts/accounts.server'
import { refreshScores } from '../scoring/scores.server'
import { recordAudit } from '../audit/audit.server'
import { isVerifiedOrganisation } from '../evidence/legal-form.server'
import { ATTESTATIONS_PER_YEAR, overturnedAttesterBar } from '../evidence/attestations.server'
import { addAttestation, reevaluatePeerAttestation } from '../peer-attestation/standing.server'

// An organisation attesting another's legal form: who may, and how often.

export const AttestationInput = z.object({
  attesterOrganisationId: z.number().int().positive(),
  statement: z.string().trim().min(10, 'Say in a sentence what you know of this organisation and how.').max(1000),
})

/**
 * A verified organisation vouches for another's legal form. Two current attestations from
 * verified organisations whose people are not members of the applicant lift it to peer-attested.
 * Runs in the caller's transaction.
 * @returns the organisation whose class this may change (see recordEvidence)
 * @throws AppError('forbidden' | 'conflict' | 'invalid_input' | 'not_found')
 */
export async function recordAttestation(
  trx: Transaction<DB>,
  actorId: number,
  organisationId: number,
  input: z.input<typeof AttestationInput>,
  now: string,
): Promise<{ reclassified: number }> {
  const parsed = AttestationInput.safeParse(input)
  if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]!.message)
  const { attesterOrganisationId, statement } = parsed.data
  const applicant = await trx.selectFrom('organisations').select(['id', 'legalForm', 'name']).where('id', '=', organisationId).executeTakeFirst()
  if (!applicant) throw new AppError('not_found', 'There is no such organisation.')
  if (attesterOrganisationId === organisationId) throw new AppError('forbidden', 'An organisation cannot attest itself.')
  await requireMembership(trx, actorId, attesterOrganisationId, 'admin')
  await requireConfirmedEmail(trx, actorId, 'attesting an organisation')
  const actorInApplicant = await trx
    .selectFrom('memberships')
    .select('personId')
    .where('organisationId', '=', organisationId)
    .where('personId', '=', actorId)
    .executeTakeFirst()
  if (actorInApplicant) throw new AppError('forbidden', 'You are a member of this organisation, so you cannot attest it.')
  // Neither attester may share a member with the applicant: attestations must come from outside.
  const sharedMember = await trx
    .selectFrom('memberships as a')
    .innerJoin('memberships as b', 'b.personId', 'a.personId')
    .select('a.personId')
    .where('a.organisationId', '=', attesterOrganisationId)
    .where('b.organisationId', '=', organisationId)
    .executeTakeFirst()
  if (sharedMember) throw new AppError('forbidden', 'Your organisation shares a member with this one, so it cannot attest it.')
  if (!(await isVerifiedOrganisation(trx, attesterOrganisationId, now)))
    throw new AppError('forbidden', 'Only organisations whose own legal form is verified can attest others.')
  const barredUntil = await overturnedAttesterBar(trx, organisationId, attesterOrganisationId, now)
  if (barredUntil)
    throw new AppError(
      'forbidden',
      `A steward overturned ${applicant.name}'s legal form that your organisation had attested, so it cannot attest ${applicant.name} again before ${barredUntil.slice(0, 10)}.`,
    )
  const current = await trx
    .selectFrom('attestations')
    .select('id')
    .where('organisationId', '=', organisationId)
    .where('attesterOrganisationId', '=', attesterOrganisationId)
    .where('expiresAt', '>', now)
    .where('retiredAt', 'is', null)
    .executeTakeFirst()
  if (current) throw new AppError('conflict', 'Your organisation has already attested this one; the attestation is still current.')
  const given = await trx
    .selectFrom('attestations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('attesterOrganisationId', '=', attesterOrganisationId)
    .where('createdAt', '>', addDays(now, -365))
    .executeTakeFirstOrThrow()
  if (given.n >= ATTESTATIONS_PER_YEAR)
    throw new AppError('conflict', `Your organisation has given ${ATTESTATIONS_PER_YEAR} attestations in the past year, the most allowed.`)

  await addAttestation(trx, { organisationId, attesterOrganisationId, attestedBy: actorId, legalForm: applicant.legalForm, statement }, now)
  const attester = await trx.selectFrom('organisations').select('name').where('id', '=', attesterOrganisationId).executeTakeFirstOrThrow()
  await recordAudit(trx, { organisationId, actorId, action: 'attestation_received', detail: `From ${attester.name}: ${statement}`, createdAt: now })
  await reevaluatePeerAttestation(trx, organisationId, now)
  await refreshScores(trx, { organisationIds: [organisationId] }, now)
  return { reclassified: organisationId }
}

/** The organisations this person may attest on behalf of (admin, verified), other than `excludeId`. */
export async function attesterChoices(db: Db, personId: number, excludeId: number, now = clock.now()) {
  const admins = await db
    .selectFrom('memberships as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisationId')
    .select(['o.id', 'o.name'])
    .where('m.personId', '=', personId)
    .where('m.role', '=', 'admin')
    .where('o.id', '!=', excludeId)
    .execute()
  const out: { id: number; name: string }[] = []
  for (const o of admins) if (await isVerifiedOrganisation(db, o.id, now)) out.push(o)
  return out
}
