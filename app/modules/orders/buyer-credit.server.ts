import type { Kysely, Transaction } from 'kysely'
import { z } from 'zod'
import type { DB, Db } from '../../../db/schema'
import { AppError, invalidFields } from '../../lib/errors'
import { formatMoney, type Money } from '../../lib/money'
import { runPrebuilt } from '../../lib/prebuilt-sql.server'
import { postEntries, postEntry, type EntryInput } from '../ledger/ledger.server'
import { payoutDecisionReason, refuseOwnOrganisation } from '../accounts/stewards.server'
import { requireConfirmedEmail } from '../accounts/accounts.server'
import { requireMembership } from '../organisations/membership.server'
import { shareOut } from './settlement.server'
import { orderReference } from './reference'
import { clock } from '../../lib/clock'

// A credit the marketplace owes a buyer organisation (docs/design.md, "Credits and
// back-charges") is real money, spent in one of two ways:
// - at the organisation's next checkout it pays the orders first, before any card or invoice
//   (a `credit_applied` entry per order; orders.credit_applied says how much, so the rest is
//   what the buyer still pays);
// - or, on an admin's request, it is paid out: a steward who is neither the asker nor a member
//   of the organisation approves, as with a fund's disbursements, and the approval posts the
//   payout (`credit_paid_out`). A requested payout holds its amount back from checkouts.
// This module owns the credit_payouts table.

// Every organisation checkout asks, so this is prebuilt SQL (app/lib/prebuilt-sql.server.ts).
// The buyer-credit balance is credit-normal: what is owed to the buyer is minus its sum.
const creditAvailableSql = `select
    coalesce((select -sum(p.amount) from ledger_accounts as a inner join postings as p on p.account_id = a.id
      where a.kind = 'buyer_credit' and a.organisation_id = ? and a.currency = ?), 0)
    - coalesce((select sum(amount) from credit_payouts where organisation_id = ? and currency = ? and status = 'requested'), 0)
    as available`

/** What an organisation's credit can still pay: what it is owed, less payouts it has asked for. */
export async function creditAvailable(db: Db, organisationId: number, currency: string): Promise<number> {
  const { rows } = await runPrebuilt<{ available: number }>(db, creditAvailableSql, [organisationId, currency, organisationId, currency])
  return Math.max(0, Number(rows[0]?.available ?? 0))
}

/** Spreads a credit over orders in their order: each takes what it can, up to its total. */
export function allocateCredit(available: number, totals: number[]): number[] {
  let left = available
  return totals.map((total) => {
    const take = Math.min(left, total)
    left -= take
    return take
  })
}

/**
 * Books the credit applied to a checkout's new orders: each `credit_applied` entry moves the
 * amount from what the organisation is owed to what it owes for the order. An order the credit
 * pays in full is shared out at once, as a paid order is.
 * Call it inside the transaction that placed the orders, after their `order_placed` entries.
 */
export async function bookCreditApplied(
  trx: Transaction<DB>,
  checkout: { checkoutId: number; organisationId: number; currency: string; orders: { id: number; total: number; creditApplied: number }[] },
  now: string,
): Promise<void> {
  const { checkoutId, organisationId, currency } = checkout
  const credited = checkout.orders.filter((o) => o.creditApplied > 0)
  if (credited.length === 0) return
  await postEntries(
    trx,
    credited.map((o): EntryInput => ({
      kind: 'credit_applied',
      memo: `${formatMoney(o.creditApplied, currency)} of the credit owed to the buyer pays ${orderReference(checkoutId, o.id)}`,
      checkoutId,
      orderId: o.id,
      postings: [
        { account: { kind: 'buyer_credit', organisationId, currency }, amount: o.creditApplied },
        { account: { kind: 'orders_receivable', currency }, amount: -o.creditApplied },
      ],
    })),
    now,
  )
  for (const o of credited) if (o.creditApplied === o.total) await shareOut(trx, { checkoutId, orderId: o.id, paymentId: null, total: o.total, currency }, now)
}

export const CreditPayoutRequest = z.object({
  amount: z.number({ error: 'Enter the amount to pay out.' }).int('Enter the amount in whole cents.').positive('Enter an amount above zero.'),
  payTo: z
    .string()
    .trim()
    .min(5, 'Say where the money should go: the account holder and an IBAN or other account number.')
    .max(300, 'Keep the payment details under 300 characters.'),
})

/**
 * An admin of the organisation asks for its credit to be paid out. Nothing moves until a
 * steward approves; meanwhile the amount is held back from checkouts.
 * @throws AppError forbidden (not an admin, unconfirmed address), invalid_input, conflict (more than is owed)
 */
