import { sql, type Kysely } from 'kysely'
import type { CommonsFundKind, DB, ReciprocityClassName } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { type Money, moneyIn } from '../../lib/money'
import { orderReference } from '../orders/reference'
import { clock } from '../../lib/clock'

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
  const account = await db
    .selectFrom('ledgerAccounts')
    .select('id')
    .where('kind', '=', 'commons_fund')
    .where('commonsFundId', '=', fund.id)
    .where('currency', '=', fund.currency)
    .executeTakeFirst()
  const totals = account
    ? await db
        .selectFrom('postings')
        .select([
          sql<number>`coalesce(sum(case when amount < 0 then -amount else 0 end), 0)`.as('credits'),
          sql<number>`coalesce(sum(case when amount > 0 then amount else 0 end), 0)`.as('debits'),
        ])
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
              .select(sql<string>`string_agg(l.offer_title, '\u001f')`.as('t'))
              .whereRef('l.orderId', '=', 'e.orderId')
              .where((w) => w.or([w('l.commonsFundId', '=', fund.id), w('l.infrastructureFundId', '=', fund.id)]))
              .as('offers'),
        ])
        .where('p.accountId', '=', account.id)
        .orderBy('p.id', 'desc')
        .limit(limit)
        .execute()
    : []
  const money = moneyIn(fund.currency)
  return {
    fund: {
      id: fund.id,
      slug: fund.slug,
      name: fund.name,
      purpose: fund.purpose,
      kind: fund.kind,
      currency: fund.currency,
      steward: fund.stewardName && fund.stewardSlug ? { name: fund.stewardName, slug: fund.stewardSlug } : null,
    },
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

export interface FundDisbursement {
  id: number
  amount: Money
  recipient: string
  purpose: string
  status: 'requested' | 'approved' | 'rejected' | 'withdrawn'
  requestedBy: { id: number; name: string }
  requestedAt: string
  decidedBy: string | null
  decidedAt: string | null
  decisionReason: string | null
}

/** The fund's disbursements (newest first), its audit trail, and monthly inflows and outflows. */
export async function fundActivity(db: Kysely<DB>, fundId: number, currency: string, now = clock.now()) {
  const money = moneyIn(currency)
  const [disbursements, audit, monthly] = await Promise.all([
    db
      .selectFrom('disbursements as d')
      .innerJoin('people as r', 'r.id', 'd.requestedBy')
      .leftJoin('people as s', 's.id', 'd.decidedBy')
      .select([
        'd.id',
        'd.amount',
        'd.recipient',
        'd.purpose',
        'd.status',
        'd.requestedAt',
        'd.decidedAt',
        'd.decisionReason',
        'r.id as requesterId',
        'r.displayName as requester',
        's.displayName as decider',
      ])
      .where('d.commonsFundId', '=', fundId)
      .orderBy('d.id', 'desc')
      .limit(50)
      .execute(),
    db
      .selectFrom('fundAuditEvents as a')
      .leftJoin('people as p', 'p.id', 'a.actorId')
      .select(['a.id', 'a.action', 'a.detail', 'a.createdAt', 'p.displayName as actor'])
      .where('a.commonsFundId', '=', fundId)
      .orderBy('a.id', 'desc')
      .limit(50)
      .execute(),
    sql<{ month: string; inflow: number; outflow: number }>`
      select substr(e.created_at, 1, 7) as month,
        sum(case when p.amount < 0 then -p.amount else 0 end) as inflow,
        sum(case when p.amount > 0 then p.amount else 0 end) as outflow
      from postings p
      join journal_entries e on e.id = p.entry_id
      join ledger_accounts a on a.id = p.account_id
      where a.kind = 'commons_fund' and a.commons_fund_id = ${fundId} and a.currency = ${currency}
      group by month order by month`.execute(db),
  ])
  // The last twelve months, empty ones included, so the chart's time axis is even.
  const byMonth = new Map(monthly.rows.map((r) => [r.month, r]))
  const months: { month: string; inflow: number; outflow: number }[] = []
  const end = new Date(now)
  for (let i = 11; i >= 0; i--) {
    const month = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - i, 1)).toISOString().slice(0, 7)
    const row = byMonth.get(month)
    months.push({ month, inflow: Number(row?.inflow ?? 0), outflow: Number(row?.outflow ?? 0) })
  }
  return {
    disbursements: disbursements.map((d): FundDisbursement => ({
      id: d.id,
      amount: money(d.amount),
      recipient: d.recipient,
      purpose: d.purpose,
      status: d.status,
      requestedBy: { id: d.requesterId, name: d.requester },
      requestedAt: d.requestedAt,
      decidedBy: d.decider,
      decidedAt: d.decidedAt,
      decisionReason: d.decisionReason,
    })),
    audit,
    months,
  }
}

export interface FundLedgerRow {
  entryId: number
  at: string
  /** positive: into the fund; negative: out of it */
  amount: number
  currency: string
  kind: string
  memo: string
  orderReference: string | null
  offers: string[]
  buyerClass: ReciprocityClassName | null
  disbursementId: number | null
  reversesEntryId: number | null
}

