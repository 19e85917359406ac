import { sql, type Kysely } from 'kysely'
import type { CommonsFundKind, DB, ReciprocityClassName } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import type { Money } from '../../lib/money'
import { orderReference } from '../orders/place-order.server'

// A commons fund as the ledger sees it: everything here is summed from postings, never from
// orders, so the page shows the books themselves.

export interface FundMovement {
  entryId: number
  at: string
  amount: Money
  memo: string
  orderReference: string | null
  offers: string[]
  buyerClass: ReciprocityClassName | null
  reversal: boolean
}

export interface FundSummary {
  fund: { id: number; slug: string; name: string; purpose: string; kind: CommonsFundKind; currency: string; steward: { name: string; slug: string } | null }
  balance: Money
  inflow: Money
  outflow: Money
  movements: FundMovement[]
}

export async function getFundSummary(db: Kysely<DB>, slug: string, limit = 20): Promise<FundSummary> {
  const fund = await db
    .selectFrom('commonsFunds as f')
    .leftJoin('organisations as o', 'o.id', 'f.stewardOrganisationId')
    .select(['f.id', 'f.slug', 'f.name', 'f.purpose', 'f.kind', 'f.currency', 'o.name as stewardName', 'o.slug as stewardSlug'])
    .where('f.slug', '=', slug)
    .executeTakeFirst()
  if (!fund) throw new AppError('not_found', 'There is no commons fund at this address.')
  const account = await db.selectFrom('ledgerAccounts').select('id').where('kind', '=', 'commons_fund').where('commonsFundId', '=', fund.id).where('currency', '=', fund.currency).executeTakeFirst()
  const totals = account
    ? await db
        .selectFrom('postings')
        .select([sql<number>`coalesce(sum(case when amount < 0 then -amount else 0 end), 0)`.as('credits'), sql<number>`coalesce(sum(case when amount > 0 then amount else 0 end), 0)`.as('debits')])
        .where('accountId', '=', account.id)
        .executeTakeFirstOrThrow()
    : { credits: 0, debits: 0 }
  const rows = account
    ? await db
        .selectFrom('postings as p')
        .innerJoin('journalEntries as e', 'e.id', 'p.entryId')
        .leftJoin('orders as o', 'o.id', 'e.orderId')
        .select([
          'e.id',
          'e.createdAt',
          'e.memo',
          'e.reversesEntryId',
          'e.checkoutId',
          'e.orderId',
          'o.reciprocityClass',
          'p.amount',
          (eb) =>
            eb
              .selectFrom('orderLines as l')
              .select(sql<string>`group_concat(l.offer_title, '\u001f')`.as('t'))
              .whereRef('l.orderId', '=', 'e.orderId')
              .where((w) => w.or([w('l.commonsFundId', '=', fund.id), w('l.infrastructureFundId', '=', fund.id)]))
              .as('offers'),
        ])
        .where('p.accountId', '=', account.id)
        .orderBy('p.id', 'desc')
        .limit(limit)
        .execute()
    : []
  const money = (amount: number): Money => ({ amount, currency: fund.currency })
  return {
    fund: { id: fund.id, slug: fund.slug, name: fund.name, purpose: fund.purpose, kind: fund.kind, currency: fund.currency, steward: fund.stewardName && fund.stewardSlug ? { name: fund.stewardName, slug: fund.stewardSlug } : null },
    // A fund's account is credit-normal: what it holds is its credits less its debits.
    balance: money(totals.credits - totals.debits),
    inflow: money(totals.credits),
    outflow: money(totals.debits),
    movements: rows.map((r) => ({
      entryId: r.id,
      at: r.createdAt,
      amount: money(-r.amount),
      memo: r.memo,
      orderReference: r.checkoutId !== null && r.orderId !== null ? orderReference(r.checkoutId, r.orderId) : null,
      offers: (r.offers ?? '').split('\u001f').filter(Boolean),
      buyerClass: r.reciprocityClass,
      reversal: r.reversesEntryId !== null,
    })),
  }
}
