import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB, MembershipRole, Db } from '../../../db/schema'
import { legalForms } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { firstFreeSlug, slugify } from '../../lib/slug'
import { addDays } from '../../lib/time'
import { newSecret, secretHash } from '../../lib/tokens.server'
import { env } from '../../lib/env.server'
import { sendMail } from '../../lib/mail.server'
import { recordAudit } from '../audit/audit.server'
import { declareLegalForm } from '../evidence/claim-writes.server'
import { requireConfirmedEmail } from '../accounts/accounts.server'
import { retireAttestationsSharingMember } from '../peer-attestation/standing.server'
import { clock } from '../../lib/clock'
import type { Language } from '../../i18n/config'
import { languageOrDefault, translator } from '../../i18n/translator.server'

export const INVITATION_DAYS = 14

export const NewOrganisationInput = z.object({
  name: z.string().trim().min(2, 'Give the organisation a name of at least 2 characters.').max(120, 'Keep the name under 120 characters.'),
  legalForm: z.enum(legalForms, { error: 'Choose a legal form.' }),
  countryCode: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'Use the two-letter country code, e.g. IT.')
    .transform((c) => c.toUpperCase()),
  city: z.string().trim().min(1, 'Say which city or town you are in.').max(120),
  region: z
    .string()
    .trim()
    .max(120)
    .optional()
    .transform((r) => (r ? r : null)),
  website: z
    .union([z.literal(''), z.url({ protocol: /^https?$/, error: 'Use a full web address (starting with https://).' }).max(300)])
    .optional()
    .transform((w) => (w ? w : null)),
  summary: z.string().trim().max(1000, 'Keep the summary under 1,000 characters.').default(''),
})
export type NewOrganisationInput = z.input<typeof NewOrganisationInput>

async function uniqueSlug(db: Db, name: string): Promise<string> {
  return firstFreeSlug(
    slugify(name, 'organisation'),
    async (slug) => !!(await db.selectFrom('organisations').select('id').where('slug', '=', slug).executeTakeFirst()),
  )
}

export async function membershipRole(db: Db, personId: number, organisationId: number): Promise<MembershipRole | null> {
  const row = await db.selectFrom('memberships').select('role').where('personId', '=', personId).where('organisationId', '=', organisationId).executeTakeFirst()
  return row?.role ?? null
}

/** @throws AppError('forbidden') unless the person is a member (or, with `admin`, an admin) */
export async function requireMembership(db: Db, personId: number, organisationId: number, need: 'member' | 'admin' = 'member') {
  const role = await membershipRole(db, personId, organisationId)
  if (!role || (need === 'admin' && role !== 'admin'))
    throw new AppError('forbidden', need === 'admin' ? 'Only an admin of this organisation can do this.' : 'Only members of this organisation can see this.')
  return role
}

/** The organisation by its public slug. @throws AppError('not_found') */
export async function organisationBySlug(db: Db, slug: string) {
  const org = await db.selectFrom('organisations').selectAll().where('slug', '=', slug).executeTakeFirst()
  if (!org) throw new AppError('not_found', 'There is no organisation at this address.')
  return org
}

/**
 * Registers an organisation with its founder as admin. Its legal form starts self-declared:
 * evidence, peer attestations and a steward's review lift it (see verification).
 * @throws AppError('invalid_input')
 */
