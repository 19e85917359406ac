import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB, Db } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { clock } from '../../lib/clock'
import { accountColumns, toAccount, type Account } from '../../lib/session-store.server'
import { normaliseEmail, requireConfirmedEmail } from './accounts.server'

// Stewards hold the marketplace's trust: they verify organisations, decide challenges and
// approve payouts. So no one becomes a steward on one person's word: a steward proposes, a
// second steward approves (the command line remains for the first steward of a fresh install).
// And no steward acts on anything concerning an organisation they belong to.

/** @throws AppError('forbidden') unless the person is a steward */
export async function requireSteward(db: Db, personId: number): Promise<void> {
  const person = await db.selectFrom('people').select('isSteward').where('id', '=', personId).executeTakeFirst()
  if (person?.isSteward !== 1) throw new AppError('forbidden', 'Only stewards can do this.')
}

/**
 * A steward's decision on a payout (a fund's disbursement, a buyer's credit): who decides must
 * be a steward, and the reason, which the asker reads, is a few words at least.
 * @returns the reason, trimmed. @throws AppError forbidden, invalid_input
 */
export async function payoutDecisionReason(db: Db, stewardId: number, reason: string): Promise<string> {
  const person = await db.selectFrom('people').select('isSteward').where('id', '=', stewardId).executeTakeFirst()
  if (person?.isSteward !== 1) throw new AppError('forbidden', 'Only the marketplace’s stewards approve payouts.')
  const trimmed = reason.trim()
  if (trimmed.length < 5 || trimmed.length > 1000)
    throw new AppError('invalid_input', 'Give a reason of at least a few words (the asker reads it).', { reason: 'At least a few words.' })
  return trimmed
}

/**
 * @throws AppError('forbidden') when the steward is a member of the organisation: someone else
 * decides on it
 */
/** What a steward may not decide for their own organisation. */
type OwnOrganisationDecision = 'review its evidence' | 'decide challenges against it' | 'decide on this fund’s payouts' | 'decide on its payout'

export async function refuseOwnOrganisation(db: Db, stewardId: number, organisationId: number, what: OwnOrganisationDecision): Promise<void> {
  const member = await db
    .selectFrom('memberships as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisationId')
    .select('o.name')
    .where('m.organisationId', '=', organisationId)
    .where('m.personId', '=', stewardId)
    .executeTakeFirst()
  if (!member) return
  // Whole sentences, so each translates whole.
  const name = member.name
  const messages: Record<OwnOrganisationDecision, string> = {
    'review its evidence': `You are a member of ${name}, so another steward must review its evidence.`,
    'decide challenges against it': `You are a member of ${name}, so another steward must decide challenges against it.`,
    'decide on this fund’s payouts': `You are a member of ${name}, so another steward must decide on this fund’s payouts.`,
    'decide on its payout': `You are a member of ${name}, so another steward must decide on its payout.`,
  }
  throw new AppError('forbidden', messages[what])
}

export const StewardProposal = z.object({
  email: z.string().trim().min(3, 'Enter the email address of their account.').max(254, 'An email address has at most 254 characters.'),
  reason: z
    .string()
    .trim()
    .min(5, 'Say in a few words why they should be a steward (the other stewards read it).')
    .max(1000, 'Keep the reason under 1,000 characters.'),
})

/**
 * A steward proposes someone as a steward; nothing changes until another steward approves.
 * @throws AppError forbidden (not a steward, or proposing oneself), not_found (no such account),
 *   conflict (already a steward, or already proposed), invalid_input
 */
export async function proposeSteward(db: Kysely<DB>, proposerId: number, input: z.input<typeof StewardProposal>, now = clock.now()) {
  const parsed = StewardProposal.safeParse(input)
  if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]!.message)
  return db.transaction().execute(async (trx) => {
    await requireSteward(trx, proposerId)
    const person = await trx
      .selectFrom('people')
      .select(['id', 'displayName', 'isSteward'])
      .where('email', '=', normaliseEmail(parsed.data.email))
      .executeTakeFirst()
    if (!person) throw new AppError('not_found', `Nobody has an account with ${parsed.data.email}; they need to sign up first.`)
    if (person.isSteward === 1) throw new AppError('conflict', `${person.displayName} is already a steward.`)
    await requireConfirmedEmail(trx, person.id, { stewardProposed: person.displayName })
    const open = await trx.selectFrom('stewardAppointments').select('id').where('personId', '=', person.id).where('status', '=', 'proposed').executeTakeFirst()
    if (open) throw new AppError('conflict', `${person.displayName} is already proposed; another steward approves or rejects the proposal.`)
    const { id } = await trx
      .insertInto('stewardAppointments')
      .values({ personId: person.id, proposedBy: proposerId, proposedAt: now, reason: parsed.data.reason })
      .returning('id')
      .executeTakeFirstOrThrow()
    return { id, displayName: person.displayName }
  })
}

