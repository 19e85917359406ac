import type { Kysely, Transaction } from 'kysely'
import type { DB, PaymentProvider } from '../../../db/schema'
import { formatMoney } from '../../lib/money'
import { postEntry, reverseOrderEntries, type PostingInput } from '../ledger/ledger.server'
import { orderReference } from './reference'
import { returnStock } from '../stock/stock.server'
import { clock } from '../../lib/clock'

// What happens to orders once they exist: payment, settlement into producers' and funds'
// accounts, lapse, cancellation and refund. Every change moves the order's status with a
// guarded update (only from the status it must come from) and posts its ledger entries in
// the same transaction, so a second delivery of the same news changes nothing.

export interface PaymentInput {
  checkoutId: number
  provider: PaymentProvider
  /** Stripe's payment intent id, or our own reference for an invoice payment: recorded once */
  providerReference: string
  amount: number
  currency: string
  recordedBy?: number | null
  /** only these orders (an invoice pays one producer's order); all the checkout's otherwise */
  orderIds?: number[]
}

export interface PaymentOutcome {
  outcome: 'applied' | 'to_refund' | 'duplicate'
  paidOrderIds: number[]
  /** money that arrived for orders no longer awaiting it: to be refunded to the buyer */
  refundDue: number
  paymentId: number | null
}

/**
 * Records a payment and settles the orders it pays: each order's share goes to its producer,
 * its commons funds and the infrastructure fund. Money for orders that have lapsed or been
 * cancelled meanwhile stays owed back to the buyer (refundDue).
 */
