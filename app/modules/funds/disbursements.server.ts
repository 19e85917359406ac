import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB, Db, DisbursementStatus } from '../../../db/schema'
import { AppError, invalidFields } from '../../lib/errors'
import { formatMoney } from '../../lib/money'
import { balanceOf, postEntry } from '../ledger/ledger.server'
import { payoutDecisionReason, refuseOwnOrganisation } from '../accounts/stewards.server'
import { pendingCreditsOwedBy } from '../orders/reciprocity-credit.server'
import { clock } from '../../lib/clock'

// Money leaves a commons fund only through a disbursement: a fund admin asks, a steward who is
// not the asker approves, and the approval posts to the ledger. Every step is in the fund's
// audit trail, which its public page shows.

/**
 * Who may ask for a fund's money: the admins of the organisation that stewards it, or, for a
 * fund without one (the infrastructure fund), the marketplace's stewards.
 */
export async function isFundAdmin(db: Db, personId: number, commonsFundId: number): Promise<boolean> {
  const fund = await db.selectFrom('commonsFunds').select('stewardOrganisationId').where('id', '=', commonsFundId).executeTakeFirst()
  if (!fund) return false
  if (fund.stewardOrganisationId === null) return isSteward(db, personId)
  const membership = await db
    .selectFrom('memberships')
    .select('role')
    .where('organisationId', '=', fund.stewardOrganisationId)
    .where('personId', '=', personId)
    .executeTakeFirst()
  return membership?.role === 'admin'
}

async function isSteward(db: Db, personId: number): Promise<boolean> {
  const person = await db.selectFrom('people').select('isSteward').where('id', '=', personId).executeTakeFirst()
  return person?.isSteward === 1
}

async function audit(
  db: Db,
  event: { commonsFundId: number; disbursementId: number | null; actorId: number | null; action: string; detail: string; at: string },
) {
  await db
    .insertInto('fundAuditEvents')
    .values({
      commonsFundId: event.commonsFundId,
      disbursementId: event.disbursementId,
      actorId: event.actorId,
      action: event.action,
      detail: event.detail,
      createdAt: event.at,
    })
    .execute()
}

export const DisbursementRequest = z.object({
  amount: z
    .number({ error: 'Enter the amount to pay out.' })
    .int()
    .positive('Enter an amount above zero.')
    .max(100_000_000_00, 'That is more than any fund holds.'),
  recipient: z.string().trim().min(2, 'Say who receives the money.').max(200, 'Keep the recipient under 200 characters.'),
  purpose: z
    .string()
    .trim()
    .min(10, 'Say in a sentence or two what the money is for (at least 10 characters).')
    .max(2000, 'Keep the purpose under 2,000 characters.'),
})

/**
 * What a fund may pay out: its balance less what it may owe back to buyers (reciprocity credits
 * not yet posted), never below zero.
 */
export async function availableBalance(db: Db, commonsFundId: number, currency: string): Promise<{ balance: number; owed: number; available: number }> {
  const [balance, owed] = await Promise.all([
    balanceOf(db, { kind: 'commons_fund', commonsFundId, currency }),
    pendingCreditsOwedBy(db, commonsFundId, currency),
  ])
  return { balance, owed, available: Math.max(0, balance - owed) }
}

/**
 * A fund admin asks for a payout. It is only a request: nothing moves until a steward approves.
 * @throws AppError forbidden (not a fund admin), not_found, invalid_input, conflict (more than the balance)
 */
