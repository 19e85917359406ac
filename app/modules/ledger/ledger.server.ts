import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB, LedgerAccountKind } from '../../../db/schema'

// The double-entry ledger (DESIGN.md, "Orders, payments and the ledger"). Postings are signed
// integer minor units: a debit is positive, a credit negative, and every entry sums to zero in
// each currency. Nothing is ever updated or deleted (triggers refuse it); a mistake is
// corrected by a reversing entry.

type Db = Kysely<DB> | Transaction<DB>

export type AccountRef =
  | { kind: 'payment_clearing' | 'orders_receivable' | 'orders_awaiting_settlement' | 'disbursements'; currency: string }
  | { kind: 'producer_payable' | 'buyer_credit'; organisationId: number; currency: string }
  | { kind: 'commons_fund'; commonsFundId: number; currency: string }

export type EntryKind = 'order_placed' | 'payment' | 'settlement' | 'refund' | 'reciprocity_credit' | 'disbursement'

export interface PostingInput {
  account: AccountRef
  amount: number
}

export interface EntryInput {
  kind: EntryKind
  memo: string
  checkoutId?: number | null
  orderId?: number | null
  paymentId?: number | null
  refundId?: number | null
  postings: PostingInput[]
}

const accountNames: Record<LedgerAccountKind, string> = {
  payment_clearing: 'Payments received, not yet paid out',
  orders_receivable: 'Owed by buyers for orders awaiting payment',
  orders_awaiting_settlement: 'Orders awaiting payment, to be shared out when paid',
  producer_payable: 'Owed to the producer',
  commons_fund: 'Commons fund',
  buyer_credit: 'Owed back to the buyer',
  disbursements: 'Paid out of commons funds',
}

function ownerOf(ref: AccountRef): { organisationId: number | null; commonsFundId: number | null } {
  if (ref.kind === 'producer_payable' || ref.kind === 'buyer_credit') return { organisationId: ref.organisationId, commonsFundId: null }
  if (ref.kind === 'commons_fund') return { organisationId: null, commonsFundId: ref.commonsFundId }
  return { organisationId: null, commonsFundId: null }
}

/** The account's id, opening it on first use. Accounts are identified by kind, owner and currency. */
export async function accountId(db: Db, ref: AccountRef): Promise<number> {
  const owner = ownerOf(ref)
  const find = () =>
    db
      .selectFrom('ledgerAccounts')
      .select('id')
      .where('kind', '=', ref.kind)
      .where(sql<number>`ifnull(organisation_id, 0)`, '=', owner.organisationId ?? 0)
      .where(sql<number>`ifnull(commons_fund_id, 0)`, '=', owner.commonsFundId ?? 0)
      .where('currency', '=', ref.currency)
      .executeTakeFirst()
  const found = await find()
  if (found) return found.id
  const inserted = await db
    .insertInto('ledgerAccounts')
    .values({ kind: ref.kind, ...owner, currency: ref.currency, name: accountNames[ref.kind] })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted?.id ?? (await find())!.id
}

export class UnbalancedEntryError extends Error {
  override name = 'UnbalancedEntryError'
}

/**
 * Appends one balanced entry. Zero postings are dropped (a free order moves no money); an
 * entry with nothing left is not written and null is returned.
 * @throws UnbalancedEntryError when the postings do not sum to zero in each currency: a
 *   programming error, never a user's, so it is not an AppError.
 */
