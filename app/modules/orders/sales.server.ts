import { sql, type Kysely } from 'kysely'
import type { CheckoutProvider, DB, OrderStatus, ReciprocityClassName } from '../../../db/schema'
import { containsText } from '../../lib/like'
import { type Money, money } from '../../lib/money'
import { requireMembership } from '../organisations/membership.server'
import { orderReference } from './reference'
import { PAGE_SIZE } from './receipts.server'

// What a producer reads about the orders it receives: its sales list, filtered and paged.

export interface SaleSummary {
  id: number
  reference: string
  createdAt: string
  status: OrderStatus
  cancelReason: string | null
  provider: CheckoutProvider
  reciprocityClass: ReciprocityClassName
  buyer: string
  buyingFor: string | null
  /** the use the buyer signed at checkout, in their words; null for orders placed before buyers signed one */
  declaredUse: string | null
  /** personal use declared by a member of these for-profit organisations: the order is flagged */
  forProfitAffiliation: string | null
  total: Money
  accessFeeTotal: Money
  /** paid from a credit the marketplace owed the buyer organisation: the seller is paid it all the same */
  creditApplied: Money
  expiresAt: string
  shippedAt: string | null
  shippingNote: string | null
  fulfilledAt: string | null
  lines: { title: string; quantity: number; unit: string }[]
}

export interface SalesFilter {
  status?: OrderStatus
  reciprocityClass?: ReciprocityClassName
  /** YYYY-MM-DD, inclusive, UTC */
  from?: string
  to?: string
  /** an order reference (SM-12 or SM-12-34) or part of the buyer's name */
  q?: string
  page?: number
}

/** An organisation's incoming orders, newest first; members only. @throws AppError forbidden */
export async function listSales(
  db: Kysely<DB>,
  personId: number,
  organisationId: number,
  filter: SalesFilter = {},
): Promise<{ sales: SaleSummary[]; page: number; pageCount: number; total: number }> {
  await requireMembership(db, personId, organisationId)
  const page = filter.page ?? 1
  let base = db.selectFrom('orders as o').innerJoin('people as p', 'p.id', 'o.buyerPersonId').where('o.organisationId', '=', organisationId)
  if (filter.status) base = base.where('o.status', '=', filter.status)
  if (filter.reciprocityClass) base = base.where('o.reciprocityClass', '=', filter.reciprocityClass)
  if (filter.from) base = base.where('o.createdAt', '>=', `${filter.from}T00:00:00.000Z`)
  if (filter.to) base = base.where('o.createdAt', '<', new Date(Date.parse(`${filter.to}T00:00:00.000Z`) + 86_400_000).toISOString())
  const reference = filter.q ? /^\s*SM-(\d+)(?:-(\d+))?\s*$/i.exec(filter.q) : null
  if (reference) {
    base = base.where('o.checkoutId', '=', Number(reference[1]))
    if (reference[2]) base = base.where('o.id', '=', Number(reference[2]))
  } else if (filter.q) {
    base = base.where(containsText(sql.ref('p.display_name'), filter.q.trim()))
  }
  const { n } = await base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()
  const rows = await base
    .innerJoin('checkouts as c', 'c.id', 'o.checkoutId')
    .leftJoin('organisations as bo', 'bo.id', 'o.buyerOrganisationId')
    .select([
      'o.id',
      'o.checkoutId',
      'o.createdAt',
      'o.status',
      'o.cancelReason',
      'o.reciprocityClass',
      'o.total',
      'o.accessFeeTotal',
      'o.creditApplied',
      'o.currency',
      'o.expiresAt',
      'o.shippedAt',
      'o.shippingNote',
      'o.fulfilledAt',
      'c.provider',
      'c.declaredUse',
      'c.forProfitAffiliation',
      'p.displayName as buyer',
      'bo.name as buyingFor',
    ])
    .orderBy('o.id', 'desc')
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE)
    .execute()
  const lines = rows.length
    ? await db
        .selectFrom('orderLines')
        .select(['orderId', 'offerTitle', 'quantity', 'unit'])
        .where(
          'orderId',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('id')
        .execute()
    : []
  return {
    sales: rows.map((r) => ({
      id: r.id,
      reference: orderReference(r.checkoutId, r.id),
      createdAt: r.createdAt,
      status: r.status,
      cancelReason: r.cancelReason,
      provider: r.provider,
      reciprocityClass: r.reciprocityClass,
      buyer: r.buyer,
      buyingFor: r.buyingFor,
      declaredUse: r.declaredUse,
      forProfitAffiliation: r.forProfitAffiliation,
      total: money(r.total, r.currency),
      accessFeeTotal: money(r.accessFeeTotal, r.currency),
      creditApplied: money(r.creditApplied, r.currency),
      expiresAt: r.expiresAt,
      shippedAt: r.shippedAt,
      shippingNote: r.shippingNote,
      fulfilledAt: r.fulfilledAt,
      lines: lines.filter((l) => l.orderId === r.id).map((l) => ({ title: l.offerTitle, quantity: l.quantity, unit: l.unit })),
    })),
    page,
    pageCount: Math.max(1, Math.ceil(n / PAGE_SIZE)),
    total: n,
  }
}
