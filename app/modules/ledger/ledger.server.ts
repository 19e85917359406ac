import { clock } from '../../lib/clock'
import { sql } from 'kysely'
import type { LedgerAccountKind, Db } from '../../../db/schema'
import { placeholders, runPrebuilt } from '../../lib/prebuilt-sql.server'

// The double-entry ledger (docs/design.md, "Orders, payments and the ledger"). Postings are signed
// integer minor units: a debit is positive, a credit negative, and every entry sums to zero in
// each currency. Nothing is ever updated or deleted (triggers refuse it); a mistake is
// corrected by a reversing entry.

export type AccountRef =
  | { kind: 'payment_clearing' | 'orders_receivable' | 'orders_awaiting_settlement' | 'disbursements'; currency: string }
  | { kind: 'producer_payable' | 'buyer_credit'; organisationId: number; currency: string }
  | { kind: 'commons_fund'; commonsFundId: number; currency: string }

export type EntryKind =
  'order_placed' | 'back_charge' | 'payment' | 'settlement' | 'refund' | 'reciprocity_credit' | 'credit_applied' | 'credit_paid_out' | 'disbursement'

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
    .values({ kind: ref.kind, ...owner, currency: ref.currency, name: accountNames[ref.kind], createdAt: clock.now() })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted?.id ?? (await find())!.id
}

// Every checkout posts entries, so accountIds and postEntries run prebuilt SQL
// (app/lib/prebuilt-sql.server.ts says why).

const entryColumns = 'kind, memo, checkout_id, order_id, payment_id, refund_id, created_at'

/** An account's identity as one string: kind, owner and currency (as the unique index sees them). */
function identityOf(kind: string, organisationId: number | null, commonsFundId: number | null, currency: string): string {
  return `${kind}|${organisationId ?? 0}|${commonsFundId ?? 0}|${currency}`
}

/**
 * The ids of several accounts, in the order of `refs`, found with one query (each term of the
 * OR is a lookup on the accounts' unique index); accounts not found are opened as accountId does.
 */
export async function accountIds(db: Db, refs: AccountRef[]): Promise<number[]> {
  const wanted = new Map<string, AccountRef>()
  for (const ref of refs) {
    const owner = ownerOf(ref)
    wanted.set(identityOf(ref.kind, owner.organisationId, owner.commonsFundId, ref.currency), ref)
  }
  const ids = new Map<string, number>()
  if (wanted.size > 0) {
    const term = 'kind = ? and ifnull(organisation_id, 0) = ? and ifnull(commons_fund_id, 0) = ? and currency = ?'
    const { rows } = await runPrebuilt<{ id: number; kind: LedgerAccountKind; organisationId: number | null; commonsFundId: number | null; currency: string }>(
      db,
      `select id, kind, organisation_id, commons_fund_id, currency from ledger_accounts
        where ${Array.from({ length: wanted.size }, () => `(${term})`).join(' or ')}`,
      [...wanted.values()].flatMap((ref) => {
        const owner = ownerOf(ref)
        return [ref.kind, owner.organisationId ?? 0, owner.commonsFundId ?? 0, ref.currency]
      }),
    )
    for (const row of rows) ids.set(identityOf(row.kind, row.organisationId, row.commonsFundId, row.currency), row.id)
  }
  for (const [key, ref] of wanted) if (!ids.has(key)) ids.set(key, await accountId(db, ref))
  return refs.map((ref) => {
    const owner = ownerOf(ref)
    return ids.get(identityOf(ref.kind, owner.organisationId, owner.commonsFundId, ref.currency))!
  })
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
  return (await postEntries(db, [entry], now))[0]!
}

/** The postings an entry writes, or throws when they do not balance (see postEntry). */
function balancedPostings(entry: EntryInput): PostingInput[] {
  const postings = entry.postings.filter((p) => p.amount !== 0)
  const sums = new Map<string, number>()
  for (const p of postings) {
    if (!Number.isSafeInteger(p.amount)) throw new UnbalancedEntryError(`posting amount ${p.amount} is not an integer`)
    sums.set(p.account.currency, (sums.get(p.account.currency) ?? 0) + p.amount)
  }
  for (const [currency, sum] of sums) {
    if (sum !== 0) throw new UnbalancedEntryError(`${entry.kind} entry does not balance in ${currency}: off by ${sum}`)
  }
  return postings
}