/**
 * A second steward approves (the person becomes a steward) or rejects a proposal.
 * @throws AppError forbidden (not a steward, or the proposer), not_found, conflict (already decided)
 */
export async function decideStewardProposal(db: Kysely<DB>, stewardId: number, proposalId: number, approve: boolean, now = clock.now()) {
  return db.transaction().execute(async (trx) => {
    await requireSteward(trx, stewardId)
    const proposal = await trx
      .selectFrom('stewardAppointments as a')
      .innerJoin('people as p', 'p.id', 'a.personId')
      .select(['a.id', 'a.personId', 'a.proposedBy', 'a.status', 'p.displayName'])
      .where('a.id', '=', proposalId)
      .executeTakeFirst()
    if (!proposal) throw new AppError('not_found', 'There is no such proposal.')
    if (proposal.status !== 'proposed')
      throw new AppError('conflict', proposal.status === 'approved' ? 'This proposal was already approved.' : 'This proposal was already rejected.')
    if (proposal.proposedBy === stewardId) throw new AppError('forbidden', 'You proposed this appointment, so another steward must decide on it.')
    if (proposal.personId === stewardId) throw new AppError('forbidden', 'Another steward decides on your own appointment.')
    if (approve) await requireConfirmedEmail(trx, proposal.personId, { stewardApproved: proposal.displayName })
    const decided = await trx
      .updateTable('stewardAppointments')
      .set({ status: approve ? 'approved' : 'rejected', decidedBy: stewardId, decidedAt: now })
      .where('id', '=', proposal.id)
      .where('status', '=', 'proposed')
      .executeTakeFirst()
    if (Number(decided.numUpdatedRows) !== 1) throw new AppError('conflict', 'This proposal was already decided.')
    if (approve) await trx.updateTable('people').set({ isSteward: 1 }).where('id', '=', proposal.personId).execute()
    return { displayName: proposal.displayName, status: approve ? ('approved' as const) : ('rejected' as const) }
  })
}

/** Proposals waiting for a second steward, oldest first. */
export async function openStewardProposals(db: Db) {
  return db
    .selectFrom('stewardAppointments as a')
    .innerJoin('people as p', 'p.id', 'a.personId')
    .innerJoin('people as by', 'by.id', 'a.proposedBy')
    .select(['a.id', 'a.reason', 'a.proposedAt', 'a.proposedBy', 'p.displayName', 'p.email', 'by.displayName as proposerName'])
    .where('a.status', '=', 'proposed')
    .orderBy('a.id')
    .execute()
}

/**
 * Makes the person with `email` a steward, or no longer one, at once. `by` is the steward who
 * does it (a steward may not remove their own role); null is the command line, which appoints
 * the first steward of a fresh install. Everyone else goes through a proposal and a second
 * steward's approval (proposeSteward).
 * @throws AppError forbidden (not a steward, or removing oneself), not_found (no such account)
 */
export async function setSteward(db: Kysely<DB>, by: number | null, email: string, isSteward: boolean): Promise<Account> {
  return db.transaction().execute(async (trx) => {
    if (by !== null) await requireSteward(trx, by)
    const person = await trx.selectFrom('people').select('id').where('email', '=', normaliseEmail(email)).executeTakeFirst()
    if (!person) throw new AppError('not_found', `No one has the email address ${email.trim()}; they need to sign up first.`)
    if (!isSteward && person.id === by) throw new AppError('forbidden', 'Ask another steward to remove your own steward role.')
    const row = await trx
      .updateTable('people')
      .set({ isSteward: isSteward ? 1 : 0 })
      .where('id', '=', person.id)
      .returning(accountColumns)
      .executeTakeFirstOrThrow()
    return toAccount(row)
  })
}
