import { sql, type ExpressionBuilder, type Kysely } from 'kysely'
import type { CheckoutProvider, DB, OrderStatus, ReciprocityClassName } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { type Money, money } from '../../lib/money'
import { orderReference } from './reference'

// What buyers read about their orders: purchase history and receipts. A producer's incoming
// orders are in sales.server.ts, access to obtained commons resources in downloads.server.ts.

export const PAGE_SIZE = 20

export interface ReceiptLine {
  offerId: number
  offerSlug: string
  title: string
  kind: 'good' | 'commons'
  unit: string
  licenceCode: string | null
  quantity: number
  unitPrice: Money
  commonerPrice: Money
  lineTotal: Money
  accessFee: Money
  producerAmount: Money
  commonsFund: { slug: string; name: string; amount: Money }
  infrastructure: { slug: string; name: string; amount: Money }
  score: number
  scoreConfidence: number
  rulesVersion: number
  /** a commons resource the buyer may download now */
  download: { kind: 'file' | 'link'; href: string; label: string } | null
}

export interface ReceiptOrder {
  id: number
  reference: string
  producer: { id: number; name: string; slug: string }
  status: OrderStatus
  cancelReason: string | null
  total: Money
  accessFeeTotal: Money
  /** the part of the total paid from a credit the buyer organisation was owed (given back if the order is cancelled or refunded) */
  creditApplied: Money
  paidAt: string | null
  refundedAt: string | null
  cancelledAt: string | null
  shippedAt: string | null
  shippingNote: string | null
  fulfilledAt: string | null
  lines: ReceiptLine[]
}

export interface Receipt {
  checkoutId: number
  reference: string
  createdAt: string
  expiresAt: string
  provider: CheckoutProvider
  reciprocityClass: ReciprocityClassName
  classReason: string
  buyingFor: { name: string; slug: string } | null
  /** set when this checkout is a back-charge: the order it corrects, and the buyer may choose card or transfer */
  backCharge: { corrects: string } | null
  total: Money
  accessFeeTotal: Money
  /** paid from the buyer organisation's credit, on orders that still stand */
  creditApplied: Money
  /** still to pay by card or invoice */
  awaitingPayment: Money
  orders: ReceiptOrder[]
  /** where this purchase's access fees went, per fund */
  feeDestinations: { slug: string; name: string; amount: Money }[]
}

/**
 * Who may read a checkout: the person who placed it and, for a purchase made for an
 * organisation, its members (a back-charge, say, is the organisation's to pay).
 */
export function visibleTo(eb: ExpressionBuilder<DB & { c: DB['checkouts'] }, 'c'>, personId: number) {
  return eb.or([
    eb('c.buyerPersonId', '=', personId),
    eb('c.buyerOrganisationId', 'in', eb.selectFrom('memberships').select('organisationId').where('personId', '=', personId)),
  ])
}
const isDelivered = (status: OrderStatus) => status === 'paid' || status === 'fulfilled'