export async function postEntry(db: Db, entry: EntryInput, now: string): Promise<number | null> {
  const postings = entry.postings.filter((p) => p.amount !== 0)
  const sums = new Map<string, number>()
  for (const p of postings) {
    if (!Number.isSafeInteger(p.amount)) throw new UnbalancedEntryError(`posting amount ${p.amount} is not an integer`)
    sums.set(p.account.currency, (sums.get(p.account.currency) ?? 0) + p.amount)
  }
  for (const [currency, sum] of sums) {
    if (sum !== 0) throw new UnbalancedEntryError(`${entry.kind} entry does not balance in ${currency}: off by ${sum}`)
  }
  if (postings.length === 0) return null

  const { id: entryId } = await db
    .insertInto('journalEntries')
    .values({
      kind: entry.kind,
      memo: entry.memo,
      checkoutId: entry.checkoutId ?? null,
      orderId: entry.orderId ?? null,
      paymentId: entry.paymentId ?? null,
      refundId: entry.refundId ?? null,
      createdAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  // Same-account postings are merged: one row per account keeps the ledger readable.
  const byAccount = new Map<number, { amount: number; currency: string }>()
  for (const p of postings) {
    const id = await accountId(db, p.account)
    const row = byAccount.get(id)
    if (row) row.amount += p.amount
    else byAccount.set(id, { amount: p.amount, currency: p.account.currency })
  }
  const rows = [...byAccount].filter(([, p]) => p.amount !== 0).map(([accountId, p]) => ({ entryId, accountId, ...p }))
  if (rows.length) await db.insertInto('postings').values(rows).execute()
  return entryId
}

/** Appends the mirror image of `entryId`, linked to it; an entry is reversed at most once. */
export async function reverseEntry(
  db: Db,
  entryId: number,
  reason: { memo: string; refundId?: number | null },
  now: string,
): Promise<number> {
  const original = await db.selectFrom('journalEntries').selectAll().where('id', '=', entryId).executeTakeFirstOrThrow()
  const { id } = await db
    .insertInto('journalEntries')
    .values({
      kind: original.kind,
      memo: reason.memo,
      checkoutId: original.checkoutId,
      orderId: original.orderId,
      paymentId: original.paymentId,
      refundId: reason.refundId ?? original.refundId,
      reversesEntryId: original.id,
      createdAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('postings')
    .columns(['entryId', 'accountId', 'amount', 'currency'])
    .expression((eb) =>
      eb
        .selectFrom('postings')
        .select([eb.val(id).as('entryId'), 'accountId', sql<number>`-amount`.as('amount'), 'currency'])
        .where('entryId', '=', original.id),
    )
    .execute()
  return id
}

/** Reverses every entry of `orderId` that is not yet reversed (and is not itself a reversal). */
export async function reverseOrderEntries(
  db: Db,
  orderId: number,
  reason: { memo: string; refundId?: number | null; kinds?: EntryKind[] },
  now: string,
): Promise<number> {
  let query = db
    .selectFrom('journalEntries as e')
    .select('e.id')
    .where('e.orderId', '=', orderId)
    .where('e.reversesEntryId', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('journalEntries as r').select('r.id').whereRef('r.reversesEntryId', '=', 'e.id'))))
    .orderBy('e.id', 'desc')
  if (reason.kinds) query = query.where('e.kind', 'in', reason.kinds)
  const entries = await query.execute()
  for (const e of entries) await reverseEntry(db, e.id, reason, now)
  return entries.length
}

/**
 * An account's balance in its natural sign: what a fund holds, what a producer is owed (credit
 * accounts), or what is held or receivable (debit accounts). Zero when the account was never used.
 */
export async function balanceOf(db: Db, ref: AccountRef): Promise<number> {
  const owner = ownerOf(ref)
  const row = await db
    .selectFrom('postings as p')
    .innerJoin('ledgerAccounts as a', 'a.id', 'p.accountId')
    .select(sql<number>`coalesce(sum(p.amount), 0)`.as('sum'))
    .where('a.kind', '=', ref.kind)
    .where(sql<number>`ifnull(a.organisation_id, 0)`, '=', owner.organisationId ?? 0)
    .where(sql<number>`ifnull(a.commons_fund_id, 0)`, '=', owner.commonsFundId ?? 0)
    .where('a.currency', '=', ref.currency)
    .executeTakeFirstOrThrow()
  return isDebitNormal(ref.kind) ? row.sum : 0 - row.sum + 0 // never -0
}

export function isDebitNormal(kind: LedgerAccountKind): boolean {
  return kind === 'payment_clearing' || kind === 'orders_receivable' || kind === 'disbursements'
}
