import { sql, type Kysely } from 'kysely'
import { stringify } from 'csv-stringify/sync'
import type { DB, ReciprocityClassName } from '../../../db/schema'
import { toDecimalString, type Money, moneyIn } from '../../lib/money'
import { balanceOf } from '../ledger/ledger.server'
import { requireMembership } from '../organisations/membership.server'
import { orderReference } from './reference'
import { spreadsheetSafe } from '../../lib/spreadsheet'
import { clock } from '../../lib/clock'

// What a co-op sold: by buyer class, by offer and over time; the access fees its sales
// generated and where they went; and what it is owed, read from the ledger itself.

/** Sales count once paid; refunded and cancelled orders are not sales. */
const soldStatuses = ['paid', 'fulfilled'] as const

export interface SalesRange {
  /** YYYY-MM-DD, inclusive, UTC */
  from: string
  to: string
}

export interface SalesDashboard {
  range: SalesRange
  currency: string
  totals: { orders: number; units: number; revenue: Money; accessFees: Money }
  byClass: { reciprocityClass: ReciprocityClassName; orders: number; revenue: Money; accessFees: Money }[]
  byOffer: { offerId: number; slug: string; title: string; units: number; revenue: Money; accessFees: Money }[]
  /** one entry per ISO week (Monday) in the range, empty weeks included */
  overTime: { weekStart: string; commoner: number; forProfit: number }[]
  feeDestinations: { to: string; slug: string | null; amount: Money }[]
  /** the producer-payable balance: what the marketplace holds for this organisation */
  owed: Money
}

const dayMs = 86_400_000
const startOf = (day: string) => `${day}T00:00:00.000Z`
const endOf = (day: string) => new Date(Date.parse(startOf(day)) + dayMs).toISOString()
function mondayOf(iso: string): string {
  const d = new Date(iso)
  const back = (d.getUTCDay() + 6) % 7
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - back)).toISOString().slice(0, 10)
}

/** The default range: the last twelve weeks up to today. */
export function defaultSalesRange(now = clock.now()): SalesRange {
  const to = now.slice(0, 10)
  return { from: new Date(Date.parse(startOf(to)) - 83 * dayMs).toISOString().slice(0, 10), to }
}

async function currencyOf(db: Kysely<DB>, organisationId: number): Promise<string> {
  const row = await db.selectFrom('offers').select('currency').where('organisationId', '=', organisationId).orderBy('id').executeTakeFirst()
  return row?.currency ?? 'EUR'
}

/** @throws AppError forbidden for non-members */
export async function salesDashboard(db: Kysely<DB>, personId: number, organisationId: number, range: SalesRange): Promise<SalesDashboard> {
  await requireMembership(db, personId, organisationId)
  const currency = await currencyOf(db, organisationId)
  const money = moneyIn(currency)
  const sold = () =>
    db
      .selectFrom('orders as o')
      .where('o.organisationId', '=', organisationId)
      .where('o.status', 'in', soldStatuses)
      .where('o.currency', '=', currency)
      .where('o.paidAt', '>=', startOf(range.from))
      .where('o.paidAt', '<', endOf(range.to))

  const [totals, byClass, byOffer, weeks, destinations, owed] = await Promise.all([
    sold()
      .innerJoin('orderLines as l', 'l.orderId', 'o.id')
      .select([
        sql<number>`count(distinct o.id)`.as('orders'),
        sql<number>`coalesce(sum(l.quantity), 0)`.as('units'),
        sql<number>`coalesce(sum(l.unit_price * l.quantity), 0)`.as('revenue'),
        sql<number>`coalesce(sum((l.unit_price - l.commoner_price) * l.quantity), 0)`.as('fees'),
      ])
      .executeTakeFirstOrThrow(),
    sold()
      .select([
        'o.reciprocityClass',
        sql<number>`count(*)`.as('orders'),
        sql<number>`sum(o.total)`.as('revenue'),
        sql<number>`sum(o.access_fee_total)`.as('fees'),
      ])
      .groupBy('o.reciprocityClass')
      .orderBy('o.reciprocityClass')
      .execute(),
    sold()
      .innerJoin('orderLines as l', 'l.orderId', 'o.id')
      .innerJoin('offers as f', 'f.id', 'l.offerId')
      .select([
        'l.offerId',
        'f.slug',
        'f.title',
        sql<number>`sum(l.quantity)`.as('units'),
        sql<number>`sum(l.unit_price * l.quantity)`.as('revenue'),
        sql<number>`sum((l.unit_price - l.commoner_price) * l.quantity)`.as('fees'),
      ])
      .groupBy(['l.offerId', 'f.slug', 'f.title'])
      .orderBy('revenue', 'desc')
      .orderBy('l.offerId')
      .limit(10)
      .execute(),
    sold().select(['o.paidAt', 'o.reciprocityClass', 'o.total']).execute(),
    sold()
      .innerJoin('orderLines as l', 'l.orderId', 'o.id')
      .select([
        sql<number>`sum(l.producer_amount - l.commoner_price * l.quantity)`.as('producer'),
        'l.commonsFundId',
        sql<number>`sum(l.commons_fund_amount)`.as('fund'),
        'l.infrastructureFundId',
        sql<number>`sum(l.infrastructure_amount)`.as('infrastructure'),
      ])
      .groupBy(['l.commonsFundId', 'l.infrastructureFundId'])
      .execute(),
    balanceOf(db, { kind: 'producer_payable', organisationId, currency }),
  ])

  const overTime = new Map<string, { commoner: number; forProfit: number }>()
  for (let day = mondayOf(startOf(range.from)); day <= range.to; day = new Date(Date.parse(startOf(day)) + 7 * dayMs).toISOString().slice(0, 10)) {
    overTime.set(day, { commoner: 0, forProfit: 0 })
  }
  for (const w of weeks) {
    const week = overTime.get(mondayOf(w.paidAt!))
    if (!week) continue
    if (w.reciprocityClass === 'commoner') week.commoner += w.total
    else week.forProfit += w.total
  }

  const fundIds = [...new Set(destinations.flatMap((d) => [d.commonsFundId, d.infrastructureFundId]))]
  const funds = fundIds.length ? await db.selectFrom('commonsFunds').select(['id', 'name', 'slug']).where('id', 'in', fundIds).execute() : []
  const fundAmounts = new Map<number, number>()
  let producerShare = 0
  for (const d of destinations) {
    producerShare += Number(d.producer)
    fundAmounts.set(d.commonsFundId, (fundAmounts.get(d.commonsFundId) ?? 0) + Number(d.fund))
    fundAmounts.set(d.infrastructureFundId, (fundAmounts.get(d.infrastructureFundId) ?? 0) + Number(d.infrastructure))
  }

  return {
    range,
    currency,
    totals: { orders: Number(totals.orders), units: Number(totals.units), revenue: money(totals.revenue), accessFees: money(totals.fees) },
    byClass: byClass.map((c) => ({ reciprocityClass: c.reciprocityClass, orders: Number(c.orders), revenue: money(c.revenue), accessFees: money(c.fees) })),
    byOffer: byOffer.map((o) => ({
      offerId: o.offerId,
      slug: o.slug,
      title: o.title,
      units: Number(o.units),
      revenue: money(o.revenue),
      accessFees: money(o.fees),
    })),
    overTime: [...overTime].map(([weekStart, v]) => ({ weekStart, ...v })),
    feeDestinations: [
      { to: 'Your organisation (producer share)', slug: null, amount: money(producerShare) },
      ...funds
        .map((f) => ({ to: f.name, slug: f.slug, amount: money(fundAmounts.get(f.id) ?? 0) }))
        .filter((d) => d.amount.amount > 0)
        .sort((a, b) => b.amount.amount - a.amount.amount),
    ],
    owed: money(owed),
  }
}

