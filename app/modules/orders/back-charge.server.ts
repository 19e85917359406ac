import type { Kysely, Transaction } from 'kysely'
import type { DB, Db } from '../../../db/schema'
import { formatMoney } from '../../lib/money'
import { postEntry } from '../ledger/ledger.server'
import { priceLine, tierPriceInput } from '../pricing/pricing'
import { decideChallenge } from '../verification/challenges.server'
import { paymentWindowMinutes } from './place-order.server'
import { orderReference } from './reference'
import { clock } from '../../lib/clock'
import { releaseUnpaidOrder } from './settlement.server'

// A wrong classification is corrected forward and back-charged through the ledger (docs/design.md,
// "Credits and back-charges"). When a steward upholds a challenge against a legal form, every order that
// got the commoner price on the strength of that claim (orders.class_claim_id) is charged the
// difference: a back-charge is an order of its own, owed by the buyer organisation (a receivable
// in the ledger), paid by card or invoice like any order and shared out as the access fee would
// have been. Nothing already written is edited. Verification knows nothing of orders: the
// steward's decision goes through resolveChallenge, which posts the back-charges after it.

export interface BackCharge {
  orderId: number
  checkoutId: number
  /** the order placed under the overturned claim */
  correctsOrderId: number
  amount: number
  currency: string
}

/**
 * A steward decides a challenge; when it is upheld, the orders placed under the overturned claim
 * are back-charged. The back-charges are idempotent (one per order), so a retry after a crash
 * between the two steps charges what is missing and nothing twice.
 * @throws AppError as decideChallenge does
 */
export async function resolveChallenge(
  db: Kysely<DB>,
  stewardId: number,
  challengeId: number,
  decision: { uphold: boolean; reason: string },
  options: { provider?: 'stripe' | 'invoice' } = {},
  now = clock.now(),
): Promise<{ backCharges: BackCharge[] }> {
  await decideChallenge(db, stewardId, challengeId, decision, now)
  if (!decision.uphold) return { backCharges: [] }
  const challenge = await db.selectFrom('challenges').select(['claimId', 'decisionReason']).where('id', '=', challengeId).executeTakeFirstOrThrow()
  const backCharges = await db
    .transaction()
    .execute((trx) =>
      backChargeOverturnedClaim(trx, challenge.claimId, { reason: challenge.decisionReason ?? decision.reason, provider: options.provider ?? 'invoice' }, now),
    )
  return { backCharges }
}

/**
 * Charges the access fee that each paid order placed under `claimId` (now overturned) did not
 * pay. Orders already back-charged are skipped. Returns the back-charges written.
 */
