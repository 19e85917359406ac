import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { requireMembership } from '../organisations/membership.server'
import { orderReference } from './reference'
import { visibleTo } from './receipts.server'
import { applyPayment, releaseUnpaidOrder } from './settlement.server'
import { clock } from '../../lib/clock'

// What buyers and sellers do to an order after it is placed. Each function checks who may do
// it against the stored order, never against anything the form says. Refunds, which may go
// back by card, are in payments/refunds.server.ts.

/** The order, if the person is a member of its seller. @throws AppError forbidden, not_found */
export async function sellerOrder(db: Kysely<DB>, orderId: number, personId: number) {
  const order = await db
    .selectFrom('orders as o')
    .innerJoin('checkouts as c', 'c.id', 'o.checkoutId')
    .select(['o.id', 'o.checkoutId', 'o.organisationId', 'o.status', 'o.total', 'o.creditApplied', 'o.currency', 'c.provider', 'c.stripePaymentIntentId'])
    .where('o.id', '=', orderId)
    .executeTakeFirst()
  if (!order) throw new AppError('not_found', 'There is no such order.')
  await requireMembership(db, personId, order.organisationId)
  return order
}

/**
 * A seller records that an invoice / bank transfer for its order arrived: the order is paid
 * and settled. @throws AppError forbidden (not a member), conflict (not awaiting payment)
 */
export async function recordInvoicePayment(db: Kysely<DB>, input: { orderId: number; personId: number }, now = clock.now()) {
  const order = await sellerOrder(db, input.orderId, input.personId)
  if (order.provider !== 'invoice') throw new AppError('conflict', 'This order is paid by card: Stripe confirms its payment.')
  if (order.status !== 'pending_payment') {
    throw new AppError(
      'conflict',
      order.status === 'cancelled' ? 'This order lapsed or was cancelled; its stock has gone back on sale.' : 'This order is already paid.',
    )
  }
  const result = await db.transaction().execute((trx) =>
    applyPayment(
      trx,
      {
        checkoutId: order.checkoutId,
        provider: 'invoice',
        providerReference: `invoice:${orderReference(order.checkoutId, order.id)}`,
        // a credit the buyer was owed may have paid part of it
        amount: order.total - order.creditApplied,
        currency: order.currency,
        recordedBy: input.personId,
        orderIds: [order.id],
      },
      now,
    ),
  )
  if (result.outcome === 'duplicate') throw new AppError('conflict', 'This payment is already recorded.')
  return result
}

/**
 * The buyer calls off everything in a checkout still awaiting payment; paid parts stay.
 * @throws AppError not_found (not theirs), conflict (nothing left to cancel)
 */
export async function cancelUnpaidCheckout(db: Kysely<DB>, input: { checkoutId: number; personId: number }, now = clock.now()) {
  const orders = await db
    .selectFrom('orders')
    .select('id')
    .where('checkoutId', '=', input.checkoutId)
    .where('buyerPersonId', '=', input.personId)
    .where('status', '=', 'pending_payment')
    .execute()
  if (orders.length === 0) {
    const exists = await db
      .selectFrom('checkouts')
      .select('id')
      .where('id', '=', input.checkoutId)
      .where('buyerPersonId', '=', input.personId)
      .executeTakeFirst()
    throw exists
      ? new AppError('conflict', 'Nothing in this order is awaiting payment, so there is nothing to cancel.')
      : new AppError('not_found', 'There is no such order among yours.')
  }
  return db.transaction().execute(async (trx) => {
    let cancelled = 0
    for (const o of orders) if (await releaseUnpaidOrder(trx, o.id, 'cancelled_by_buyer', now)) cancelled += 1
    return cancelled
  })
}

/**
 * The buyer organisation chooses how to pay a back-charge: by card (Stripe) or by bank transfer
 * to the producer. A back-charge is a debt the buyer did not choose to take on, so unlike a
 * checkout its payment method stays open until it is paid.
 * @throws AppError not_found (not the buyer's, nor a member's of the buyer organisation), conflict (not a back-charge, or paid)
 */
export async function chooseBackChargePayment(db: Kysely<DB>, input: { checkoutId: number; personId: number; provider: 'stripe' | 'invoice' }) {
  const checkout = await db
    .selectFrom('checkouts as c')
    .innerJoin('orders as o', 'o.checkoutId', 'c.id')
    .select(['c.id', 'c.provider', 'o.status', 'o.backChargeOfOrderId'])
    .where('c.id', '=', input.checkoutId)
    .where((eb) => visibleTo(eb, input.personId))
    .executeTakeFirst()
  if (!checkout) throw new AppError('not_found', 'There is no such order among yours.')
  if (checkout.backChargeOfOrderId === null)
    throw new AppError('conflict', 'Only a back-charge can change how it is paid; place a new order to pay another way.')
  if (checkout.status !== 'pending_payment') throw new AppError('conflict', 'This back-charge is already paid.')
  if (checkout.provider === input.provider) return
  // A card session already opened stays known, so a payment made on it still finds this checkout.
  await db.updateTable('checkouts').set({ provider: input.provider }).where('id', '=', checkout.id).execute()
}

/**
 * The seller has sent a paid order on its way; the note (a carrier and tracking number, or
 * "ready for pickup") is shown to the buyer. @throws AppError forbidden, conflict
 */
export async function markShipped(db: Kysely<DB>, input: { orderId: number; personId: number; note: string }, now = clock.now()) {
  const order = await sellerOrder(db, input.orderId, input.personId)
  if (order.status !== 'paid')
    throw new AppError(
      'conflict',
      order.status === 'pending_payment' ? 'Ship an order once it is paid.' : 'Only a paid order that is not yet fulfilled can be marked shipped.',
    )
  const note = input.note.trim().slice(0, 500)
  await db
    .updateTable('orders')
    .set({ shippedAt: now, shippingNote: note || null })
    .where('id', '=', order.id)
    .where('status', '=', 'paid')
    .execute()
}

/** The buyer has what they ordered. @throws AppError forbidden, conflict */
export async function markFulfilled(db: Kysely<DB>, input: { orderId: number; personId: number }, now = clock.now()) {
  const order = await sellerOrder(db, input.orderId, input.personId)
  const moved = await db
    .updateTable('orders')
    .set({ status: 'fulfilled', fulfilledAt: now })
    .where('id', '=', order.id)
    .where('status', '=', 'paid')
    .executeTakeFirst()
  if (moved.numUpdatedRows === 0n) {
    throw new AppError(
      'conflict',
      order.status === 'fulfilled'
        ? 'This order is already fulfilled.'
        : order.status === 'pending_payment'
          ? 'Fulfil an order once it is paid.'
          : 'A cancelled or refunded order cannot be fulfilled.',
    )
  }
}