export async function requestDisbursement(
  db: Kysely<DB>,
  personId: number,
  commonsFundId: number,
  input: { amount: number; recipient: string; purpose: string },
  now = clock.now(),
) {
  const fund = await db.selectFrom('commonsFunds').select(['id', 'currency', 'name']).where('id', '=', commonsFundId).executeTakeFirst()
  if (!fund) throw new AppError('not_found', 'There is no such commons fund.')
  if (!(await isFundAdmin(db, personId, fund.id)))
    throw new AppError('forbidden', 'Only the admins of the organisation that stewards this fund can ask for its money.')
  const parsed = DisbursementRequest.safeParse(input)
  if (!parsed.success) throw invalidFields(parsed.error.issues)
  const { amount, recipient, purpose } = parsed.data
  return db.transaction().execute(async (trx) => {
    const { available, owed } = await availableBalance(trx, fund.id, fund.currency)
    if (amount > available) {
      const has = formatMoney(available, fund.currency)
      const message =
        owed > 0
          ? `The fund has ${has} available (it may owe ${formatMoney(owed, fund.currency)} back to buyers awaiting verification); ask for at most that.`
          : `The fund has ${has} available; ask for at most that.`
      throw new AppError('conflict', message, {
        amount: `At most ${formatMoney(available, fund.currency)}.`,
      })
    }
    const { id } = await trx
      .insertInto('disbursements')
      .values({ commonsFundId: fund.id, amount, currency: fund.currency, recipient, purpose, status: 'requested', requestedBy: personId, requestedAt: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    await audit(trx, {
      commonsFundId: fund.id,
      disbursementId: id,
      actorId: personId,
      action: 'disbursement_requested',
      detail: `${formatMoney(amount, fund.currency)} to ${recipient}: ${purpose}`,
      at: now,
    })
    return { id }
  })
}

/** Why a request that is no longer open cannot be decided: one whole sentence per state. */
const alreadyDecided: Record<Exclude<DisbursementStatus, 'requested'>, string> = {
  approved: 'This request was already approved.',
  rejected: 'This request was already rejected.',
  withdrawn: 'This request was already withdrawn.',
}

/**
 * A steward approves or rejects a request, never their own. Approval checks the balance again
 * and posts the payout: the fund is debited, the money leaves payment clearing.
 * @throws AppError forbidden (not a steward, or the requester), not_found, conflict (decided, or the fund is short), invalid_input (no reason)
 */
export async function decideDisbursement(
  db: Kysely<DB>,
  stewardId: number,
  disbursementId: number,
  decision: { approve: boolean; reason: string },
  now = clock.now(),
) {
  const reason = await payoutDecisionReason(db, stewardId, decision.reason)
  return db.transaction().execute(async (trx) => {
    const d = await trx.selectFrom('disbursements').selectAll().where('id', '=', disbursementId).executeTakeFirst()
    if (!d) throw new AppError('not_found', 'There is no such disbursement.')
    if (d.requestedBy === stewardId) throw new AppError('forbidden', 'You asked for this payout, so another steward must decide on it.')
    if (d.status !== 'requested') throw new AppError('conflict', alreadyDecided[d.status])
    // The fund's own stewarding organisation asks; none of its members may also approve.
    const fund = await trx.selectFrom('commonsFunds').select('stewardOrganisationId').where('id', '=', d.commonsFundId).executeTakeFirstOrThrow()
    if (fund.stewardOrganisationId !== null) await refuseOwnOrganisation(trx, stewardId, fund.stewardOrganisationId, 'decide on this fund’s payouts')
    let journalEntryId: number | null = null
    if (decision.approve) {
      const { available } = await availableBalance(trx, d.commonsFundId, d.currency)
      if (d.amount > available) throw new AppError('conflict', `The fund now has ${formatMoney(available, d.currency)} available, less than this request.`)
      journalEntryId = await postEntry(
        trx,
        {
          kind: 'disbursement',
          memo: `Disbursement ${d.id}: ${formatMoney(d.amount, d.currency)} to ${d.recipient}`,
          postings: [
            { account: { kind: 'commons_fund', commonsFundId: d.commonsFundId, currency: d.currency }, amount: d.amount },
            { account: { kind: 'payment_clearing', currency: d.currency }, amount: -d.amount },
          ],
        },
        now,
      )
    }
    await trx
      .updateTable('disbursements')
      .set({ status: decision.approve ? 'approved' : 'rejected', decidedBy: stewardId, decidedAt: now, decisionReason: reason, journalEntryId })
      .where('id', '=', d.id)
      .where('status', '=', 'requested')
      .execute()
    await audit(trx, {
      commonsFundId: d.commonsFundId,
      disbursementId: d.id,
      actorId: stewardId,
      action: decision.approve ? 'disbursement_approved' : 'disbursement_rejected',
      detail: `${formatMoney(d.amount, d.currency)} to ${d.recipient}: ${reason}`,
      at: now,
    })
    return { status: decision.approve ? ('approved' as const) : ('rejected' as const) }
  })
}

/** Requests awaiting a steward, oldest first, for the steward desk. */
export async function pendingDisbursements(db: Db) {
  return db
    .selectFrom('disbursements as d')
    .innerJoin('commonsFunds as f', 'f.id', 'd.commonsFundId')
    .innerJoin('people as p', 'p.id', 'd.requestedBy')
    .select([
      'd.id',
      'd.amount',
      'd.currency',
      'd.recipient',
      'd.purpose',
      'd.requestedAt',
      'd.requestedBy',
      'f.name as fund',
      'f.slug as fundSlug',
      'p.displayName as requester',
    ])
    .where('d.status', '=', 'requested')
    .orderBy('d.id')
    .execute()
}
