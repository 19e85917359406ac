import type { Kysely, Transaction } from 'kysely'
import type Stripe from 'stripe'
import type { DB } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { clock } from '../../lib/clock'
import { isOverdraft } from '../ledger/ledger.server'
import { sellerOrder } from '../orders/order-actions.server'
import { orderReference } from '../orders/reference'
import { recordRefund, releaseUnpaidOrder, returnToCredit, type RefundInput } from '../orders/settlement.server'
import { refundStripeOrder } from './stripe.server'

// A seller giving money back: by card through Stripe, by transfer, or to the buyer's credit.
// Here rather than with the other order actions because a card refund is a payment: payments
// sit on orders, and orders call nothing in payments.

/**
 * A seller refunds a paid order in full: through Stripe for card payments, or by recording
 * that it returned an invoice payment. The order's ledger entries are reversed.
 * @throws AppError forbidden, conflict (not paid), unavailable (card order but Stripe is off)
 */
export async function refundOrder(db: Kysely<DB>, stripe: Stripe | null, input: { orderId: number; personId: number; reason: string }, now = clock.now()) {
  const order = await sellerOrder(db, input.orderId, input.personId)
  if (order.status !== 'paid' && order.status !== 'fulfilled') {
    throw new AppError('conflict', order.status === 'refunded' ? 'This order is already refunded.' : 'Only a paid order can be refunded.')
  }
  if (order.total === 0) throw new AppError('conflict', 'This order was free: there is nothing to refund.')
  // What the buyer paid from a credit goes back to that credit (reversing the order restores it);
  // only the rest goes back by card or transfer.
  const paid = order.total - order.creditApplied
  if (paid === 0) {
    const giveBack = (trx: Transaction<DB>) => returnToCredit(trx, { orderId: order.id, reason: input.reason }, now)
    await requireBookable(db, giveBack)
    await db.transaction().execute(giveBack)
    return
  }
  const payment = await db
    .selectFrom('payments')
    .select(['id', 'providerReference'])
    .where('checkoutId', '=', order.checkoutId)
    .where('outcome', '=', 'applied')
    .where((eb) => eb.or([eb('orderId', '=', order.id), eb('orderId', 'is', null)]))
    .orderBy('id')
    .executeTakeFirst()
  if (!payment) throw new AppError('conflict', 'No payment is recorded for this order.')
  // Refused before any money moves: once Stripe has returned the payment it cannot be taken back.
  const trial: RefundInput = {
    paymentId: payment.id,
    orderId: order.id,
    providerReference: `trial-refund:${order.id}`,
    amount: paid,
    currency: order.currency,
    reason: input.reason,
    createdBy: input.personId,
  }
  await requireBookable(db, (trx) => recordRefund(trx, trial, now))
  if (order.provider === 'stripe') {
    if (!stripe) throw new AppError('unavailable', 'Card refunds need Stripe, which is not configured on this server.')
    await refundStripeOrder(
      db,
      stripe,
      { id: order.id, checkoutId: order.checkoutId, total: paid, currency: order.currency, paymentId: payment.id, paymentIntent: payment.providerReference },
      { personId: input.personId, reason: input.reason },
      now,
    )
    return
  }
  await db.transaction().execute((trx) =>
    recordRefund(
      trx,
      {
        paymentId: payment.id,
        orderId: order.id,
        providerReference: `invoice-refund:${orderReference(order.checkoutId, order.id)}`,
        amount: paid,
        currency: order.currency,
        reason: input.reason,
        createdBy: input.personId,
      },
      now,
    ),
  )
}

/**
 * Books the refund in a transaction that is always rolled back, to learn whether the ledger
 * accepts it: reversing an order takes its shares back from the producer and the funds, and a
 * fund that has already paid them out (or a producer already paid) cannot give them back.
 * @throws AppError conflict
 */
async function requireBookable(db: Kysely<DB>, book: (trx: Transaction<DB>) => Promise<unknown>) {
  const rolledBack = new Error('trial booking')
  try {
    await db.transaction().execute(async (trx) => {
      await book(trx)
      throw rolledBack
    })
  } catch (error) {
    if (error === rolledBack) return
    if (isOverdraft(error)) {
      throw new AppError(
        'conflict',
        'This order cannot be refunded in full: its access-fee share has already been paid out of a commons fund (or its producer share paid to the producer), so the ledger has nothing to return it from. Ask a steward to settle it.',
      )
    }
    throw error
  }
}

/**
 * The seller calls an order off: one awaiting payment is cancelled and its stock released;
 * a paid one is refunded in full (its postings reversed, its goods restocked).
 * @throws AppError forbidden, conflict (fulfilled, cancelled or refunded already)
 */
export async function cancelOrderAsSeller(
  db: Kysely<DB>,
  stripe: Stripe | null,
  input: { orderId: number; personId: number; reason: string },
  now = clock.now(),
) {
  const order = await sellerOrder(db, input.orderId, input.personId)
  if (order.status === 'pending_payment') {
    const released = await db.transaction().execute((trx) => releaseUnpaidOrder(trx, order.id, 'cancelled_by_seller', now))
    if (!released) throw new AppError('conflict', 'This order changed meanwhile; reload the page.')
    return 'cancelled' as const
  }
  if (order.status === 'paid') {
    await refundOrder(db, stripe, { orderId: order.id, personId: input.personId, reason: input.reason }, now)
    return 'refunded' as const
  }
  throw new AppError(
    'conflict',
    order.status === 'fulfilled' ? 'A fulfilled order is not cancelled: refund it if the buyer returns it.' : 'This order is already cancelled or refunded.',
  )
}