export async function createOrganisation(db: Kysely<DB>, founderId: number, input: NewOrganisationInput, now = clock.now()) {
  const parsed = NewOrganisationInput.safeParse(input)
  if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]!.message)
  const data = parsed.data
  return db.transaction().execute(async (trx) => {
    const slug = await uniqueSlug(trx, data.name)
    const org = await trx
      .insertInto('organisations')
      .values({
        slug,
        name: data.name,
        legalForm: data.legalForm,
        countryCode: data.countryCode,
        city: data.city,
        region: data.region,
        website: data.website,
        summary: data.summary,
        createdAt: now,
        updatedAt: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    // No attestation names a new organisation yet, so its founder cannot break one's independence.
    await trx.insertInto('memberships').values({ organisationId: org.id, personId: founderId, role: 'admin', createdAt: now }).execute()
    const claimId = await declareLegalForm(trx, org.id, data.legalForm, 'Declared when the organisation registered', now)
    await recordAudit(trx, {
      organisationId: org.id,
      actorId: founderId,
      action: 'organisation_created',
      claimId,
      detail: `Registered as ${data.legalForm}`,
      createdAt: now,
    })
    return org
  })
}

export const InvitationInput = z.object({
  email: z
    .email('Enter the email address to invite.')
    .max(254)
    .transform((e) => e.toLowerCase()),
  role: z.enum(['admin', 'member'], { error: 'Choose admin or member.' }),
})

/**
 * Invites someone by email; the raw token goes into the link and only its hash is stored. The
 * mail goes out once the invitation is committed, so no transaction waits on the network.
 * `senderLanguage` is the language of the page the inviter wrote the invitation on.
 * @throws AppError('forbidden' | 'invalid_input' | 'conflict')
 */
export async function inviteMember(
  db: Kysely<DB>,
  actorId: number,
  organisationId: number,
  input: z.input<typeof InvitationInput>,
  now = clock.now(),
  senderLanguage?: Language,
) {
  const parsed = InvitationInput.safeParse(input)
  if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]!.message)
  const invitation = await db.transaction().execute(async (trx) => {
    await requireMembership(trx, actorId, organisationId, 'admin')
    const already = await trx
      .selectFrom('memberships as m')
      .innerJoin('people as p', 'p.id', 'm.personId')
      .select('p.id')
      .where('m.organisationId', '=', organisationId)
      .where('p.email', '=', parsed.data.email)
      .executeTakeFirst()
    if (already) throw new AppError('conflict', `${parsed.data.email} is already a member.`)
    const token = newSecret()
    const expiresAt = addDays(now, INVITATION_DAYS)
    await trx
      .insertInto('invitations')
      .values({ organisationId, email: parsed.data.email, role: parsed.data.role, tokenHash: secretHash(token), invitedBy: actorId, createdAt: now, expiresAt })
      .execute()
    await recordAudit(trx, { organisationId, actorId, action: 'member_invited', detail: `${parsed.data.email} as ${parsed.data.role}`, createdAt: now })
    const inviter = await trx.selectFrom('people').select(['displayName', 'language']).where('id', '=', actorId).executeTakeFirstOrThrow()
    const organisation = await trx.selectFrom('organisations').select('name').where('id', '=', organisationId).executeTakeFirstOrThrow()
    const invitee = await trx.selectFrom('people').select('language').where('email', '=', parsed.data.email).executeTakeFirst()
    // The mail's language: the invitee's when the address already has an account (English if it
    // chose none); an address without one gets the inviter's, the language of the page they
    // invited from when the caller passes it, else the one their account chose (the header's
    // switcher saves it there), since whoever they invite likely reads it; else English.
    const language = invitee ? languageOrDefault(invitee.language) : languageOrDefault(senderLanguage ?? inviter.language)
    return { token, email: parsed.data.email, role: parsed.data.role, expiresAt, inviter: inviter.displayName, organisation: organisation.name, language }
  })
  const link = `${env().APP_URL}/invitations/${invitation.token}`
  const t = translator(invitation.language, 'mail')
  const values = { inviter: invitation.inviter, organisation: invitation.organisation }
  await sendMail({
    to: invitation.email,
    subject: t('invitation.subject', values),
    text: [
      t(invitation.role === 'admin' ? 'invitation.asAdmin' : 'invitation.asMember', values),
      '',
      t('invitation.accept', { count: INVITATION_DAYS, link }),
      '',
      t('invitation.ignore'),
    ].join('\n'),
  })
  return { token: invitation.token, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt }
}