/**
 * Appends several balanced entries, each exactly as postEntry would, with one statement for
 * the entries, one to find their accounts and one for their postings (a checkout's orders are
 * posted together). Every entry is checked before anything is written. Returns each entry's
 * id, or null for an entry with nothing left to post.
 */
export async function postEntries(db: Db, entries: EntryInput[], now: string): Promise<(number | null)[]> {
  const checked = entries.map((entry) => ({ entry, postings: balancedPostings(entry) }))
  const written = checked.filter((c) => c.postings.length > 0)
  const ids = new Map<(typeof checked)[number], number>()
  if (written.length === 0) return entries.map(() => null)

  const row = (entry: EntryInput) => [entry.kind, entry.memo, entry.checkoutId ?? null, entry.orderId ?? null, entry.paymentId ?? null, entry.refundId ?? null]
  const keyOf = (r: { kind: string; memo: string; checkoutId: number | null; orderId: number | null; paymentId: number | null; refundId: number | null }) =>
    JSON.stringify([r.kind, r.memo, r.checkoutId, r.orderId, r.paymentId, r.refundId])
  const keys = written.map((c) => JSON.stringify(row(c.entry)))
  if (written.length > 1 && new Set(keys).size === keys.length) {
    // One statement; each returned id is matched to its entry by the entry's own columns
    // (SQLite does not promise RETURNING rows in VALUES order).
    const { rows: inserted } = await runPrebuilt<{
      id: number
      kind: string
      memo: string
      checkoutId: number | null
      orderId: number | null
      paymentId: number | null
      refundId: number | null
    }>(
      db,
      `insert into journal_entries (${entryColumns}) values ${placeholders(written.length, 7)}
        returning id, kind, memo, checkout_id, order_id, payment_id, refund_id`,
      written.flatMap((c) => [...row(c.entry), now]),
    )
    const byKey = new Map(inserted.map((r) => [keyOf(r), r.id]))
    written.forEach((c, i) => ids.set(c, byKey.get(keys[i]!)!))
  } else {
    for (const c of written) {
      const { rows } = await runPrebuilt<{ id: number }>(db, `insert into journal_entries (${entryColumns}) values ${placeholders(1, 7)} returning id`, [
        ...row(c.entry),
        now,
      ])
      ids.set(c, rows[0]!.id)
    }
  }

  const accounts = await accountIds(
    db,
    written.flatMap((c) => c.postings.map((p) => p.account)),
  )
  const rows: { entryId: number; accountId: number; amount: number; currency: string }[] = []
  let next = 0
  for (const c of written) {
    const entryId = ids.get(c)!
    // Same-account postings are merged: one row per account keeps the ledger readable.
    const byAccount = new Map<number, { amount: number; currency: string }>()
    for (const p of c.postings) {
      const id = accounts[next++]!
      const merged = byAccount.get(id)
      if (merged) merged.amount += p.amount
      else byAccount.set(id, { amount: p.amount, currency: p.account.currency })
    }
    for (const [accountId, p] of byAccount) if (p.amount !== 0) rows.push({ entryId, accountId, ...p })
  }
  if (rows.length) {
    await runPrebuilt(
      db,
      `insert into postings (entry_id, account_id, amount, currency) values ${placeholders(rows.length, 4)}`,
      rows.flatMap((r) => [r.entryId, r.accountId, r.amount, r.currency]),
    )
  }
  return checked.map((c) => ids.get(c) ?? null)
}

/** Appends the mirror image of `entryId`, linked to it; an entry is reversed at most once. */
export async function reverseEntry(db: Db, entryId: number, reason: { memo: string; refundId?: number | null }, now: string): Promise<number> {
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

/**
 * Whether a database error is the ledger refusing a posting that would take a fund, a buyer's
 * credit or a producer's balance below zero (the postings_no_overdraft trigger).
 */
export function isOverdraft(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('overdraft:')
}

export function isDebitNormal(kind: LedgerAccountKind): boolean {
  return kind === 'payment_clearing' || kind === 'orders_receivable' || kind === 'disbursements'
}