/** Every order line the organisation sold in the range, as CSV (one line per row). */
export async function salesCsv(db: Kysely<DB>, personId: number, organisationId: number, range: SalesRange): Promise<string> {
  await requireMembership(db, personId, organisationId)
  const rows = await db
    .selectFrom('orders as o')
    .innerJoin('orderLines as l', 'l.orderId', 'o.id')
    .innerJoin('people as p', 'p.id', 'o.buyerPersonId')
    .leftJoin('organisations as bo', 'bo.id', 'o.buyerOrganisationId')
    .innerJoin('commonsFunds as f', 'f.id', 'l.commonsFundId')
    .select([
      'o.id',
      'o.checkoutId',
      'o.createdAt',
      'o.paidAt',
      'o.status',
      'o.reciprocityClass',
      'o.currency',
      'p.displayName as buyer',
      'bo.name as buyingFor',
      'l.offerTitle',
      'l.quantity',
      'l.unitPrice',
      'l.commonerPrice',
      'l.producerAmount',
      'f.name as fund',
      'l.commonsFundAmount',
      'l.infrastructureAmount',
    ])
    .where('o.organisationId', '=', organisationId)
    .where('o.createdAt', '>=', startOf(range.from))
    .where('o.createdAt', '<', endOf(range.to))
    .orderBy('o.id')
    .orderBy('l.id')
    .execute()
  const d = (n: number, currency: string) => toDecimalString(n, currency)
  return (
    '\uFEFF' +
    stringify(
      rows.map((r) => [
        orderReference(r.checkoutId, r.id),
        r.createdAt,
        r.paidAt ?? '',
        r.status,
        r.reciprocityClass,
        spreadsheetSafe(r.buyer),
        spreadsheetSafe(r.buyingFor ?? ''),
        spreadsheetSafe(r.offerTitle),
        r.quantity,
        r.currency,
        d(r.unitPrice, r.currency),
        d(r.unitPrice * r.quantity, r.currency),
        d((r.unitPrice - r.commonerPrice) * r.quantity, r.currency),
        d(r.producerAmount, r.currency),
        spreadsheetSafe(r.fund),
        d(r.commonsFundAmount, r.currency),
        d(r.infrastructureAmount, r.currency),
      ]),
      {
        header: true,
        columns: [
          'order',
          'placed_at',
          'paid_at',
          'status',
          'buyer_class',
          'buyer',
          'buying_for',
          'offer',
          'quantity',
          'currency',
          'unit_price',
          'line_total',
          'access_fee',
          'to_producer',
          'commons_fund',
          'to_commons_fund',
          'to_infrastructure',
        ],
      },
    )
  )
}