/** A buyer's receipt for one checkout. @throws AppError not_found when it is not theirs */
export async function getReceipt(db: Kysely<DB>, personId: number, checkoutId: number): Promise<Receipt> {
  const checkout = await db
    .selectFrom('checkouts as c')
    .leftJoin('organisations as bo', 'bo.id', 'c.buyerOrganisationId')
    .select([
      'c.id',
      'c.createdAt',
      'c.expiresAt',
      'c.provider',
      'c.reciprocityClass',
      'c.classReason',
      'c.currency',
      'bo.name as buyerOrgName',
      'bo.slug as buyerOrgSlug',
    ])
    .where('c.id', '=', checkoutId)
    .where((eb) => visibleTo(eb, personId))
    .executeTakeFirst()
  if (!checkout) throw new AppError('not_found', 'There is no such order among yours.')
  const orders = await db
    .selectFrom('orders as o')
    .innerJoin('organisations as org', 'org.id', 'o.organisationId')
    .leftJoin('orders as corrected', 'corrected.id', 'o.backChargeOfOrderId')
    .select(['corrected.id as correctsId', 'corrected.checkoutId as correctsCheckoutId'])
    .select([
      'o.id',
      'o.status',
      'o.cancelReason',
      'o.total',
      'o.accessFeeTotal',
      'o.creditApplied',
      'o.currency',
      'o.paidAt',
      'o.refundedAt',
      'o.cancelledAt',
      'o.shippedAt',
      'o.shippingNote',
      'o.fulfilledAt',
      'org.id as orgId',
      'org.name as orgName',
      'org.slug as orgSlug',
    ])
    .where('o.checkoutId', '=', checkoutId)
    .orderBy('o.id')
    .execute()
  const lines = await db
    .selectFrom('orderLines as l')
    .innerJoin('orders as o', 'o.id', 'l.orderId')
    .innerJoin('offers as off', 'off.id', 'l.offerId')
    .innerJoin('commonsFunds as f', 'f.id', 'l.commonsFundId')
    .innerJoin('commonsFunds as inf', 'inf.id', 'l.infrastructureFundId')
    .leftJoin('commonsResources as r', 'r.offerId', 'l.offerId')
    .select([
      'l.orderId',
      'l.offerId',
      'off.slug as offerSlug',
      'l.offerTitle',
      'l.offerKind',
      'l.unit',
      'l.licenceCode',
      'l.quantity',
      'l.unitPrice',
      'l.commonerPrice',
      'l.producerAmount',
      'l.commonsFundAmount',
      'l.infrastructureAmount',
      'l.score',
      'l.scoreConfidence',
      'l.rulesVersion',
      'f.slug as fundSlug',
      'f.name as fundName',
      'inf.slug as infSlug',
      'inf.name as infName',
      'r.kind as resourceKind',
      'r.fileName as resourceFileName',
      'o.status',
      'o.currency',
    ])
    .where('o.checkoutId', '=', checkoutId)
    .orderBy('l.id')
    .execute()
  const currency = checkout.currency
  const destinations = new Map<string, { slug: string; name: string; amount: number }>()
  const byOrder = new Map<number, ReceiptLine[]>()
  for (const l of lines) {
    const line: ReceiptLine = {
      offerId: l.offerId,
      offerSlug: l.offerSlug,
      title: l.offerTitle,
      kind: l.offerKind,
      unit: l.unit,
      licenceCode: l.licenceCode,
      quantity: l.quantity,
      unitPrice: money(l.unitPrice, l.currency),
      commonerPrice: money(l.commonerPrice, l.currency),
      lineTotal: money(l.unitPrice * l.quantity, l.currency),
      accessFee: money((l.unitPrice - l.commonerPrice) * l.quantity, l.currency),
      producerAmount: money(l.producerAmount, l.currency),
      commonsFund: { slug: l.fundSlug, name: l.fundName, amount: money(l.commonsFundAmount, l.currency) },
      infrastructure: { slug: l.infSlug, name: l.infName, amount: money(l.infrastructureAmount, l.currency) },
      score: l.score,
      scoreConfidence: l.scoreConfidence,
      rulesVersion: l.rulesVersion,
      download:
        l.offerKind === 'commons' && isDelivered(l.status) && l.resourceKind
          ? { kind: l.resourceKind, href: `/downloads/${l.offerId}`, label: l.resourceKind === 'file' ? `Download ${l.resourceFileName}` : 'Open the resource' }
          : null,
    }
    const list = byOrder.get(l.orderId) ?? []
    list.push(line)
    byOrder.set(l.orderId, list)
    if (isDelivered(l.status)) {
      for (const d of [line.commonsFund, line.infrastructure]) {
        if (d.amount.amount === 0) continue
        const prev = destinations.get(d.slug) ?? { slug: d.slug, name: d.name, amount: 0 }
        prev.amount += d.amount.amount
        destinations.set(d.slug, prev)
      }
    }
  }
  return {
    checkoutId: checkout.id,
    reference: orderReference(checkout.id),
    createdAt: checkout.createdAt,
    expiresAt: checkout.expiresAt,
    provider: checkout.provider,
    reciprocityClass: checkout.reciprocityClass,
    classReason: checkout.classReason,
    buyingFor: checkout.buyerOrgName && checkout.buyerOrgSlug ? { name: checkout.buyerOrgName, slug: checkout.buyerOrgSlug } : null,
    backCharge: orders[0]?.correctsId != null ? { corrects: orderReference(orders[0].correctsCheckoutId!, orders[0].correctsId) } : null,
    total: money(
      orders.reduce((s, o) => s + o.total, 0),
      currency,
    ),
    accessFeeTotal: money(
      orders.reduce((s, o) => s + o.accessFeeTotal, 0),
      currency,
    ),
    creditApplied: money(
      orders.filter((o) => o.status !== 'cancelled' && o.status !== 'refunded').reduce((s, o) => s + o.creditApplied, 0),
      currency,
    ),
    awaitingPayment: money(
      orders.filter((o) => o.status === 'pending_payment').reduce((s, o) => s + o.total - o.creditApplied, 0),
      currency,
    ),
    orders: orders.map((o) => ({
      id: o.id,
      reference: orderReference(checkout.id, o.id),
      producer: { id: o.orgId, name: o.orgName, slug: o.orgSlug },
      status: o.status,
      cancelReason: o.cancelReason,
      total: money(o.total, o.currency),
      accessFeeTotal: money(o.accessFeeTotal, o.currency),
      creditApplied: money(o.creditApplied, o.currency),
      paidAt: o.paidAt,
      refundedAt: o.refundedAt,
      cancelledAt: o.cancelledAt,
      shippedAt: o.shippedAt,
      shippingNote: o.shippingNote,
      fulfilledAt: o.fulfilledAt,
      lines: byOrder.get(o.id) ?? [],
    })),
    feeDestinations: [...destinations.values()].map((d) => ({ slug: d.slug, name: d.name, amount: money(d.amount, currency) })),
  }
}