export async function applyPayment(trx: Transaction<DB>, payment: PaymentInput, now: string): Promise<PaymentOutcome> {
  let orders = await trx
    .selectFrom('orders')
    .select(['id', 'total', 'creditApplied', 'currency', 'status'])
    .where('checkoutId', '=', payment.checkoutId)
    .where('status', '=', 'pending_payment')
    .orderBy('id')
    .execute()
  if (payment.orderIds) orders = orders.filter((o) => payment.orderIds!.includes(o.id))
  const payable = orders.filter((o) => o.currency === payment.currency)
  // What is still to pay: a credit the buyer organisation was owed may have paid part of it.
  const settledTotal = payable.reduce((sum, o) => sum + o.total - o.creditApplied, 0)
  // A payment pays whole orders or none: one that covers less than the orders is not applied.
  const applies = settledTotal > 0 && settledTotal <= payment.amount
  const inserted = await trx
    .insertInto('payments')
    .values({
      checkoutId: payment.checkoutId,
      orderId: payment.orderIds?.length === 1 ? payment.orderIds[0]! : null,
      provider: payment.provider,
      providerReference: payment.providerReference,
      amount: payment.amount,
      currency: payment.currency,
      recordedBy: payment.recordedBy ?? null,
      outcome: applies ? 'applied' : 'to_refund',
      receivedAt: now,
    })
    .onConflict((oc) => oc.column('providerReference').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (!inserted) return { outcome: 'duplicate', paidOrderIds: [], refundDue: 0, paymentId: null }
  const paymentId = inserted.id

  const paidOrderIds: number[] = []
  if (applies) {
    for (const order of payable) {
      const moved = await trx
        .updateTable('orders')
        .set({ status: 'paid', paidAt: now })
        .where('id', '=', order.id)
        .where('status', '=', 'pending_payment')
        .executeTakeFirst()
      if (moved.numUpdatedRows === 0n) continue
      await settleOrder(
        trx,
        { checkoutId: payment.checkoutId, orderId: order.id, paymentId, total: order.total, paid: order.total - order.creditApplied, currency: order.currency },
        now,
      )
      paidOrderIds.push(order.id)
    }
  }
  const refundDue = payment.amount - (applies ? settledTotal : 0)
  if (refundDue > 0) {
    // Arrived but not owed: the buyer is owed it back (the receivable goes negative until refunded).
    await postEntry(
      trx,
      {
        kind: 'payment',
        memo: `Payment for ${orderReference(payment.checkoutId)} received after its orders lapsed: ${formatMoney(refundDue, payment.currency)} to refund`,
        checkoutId: payment.checkoutId,
        paymentId,
        postings: [
          { account: { kind: 'payment_clearing', currency: payment.currency }, amount: refundDue },
          { account: { kind: 'orders_receivable', currency: payment.currency }, amount: -refundDue },
        ],
      },
      now,
    )
  }
  return { outcome: applies ? 'applied' : 'to_refund', paidOrderIds, refundDue, paymentId }
}

async function settleOrder(
  trx: Transaction<DB>,
  order: { checkoutId: number; orderId: number; paymentId: number; total: number; paid: number; currency: string },
  now: string,
) {
  const { checkoutId, orderId, paymentId, paid, currency } = order
  await postEntry(
    trx,
    {
      kind: 'payment',
      memo: `Payment received for ${orderReference(checkoutId, orderId)}`,
      checkoutId,
      orderId,
      paymentId,
      postings: [
        { account: { kind: 'payment_clearing', currency }, amount: paid },
        { account: { kind: 'orders_receivable', currency }, amount: -paid },
      ],
    },
    now,
  )
  await shareOut(trx, order, now)
}

/**
 * Shares a paid order out: its producer's, commons fund's and infrastructure's parts leave
 * "awaiting settlement" for their accounts. Called once the order is paid, whether by a
 * payment or wholly from a credit the buyer was owed (then paymentId is null).
 */
export async function shareOut(
  trx: Transaction<DB>,
  order: { checkoutId: number; orderId: number; paymentId: number | null; total: number; currency: string },
  now: string,
) {
  const { checkoutId, orderId, paymentId, total, currency } = order
  const [seller] = await trx.selectFrom('orders').select('organisationId').where('id', '=', orderId).execute()
  const lines = await trx
    .selectFrom('orderLines')
    .select(['producerAmount', 'commonsFundId', 'commonsFundAmount', 'infrastructureFundId', 'infrastructureAmount'])
    .where('orderId', '=', orderId)
    .execute()
  const postings: PostingInput[] = [{ account: { kind: 'orders_awaiting_settlement', currency }, amount: total }]
  for (const line of lines) {
    postings.push(
      { account: { kind: 'producer_payable', organisationId: seller!.organisationId, currency }, amount: -line.producerAmount },
      { account: { kind: 'commons_fund', commonsFundId: line.commonsFundId, currency }, amount: -line.commonsFundAmount },
      { account: { kind: 'commons_fund', commonsFundId: line.infrastructureFundId, currency }, amount: -line.infrastructureAmount },
    )
  }
  await postEntry(
    trx,
    {
      kind: 'settlement',
      memo: `${orderReference(checkoutId, orderId)} shared out: producer, commons fund, infrastructure`,
      checkoutId,
      orderId,
      paymentId,
      postings,
    },
    now,
  )
}

/** Puts an order's goods back on the shelf (commons items have no stock to return; a back-charge took none). */
async function restock(trx: Transaction<DB>, orderId: number) {
  const order = await trx.selectFrom('orders').select('backChargeOfOrderId').where('id', '=', orderId).executeTakeFirst()
  if (order?.backChargeOfOrderId != null) return
  const lines = await trx.selectFrom('orderLines').select(['offerId', 'quantity']).where('orderId', '=', orderId).execute()
  for (const line of lines) await returnStock(trx, line.offerId, line.quantity)
}

/**
 * Cancels an order still awaiting payment: its stock returns and its placement is reversed.
 * Returns false when the order was no longer awaiting payment (paid meanwhile, or already gone).
 */
export async function releaseUnpaidOrder(
  trx: Transaction<DB>,
  orderId: number,
  reason: 'expired' | 'cancelled_by_buyer' | 'cancelled_by_seller' | 'claim_overturned',
  now: string,
): Promise<boolean> {
  const moved = await trx
    .updateTable('orders')
    .set({ status: 'cancelled', cancelReason: reason, cancelledAt: now })
    .where('id', '=', orderId)
    .where('status', '=', 'pending_payment')
    .where('backChargeOfOrderId', 'is', null)
    .executeTakeFirst()
  if (moved.numUpdatedRows === 0n) return false
  await restock(trx, orderId)
  const memo = {
    expired: 'lapsed unpaid',
    cancelled_by_buyer: 'cancelled by the buyer before payment',
    cancelled_by_seller: 'cancelled by the seller before payment',
    claim_overturned: 'cancelled before payment: the claim that gave it the commoner price was overturned',
  }[reason]
  await reverseOrderEntries(trx, orderId, { memo: `Order ${orderId} ${memo}` }, now)
  return true
}

/** Lapses every order whose payment window has closed. Returns how many lapsed. */
export async function expireUnpaidOrders(db: Kysely<DB>, now = clock.now()): Promise<number> {
  const due = await db
    .selectFrom('orders')
    .select('id')
    .where('status', '=', 'pending_payment')
    .where('expiresAt', '<=', now)
    // a back-charge is a debt, not a reservation: it does not lapse (its expiry is its due date)
    .where('backChargeOfOrderId', 'is', null)
    .orderBy('expiresAt')
    .limit(1000)
    .execute()
  let expired = 0
  for (const { id } of due) {
    if (await db.transaction().execute((trx) => releaseUnpaidOrder(trx, id, 'expired', now))) expired += 1
  }
  return expired
}

export interface RefundInput {
  paymentId: number
  /** the order refunded in full; null for money returned that no order was owed (a late payment) */
  orderId: number | null
  providerReference: string
  amount: number
  currency: string
  reason: string
  createdBy?: number | null
}

/**
 * Records a refund once (by its provider reference). A refunded order's entries are reversed,
 * so its producer, fund and infrastructure shares go back to zero; goods not yet sent go back
 * on the shelf.
 */
export async function recordRefund(trx: Transaction<DB>, refund: RefundInput, now: string): Promise<'recorded' | 'duplicate'> {
  const inserted = await trx
    .insertInto('refunds')
    .values({ ...refund, createdBy: refund.createdBy ?? null, createdAt: now })
    .onConflict((oc) => oc.column('providerReference').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (!inserted) return 'duplicate'
  const order =
    refund.orderId === null ? null : await trx.selectFrom('orders').select(['status', 'checkoutId']).where('id', '=', refund.orderId).executeTakeFirstOrThrow()
  const moved =
    order &&
    (await trx
      .updateTable('orders')
      .set({ status: 'refunded', refundedAt: now })
      .where('id', '=', refund.orderId!)
      .where('status', 'in', ['paid', 'fulfilled'])
      .executeTakeFirst())
  if (order && moved && moved.numUpdatedRows > 0n) {
    if (order.status === 'paid') await restock(trx, refund.orderId!)
    await reverseOrderEntries(
      trx,
      refund.orderId!,
      { memo: `${orderReference(order.checkoutId, refund.orderId!)} refunded: ${refund.reason}`, refundId: inserted.id },
      now,
    )
  } else {
    // Money returned that no paid order holds: a late payment going back to the buyer.
    const payment = await trx.selectFrom('payments').select('checkoutId').where('id', '=', refund.paymentId).executeTakeFirstOrThrow()
    await postEntry(
      trx,
      {
        kind: 'refund',
        memo: `${formatMoney(refund.amount, refund.currency)} returned to the buyer of ${orderReference(payment.checkoutId)}: ${refund.reason}`,
        checkoutId: payment.checkoutId,
        paymentId: refund.paymentId,
        refundId: inserted.id,
        postings: [
          { account: { kind: 'orders_receivable', currency: refund.currency }, amount: refund.amount },
          { account: { kind: 'payment_clearing', currency: refund.currency }, amount: -refund.amount },
        ],
      },
      now,
    )
  }
  return 'recorded'
}

/**
 * Refunds an order its buyer paid wholly from a credit the marketplace owed them: no money moves
 * outside, so the order's entries are reversed, which gives the credit back (and the producer's
 * and funds' shares with it). Returns false when the order was not paid.
 */
export async function returnToCredit(trx: Transaction<DB>, refund: { orderId: number; reason: string }, now: string): Promise<boolean> {
  const order = await trx.selectFrom('orders').select(['status', 'checkoutId']).where('id', '=', refund.orderId).executeTakeFirstOrThrow()
  const moved = await trx
    .updateTable('orders')
    .set({ status: 'refunded', refundedAt: now })
    .where('id', '=', refund.orderId)
    .where('status', 'in', ['paid', 'fulfilled'])
    .executeTakeFirst()
  if (moved.numUpdatedRows === 0n) return false
  if (order.status === 'paid') await restock(trx, refund.orderId)
  await reverseOrderEntries(
    trx,
    refund.orderId,
    { memo: `${orderReference(order.checkoutId, refund.orderId)} refunded to the buyer's credit: ${refund.reason}` },
    now,
  )
  return true
}