export async function backChargeOverturnedClaim(
  trx: Transaction<DB>,
  claimId: number,
  input: { reason: string; provider: 'stripe' | 'invoice' },
  now: string,
): Promise<BackCharge[]> {
  const claim = await trx.selectFrom('evidenceClaims').select(['status', 'value']).where('id', '=', claimId).executeTakeFirst()
  if (claim?.status !== 'overturned') return []
  // Orders not yet paid are not owed at a price the claim no longer carries: they are called
  // off (stock back on sale) and the buyer orders again at the price that applies now.
  const unpaid = await trx
    .selectFrom('orders')
    .select('id')
    .where('classClaimId', '=', claimId)
    .where('reciprocityClass', '=', 'commoner')
    .where('status', '=', 'pending_payment')
    .execute()
  for (const o of unpaid) await releaseUnpaidOrder(trx, o.id, 'claim_overturned', now)
  const orders = await trx
    .selectFrom('orders as o')
    .innerJoin('organisations as b', 'b.id', 'o.buyerOrganisationId')
    .select(['o.id', 'o.checkoutId', 'o.organisationId', 'o.buyerPersonId', 'o.buyerOrganisationId', 'o.currency', 'b.name as buyerName'])
    .where('o.classClaimId', '=', claimId)
    .where('o.reciprocityClass', '=', 'commoner')
    .where('o.status', 'in', ['paid', 'fulfilled'])
    .where((eb) => eb.not(eb.exists(eb.selectFrom('orders as bc').select('bc.id').whereRef('bc.backChargeOfOrderId', '=', 'o.id'))))
    .orderBy('o.id')
    .execute()
  const written: BackCharge[] = []
  for (const order of orders) {
    const lines = await trx
      .selectFrom('orderLines as l')
      .innerJoin('offers as f', 'f.id', 'l.offerId')
      .select([
        'l.offerId',
        'l.offerTitle',
        'l.offerKind',
        'l.unit',
        'l.licenceCode',
        'l.quantity',
        'l.commonerPrice',
        'l.forProfitPrice',
        'l.commonsFundId',
        'l.infrastructureFundId',
        'l.score',
        'l.scoreConfidence',
        'l.rulesVersion',
        'f.accessFeeProducerBp',
        'f.accessFeeCommonsFundBp',
        'f.accessFeeInfrastructureBp',
      ])
      .where('l.orderId', '=', order.id)
      .orderBy('l.id')
      .execute()
    // Each line owes its access fee at the prices it was sold at, shared as the offer shares it.
    const charged = lines
      .filter((l) => l.forProfitPrice > l.commonerPrice)
      .map((l) => {
        const fee = l.forProfitPrice - l.commonerPrice
        const price = priceLine(
          tierPriceInput({
            kind: l.offerKind,
            commonerPrice: 0,
            forProfitPrice: fee,
            accessFeeProducerBp: l.accessFeeProducerBp,
            accessFeeCommonsFundBp: l.accessFeeCommonsFundBp,
            accessFeeInfrastructureBp: l.accessFeeInfrastructureBp,
          }),
          'for_profit',
          l.quantity,
        )
        return { l, fee, price }
      })
    const total = charged.reduce((sum, c) => sum + c.price.lineTotal, 0)
    if (total === 0) continue
    const reference = orderReference(order.checkoutId, order.id)
    const because = `Back-charge for ${reference}: ${order.buyerName} bought at the commoner price under a legal-form claim (${claim.value}) a steward overturned: ${input.reason}`
    const dueBy = new Date(Date.parse(now) + paymentWindowMinutes.invoice * 60_000).toISOString()
    const checkout = await trx
      .insertInto('checkouts')
      .values({
        buyerPersonId: order.buyerPersonId,
        buyerOrganisationId: order.buyerOrganisationId,
        idempotencyKey: `back-charge-${order.id}`,
        reciprocityClass: 'for_profit',
        classReason: because,
        provider: input.provider,
        currency: order.currency,
        total,
        expiresAt: dueBy,
        createdAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const placed = await trx
      .insertInto('orders')
      .values({
        checkoutId: checkout.id,
        organisationId: order.organisationId,
        buyerPersonId: order.buyerPersonId,
        buyerOrganisationId: order.buyerOrganisationId,
        reciprocityClass: 'for_profit',
        classReason: because,
        currency: order.currency,
        commonerTotal: 0,
        accessFeeTotal: total,
        total,
        status: 'pending_payment',
        expiresAt: dueBy,
        createdAt: now,
        classBasis: 'overturned_claim',
        backChargeOfOrderId: order.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('orderLines')
      .values(
        charged.map(({ l, fee, price }) => ({
          orderId: placed.id,
          offerId: l.offerId,
          offerTitle: l.offerTitle,
          offerKind: l.offerKind,
          unit: l.unit,
          licenceCode: l.licenceCode,
          quantity: l.quantity,
          commonerPrice: 0,
          forProfitPrice: fee,
          unitPrice: fee,
          producerAmount: price.producerAmount,
          commonsFundId: l.commonsFundId,
          commonsFundAmount: price.commonsFundAmount,
          infrastructureFundId: l.infrastructureFundId,
          infrastructureAmount: price.infrastructureAmount,
          score: l.score,
          scoreConfidence: l.scoreConfidence,
          rulesVersion: l.rulesVersion,
        })),
      )
      .execute()
    await postEntry(
      trx,
      {
        kind: 'back_charge',
        memo: `${because}. ${formatMoney(total, order.currency)} to pay (${orderReference(checkout.id, placed.id)})`,
        checkoutId: checkout.id,
        orderId: placed.id,
        postings: [
          { account: { kind: 'orders_receivable', currency: order.currency }, amount: total },
          { account: { kind: 'orders_awaiting_settlement', currency: order.currency }, amount: -total },
        ],
      },
      now,
    )
    written.push({ orderId: placed.id, checkoutId: checkout.id, correctsOrderId: order.id, amount: total, currency: order.currency })
  }
  return written
}

/** Back-charges still to pay by the organisations this person belongs to, with the reason, oldest first. */
export async function backChargesOwed(db: Db, personId: number) {
  const rows = await db
    .selectFrom('orders as o')
    .innerJoin('memberships as m', (j) => j.onRef('m.organisationId', '=', 'o.buyerOrganisationId').on('m.personId', '=', personId))
    .innerJoin('organisations as b', 'b.id', 'o.buyerOrganisationId')
    .select(['o.id', 'o.checkoutId', 'o.total', 'o.currency', 'o.classReason', 'o.expiresAt', 'b.name', 'b.slug'])
    .where('o.backChargeOfOrderId', 'is not', null)
    .where('o.status', '=', 'pending_payment')
    .orderBy('o.id')
    .execute()
  return rows.map((r) => ({
    checkoutId: r.checkoutId,
    reference: orderReference(r.checkoutId, r.id),
    organisation: { name: r.name, slug: r.slug },
    amount: { amount: r.total, currency: r.currency },
    reason: r.classReason,
    dueBy: r.expiresAt,
  }))
}