/** What an invitation link offers, for its page. @throws AppError('not_found') */
export async function invitationByToken(db: Db, token: string, now = clock.now()) {
  const row = await db
    .selectFrom('invitations as i')
    .innerJoin('organisations as o', 'o.id', 'i.organisationId')
    .select(['i.id', 'i.email', 'i.role', 'i.expiresAt', 'i.acceptedAt', 'o.name as organisationName', 'o.slug as organisationSlug', 'o.id as organisationId'])
    .where('i.tokenHash', '=', secretHash(token))
    .executeTakeFirst()
  if (!row) throw new AppError('not_found', 'This invitation link is not valid.')
  return { ...row, usable: row.acceptedAt === null && row.expiresAt > now }
}

/**
 * Accepts an invitation for the signed-in person, once.
 * @throws AppError('not_found' | 'conflict' | 'forbidden')
 */
export async function acceptInvitation(db: Kysely<DB>, personId: number, token: string, now = clock.now()) {
  return db.transaction().execute(async (trx) => {
    const invitation = await invitationByToken(trx, token, now)
    if (invitation.acceptedAt !== null) throw new AppError('conflict', 'This invitation has already been used.')
    if (invitation.expiresAt <= now) throw new AppError('conflict', 'This invitation has expired; ask for a new one.')
    const person = await trx.selectFrom('people').select('email').where('id', '=', personId).executeTakeFirstOrThrow()
    if (person.email.toLowerCase() !== invitation.email.toLowerCase())
      throw new AppError('forbidden', `This invitation was sent to ${invitation.email}; sign in with that address to accept it.`)
    // Holding an account with that address is not enough: its owner must have shown they read
    // mail sent there, or anyone could sign up with the address and take the seat.
    await requireConfirmedEmail(trx, personId, 'joining an organisation')
    const accepted = await trx
      .updateTable('invitations')
      .set({ acceptedAt: now, acceptedBy: personId })
      .where('id', '=', invitation.id)
      .where('acceptedAt', 'is', null)
      .executeTakeFirst()
    if (Number(accepted.numUpdatedRows) !== 1) throw new AppError('conflict', 'This invitation has already been used.')
    await trx
      .insertInto('memberships')
      .values({ organisationId: invitation.organisationId, personId, role: invitation.role, createdAt: now })
      .onConflict((oc) => oc.columns(['organisationId', 'personId']).doNothing())
      .execute()
    await recordAudit(trx, {
      organisationId: invitation.organisationId,
      actorId: personId,
      action: 'member_joined',
      detail: `${invitation.email} as ${invitation.role}`,
      createdAt: now,
    })
    // A shared member ends the independence of attestations between the two organisations.
    await retireAttestationsSharingMember(trx, invitation.organisationId, now)
    return { organisationSlug: invitation.organisationSlug, organisationName: invitation.organisationName }
  })
}

export async function organisationMembers(db: Db, organisationId: number) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('people as p', 'p.id', 'm.personId')
    .select(['p.id', 'p.displayName', 'p.email', 'm.role', 'm.createdAt'])
    .where('m.organisationId', '=', organisationId)
    .orderBy('m.role')
    .orderBy('p.displayName')
    .execute()
}

export async function pendingInvitations(db: Db, organisationId: number, now = clock.now()) {
  return db
    .selectFrom('invitations')
    .select(['id', 'email', 'role', 'expiresAt'])
    .where('organisationId', '=', organisationId)
    .where('acceptedAt', 'is', null)
    .where('expiresAt', '>', now)
    .orderBy('createdAt', 'desc')
    .execute()
}

export async function organisationsOf(db: Db, personId: number) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisationId')
    .select(['o.id', 'o.slug', 'o.name', 'o.legalForm', 'm.role'])
    .where('m.personId', '=', personId)
    .orderBy('o.name')
    .execute()
}