/** Every posting on the fund's account, oldest first: what the exports and the annual report read. */
export async function fundLedger(db: Kysely<DB>, fundId: number, range: { from?: string; to?: string } = {}): Promise<FundLedgerRow[]> {
  let query = db
    .selectFrom('postings as p')
    .innerJoin('ledgerAccounts as a', 'a.id', 'p.accountId')
    .innerJoin('journalEntries as e', 'e.id', 'p.entryId')
    .leftJoin('orders as o', 'o.id', 'e.orderId')
    .leftJoin('disbursements as d', 'd.journalEntryId', 'e.id')
    .select([
      'e.id',
      'e.createdAt',
      'e.kind',
      'e.memo',
      'e.checkoutId',
      'e.orderId',
      'e.reversesEntryId',
      'o.reciprocityClass',
      'p.amount',
      'p.currency',
      'd.id as disbursementId',
      (eb) =>
        eb
          .selectFrom('orderLines as l')
          .select(sql<string>`string_agg(l.offer_title, '\u001f')`.as('t'))
          .whereRef('l.orderId', '=', 'e.orderId')
          .where((w) => w.or([w('l.commonsFundId', '=', fundId), w('l.infrastructureFundId', '=', fundId)]))
          .as('offers'),
    ])
    .where('a.kind', '=', 'commons_fund')
    .where('a.commonsFundId', '=', fundId)
  if (range.from) query = query.where('e.createdAt', '>=', range.from)
  if (range.to) query = query.where('e.createdAt', '<', range.to)
  const rows = await query.orderBy('p.id').execute()
  return rows.map((r) => ({
    entryId: r.id,
    at: r.createdAt,
    amount: -r.amount,
    currency: r.currency,
    kind: r.kind,
    memo: r.memo,
    orderReference: r.checkoutId !== null && r.orderId !== null ? orderReference(r.checkoutId, r.orderId) : null,
    offers: (r.offers ?? '').split('\u001f').filter(Boolean),
    buyerClass: r.reciprocityClass,
    disbursementId: r.disbursementId,
    reversesEntryId: r.reversesEntryId,
  }))
}

export async function fundBySlug(db: Kysely<DB>, slug: string) {
  const fund = await db.selectFrom('commonsFunds').selectAll().where('slug', '=', slug).executeTakeFirst()
  if (!fund) throw new AppError('not_found', 'There is no commons fund at this address.')
  return fund
}

export interface AnnualReport {
  fund: { slug: string; name: string; purpose: string; currency: string }
  year: number
  openingBalance: Money
  inflow: Money
  outflow: Money
  closingBalance: Money
  inflowByClass: { buyerClass: ReciprocityClassName | 'other'; amount: Money }[]
  inflowByOffer: { offer: string; amount: Money }[]
  disbursements: { id: number; at: string; amount: Money; memo: string }[]
  purchases: number
}

/** A fund's year in figures, all from the ledger. @throws AppError not_found */
export async function fundAnnualReport(db: Kysely<DB>, slug: string, year: number): Promise<AnnualReport> {
  const fund = await fundBySlug(db, slug)
  const from = `${year}-01-01T00:00:00.000Z`
  const to = `${year + 1}-01-01T00:00:00.000Z`
  const [before, rows] = await Promise.all([fundLedger(db, fund.id, { to: from }), fundLedger(db, fund.id, { from, to })])
  const money = moneyIn(fund.currency)
  const opening = before.reduce((s, r) => s + r.amount, 0)
  const inflow = rows.filter((r) => r.amount > 0).reduce((s, r) => s + r.amount, 0)
  const outflow = rows.filter((r) => r.amount < 0).reduce((s, r) => s - r.amount, 0)
  const byClass = new Map<string, number>()
  const byOffer = new Map<string, number>()
  const purchases = new Set<string>()
  for (const r of rows) {
    if (r.kind === 'disbursement') continue
    byClass.set(r.buyerClass ?? 'other', (byClass.get(r.buyerClass ?? 'other') ?? 0) + r.amount)
    if (r.orderReference) purchases.add(r.orderReference)
    // keyed by the order's offers in this fund: one key per product line, as buyers know them
    const key = r.offers.join(', ') || r.memo
    byOffer.set(key, (byOffer.get(key) ?? 0) + r.amount)
  }
  return {
    fund: { slug: fund.slug, name: fund.name, purpose: fund.purpose, currency: fund.currency },
    year,
    openingBalance: money(opening),
    inflow: money(inflow),
    outflow: money(outflow),
    closingBalance: money(opening + inflow - outflow),
    inflowByClass: [...byClass]
      .filter(([, a]) => a !== 0)
      .map(([buyerClass, amount]) => ({ buyerClass: buyerClass as ReciprocityClassName | 'other', amount: money(amount) })),
    inflowByOffer: [...byOffer]
      .filter(([, a]) => a !== 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([offer, amount]) => ({ offer, amount: money(amount) })),
    disbursements: rows
      .filter((r) => r.kind === 'disbursement')
      .map((r) => ({ id: r.disbursementId ?? r.entryId, at: r.at, amount: money(-r.amount), memo: r.memo })),
    purchases: purchases.size,
  }
}