export async function requestCreditPayout(
  db: Kysely<DB>,
  personId: number,
  organisationId: number,
  input: { amount: number; currency: string; payTo: string },
  now = clock.now(),
): Promise<{ id: number }> {
  await requireMembership(db, personId, organisationId, 'admin')
  await requireConfirmedEmail(db, personId, 'ask for a credit to be paid out')
  const parsed = CreditPayoutRequest.safeParse(input)
  if (!parsed.success) throw invalidFields(parsed.error.issues)
  return db.transaction().execute(async (trx) => {
    const available = await creditAvailable(trx, organisationId, input.currency)
    if (available === 0) throw new AppError('conflict', `Nothing in ${input.currency} is owed to this organisation that is not already asked for.`)
    if (parsed.data.amount > available) {
      throw new AppError('conflict', `At most ${formatMoney(available, input.currency)} can be paid out.`, {
        amount: `At most ${formatMoney(available, input.currency)}.`,
      })
    }
    return trx
      .insertInto('creditPayouts')
      .values({
        organisationId,
        amount: parsed.data.amount,
        currency: input.currency,
        payTo: parsed.data.payTo,
        status: 'requested',
        requestedBy: personId,
        requestedAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  })
}

/**
 * A steward approves or rejects a payout request: never their own, never for an organisation
 * they belong to. Approval posts the payout: the credit is settled, the money leaves payment
 * clearing.
 * @throws AppError forbidden, not_found, conflict (decided already, or no longer owed), invalid_input (no reason)
 */
export async function decideCreditPayout(
  db: Kysely<DB>,
  stewardId: number,
  payoutId: number,
  decision: { approve: boolean; reason: string },
  now = clock.now(),
): Promise<{ status: 'approved' | 'rejected' }> {
  const reason = await payoutDecisionReason(db, stewardId, decision.reason)
  return db.transaction().execute(async (trx) => {
    const payout = await trx.selectFrom('creditPayouts').selectAll().where('id', '=', payoutId).executeTakeFirst()
    if (!payout) throw new AppError('not_found', 'There is no such payout request.')
    if (payout.requestedBy === stewardId) throw new AppError('forbidden', 'You asked for this payout, so another steward must decide on it.')
    if (payout.status !== 'requested')
      throw new AppError('conflict', payout.status === 'approved' ? 'This request was already approved.' : 'This request was already rejected.')
    await refuseOwnOrganisation(trx, stewardId, payout.organisationId, 'decide on its payout')
    let journalEntryId: number | null = null
    if (decision.approve) {
      // The request held its amount back, so what is owed covers it unless a refund undid a credit since.
      const owed = (await creditAvailable(trx, payout.organisationId, payout.currency)) + payout.amount
      if (payout.amount > owed)
        throw new AppError('conflict', `Only ${formatMoney(owed, payout.currency)} is owed to this organisation now, less than this request.`)
      const org = await trx.selectFrom('organisations').select('name').where('id', '=', payout.organisationId).executeTakeFirstOrThrow()
      journalEntryId = await postEntry(
        trx,
        {
          kind: 'credit_paid_out',
          memo: `Credit payout ${payout.id}: ${formatMoney(payout.amount, payout.currency)} paid to ${org.name}`,
          postings: [
            { account: { kind: 'buyer_credit', organisationId: payout.organisationId, currency: payout.currency }, amount: payout.amount },
            { account: { kind: 'payment_clearing', currency: payout.currency }, amount: -payout.amount },
          ],
        },
        now,
      )
    }
    const status = decision.approve ? ('approved' as const) : ('rejected' as const)
    await trx
      .updateTable('creditPayouts')
      .set({ status, decidedBy: stewardId, decidedAt: now, decisionReason: reason, journalEntryId })
      .where('id', '=', payout.id)
      .where('status', '=', 'requested')
      .execute()
    return { status }
  })
}

/** Payout requests awaiting a steward, oldest first, for the steward desk. */
export async function pendingCreditPayouts(db: Db) {
  const rows = await db
    .selectFrom('creditPayouts as c')
    .innerJoin('organisations as o', 'o.id', 'c.organisationId')
    .innerJoin('people as p', 'p.id', 'c.requestedBy')
    .select([
      'c.id',
      'c.amount',
      'c.currency',
      'c.payTo',
      'c.requestedAt',
      'c.requestedBy',
      'o.name as organisation',
      'o.slug as organisationSlug',
      'p.displayName as requester',
    ])
    .where('c.status', '=', 'requested')
    .orderBy('c.id')
    .execute()
  return rows.map((r) => ({ ...r, amount: { amount: r.amount, currency: r.currency } as Money }))
}

/**
 * An organisation's credit, for its members: what is owed per currency, every movement with its
 * reason (credited, applied to an order, paid out, restored by a refund) and its payout requests.
 */
export async function creditStatement(db: Db, organisationId: number) {
  const movements = await db
    .selectFrom('ledgerAccounts as a')
    .innerJoin('postings as p', 'p.accountId', 'a.id')
    .innerJoin('journalEntries as e', 'e.id', 'p.entryId')
    .select(['e.id', 'e.kind', 'e.memo', 'e.createdAt', 'e.reversesEntryId', 'p.amount', 'p.currency'])
    .where('a.kind', '=', 'buyer_credit')
    .where('a.organisationId', '=', organisationId)
    .orderBy('e.id', 'desc')
    .limit(100)
    .execute()
  const payouts = await db
    .selectFrom('creditPayouts')
    .select(['id', 'amount', 'currency', 'payTo', 'status', 'requestedAt', 'decidedAt', 'decisionReason'])
    .where('organisationId', '=', organisationId)
    .orderBy('id', 'desc')
    .limit(50)
    .execute()
  const currencies = [...new Set([...movements.map((m) => m.currency), ...payouts.map((p) => p.currency)])].sort()
  const balances = await Promise.all(
    currencies.map(async (currency) => {
      const available = await creditAvailable(db, organisationId, currency)
      const requested = payouts.filter((p) => p.currency === currency && p.status === 'requested').reduce((s, p) => s + p.amount, 0)
      return { owed: { amount: available + requested, currency }, available: { amount: available, currency }, requested: { amount: requested, currency } }
    }),
  )
  return {
    balances: balances.filter((b) => b.owed.amount > 0),
    movements: movements.map((m) => ({
      id: m.id,
      kind: m.kind,
      why: m.memo,
      at: m.createdAt,
      /** a reversal: an order paid from the credit was cancelled or refunded, or a credit was taken back */
      reversal: m.reversesEntryId !== null,
      // Owed to the buyer grows with a credit posting (a negative amount on a credit-normal account).
      change: { amount: -m.amount, currency: m.currency } as Money,
    })),
    payouts: payouts.map((p) => ({ ...p, amount: { amount: p.amount, currency: p.currency } as Money })),
  }
}