export interface PurchaseSummary {
  checkoutId: number
  reference: string
  createdAt: string
  total: Money
  producers: string[]
  items: number
  statuses: OrderStatus[]
}

/** A buyer's purchases, newest first, PAGE_SIZE per page. */
export async function listPurchases(
  db: Kysely<DB>,
  personId: number,
  page = 1,
): Promise<{ purchases: PurchaseSummary[]; page: number; pageCount: number; total: number }> {
  const { n } = await db
    .selectFrom('checkouts')
    .select(sql<number>`count(*)`.as('n'))
    .where('buyerPersonId', '=', personId)
    .executeTakeFirstOrThrow()
  const pageCount = Math.max(1, Math.ceil(n / PAGE_SIZE))
  const rows = await db
    .selectFrom('checkouts as c')
    .select([
      'c.id',
      'c.createdAt',
      'c.total',
      'c.currency',
      (eb) =>
        eb
          .selectFrom('orders as o')
          .innerJoin('organisations as org', 'org.id', 'o.organisationId')
          .select(sql<string>`string_agg(org.name, '\u001f')`.as('names'))
          .whereRef('o.checkoutId', '=', 'c.id')
          .as('producers'),
      (eb) =>
        eb
          .selectFrom('orders as o')
          .select(sql<string>`string_agg(o.status, ',')`.as('s'))
          .whereRef('o.checkoutId', '=', 'c.id')
          .as('statuses'),
      (eb) =>
        eb
          .selectFrom('orderLines as l')
          .innerJoin('orders as o', 'o.id', 'l.orderId')
          .select(sql<number>`sum(l.quantity)`.as('q'))
          .whereRef('o.checkoutId', '=', 'c.id')
          .as('items'),
    ])
    .where('c.buyerPersonId', '=', personId)
    .orderBy('c.id', 'desc')
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE)
    .execute()
  return {
    purchases: rows.map((r) => ({
      checkoutId: r.id,
      reference: orderReference(r.id),
      createdAt: r.createdAt,
      total: money(r.total, r.currency),
      producers: (r.producers ?? '').split('\u001f').filter(Boolean),
      items: r.items ?? 0,
      statuses: (r.statuses ?? '').split(',').filter(Boolean) as OrderStatus[],
    })),
    page,
    pageCount,
    total: n,
  }
}
