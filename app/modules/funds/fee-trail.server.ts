import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { type Money, moneyIn } from '../../lib/money'
import { balanceOf } from '../ledger/ledger.server'
import { orderReference } from '../orders/reference'

// "Where did my fee go": a for-profit buyer follows one purchase's access fee into the funds
// it fed, and sees what those funds have paid out since.

export interface FeeTrail {
  checkoutId: number
  reference: string
  paidAt: string | null
  accessFee: Money
  producerShare: Money
  funds: {
    slug: string
    name: string
    purpose: string
    fromThisPurchase: Money
    balanceNow: Money
    paidOutSince: { id: number; at: string; amount: Money; recipient: string; purpose: string }[]
  }[]
}

/** @throws AppError not_found when the checkout is not this person's */
export async function feeTrail(db: Kysely<DB>, personId: number, checkoutId: number): Promise<FeeTrail> {
  const checkout = await db
    .selectFrom('checkouts')
    .select(['id', 'currency'])
    .where('id', '=', checkoutId)
    .where('buyerPersonId', '=', personId)
    .executeTakeFirst()
  if (!checkout) throw new AppError('not_found', 'There is no such order among yours.')
  const currency = checkout.currency
  const money = moneyIn(currency)
  const lines = await db
    .selectFrom('orderLines as l')
    .innerJoin('orders as o', 'o.id', 'l.orderId')
    .select([
      'o.paidAt',
      'l.quantity',
      'l.unitPrice',
      'l.commonerPrice',
      'l.producerAmount',
      'l.commonsFundId',
      'l.commonsFundAmount',
      'l.infrastructureFundId',
      'l.infrastructureAmount',
    ])
    .where('o.checkoutId', '=', checkout.id)
    .where('o.status', 'in', ['paid', 'fulfilled'])
    .execute()
  const paidAt =
    lines
      .map((l) => l.paidAt)
      .filter((p): p is string => p !== null)
      .sort()[0] ?? null
  const perFund = new Map<number, number>()
  let fee = 0
  let producer = 0
  for (const l of lines) {
    fee += (l.unitPrice - l.commonerPrice) * l.quantity
    producer += l.producerAmount - l.commonerPrice * l.quantity
    if (l.commonsFundAmount) perFund.set(l.commonsFundId, (perFund.get(l.commonsFundId) ?? 0) + l.commonsFundAmount)
    if (l.infrastructureAmount) perFund.set(l.infrastructureFundId, (perFund.get(l.infrastructureFundId) ?? 0) + l.infrastructureAmount)
  }
  const funds = perFund.size
    ? await db
        .selectFrom('commonsFunds')
        .select(['id', 'slug', 'name', 'purpose'])
        .where('id', 'in', [...perFund.keys()])
        .orderBy('name')
        .execute()
    : []
  return {
    checkoutId: checkout.id,
    reference: orderReference(checkout.id),
    paidAt,
    accessFee: money(fee),
    producerShare: money(producer),
    funds: await Promise.all(
      funds.map(async (f) => {
        const since = paidAt
          ? await db
              .selectFrom('disbursements')
              .select(['id', 'decidedAt', 'amount', 'recipient', 'purpose'])
              .where('commonsFundId', '=', f.id)
              .where('status', '=', 'approved')
              .where('decidedAt', '>=', paidAt)
              .orderBy('id')
              .execute()
          : []
        return {
          slug: f.slug,
          name: f.name,
          purpose: f.purpose,
          fromThisPurchase: money(perFund.get(f.id)!),
          balanceNow: money(await balanceOf(db, { kind: 'commons_fund', commonsFundId: f.id, currency })),
          paidOutSince: since.map((d) => ({ id: d.id, at: d.decidedAt!, amount: money(d.amount), recipient: d.recipient, purpose: d.purpose })),
        }
      }),
    ),
  }
}
