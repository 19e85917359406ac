import type { Kysely } from 'kysely'
import Stripe from 'stripe'
import { z } from 'zod'
import type { DB } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { formatMoney } from '../../lib/money'
import { applyPayment, recordRefund, releaseUnpaidOrder } from '../orders/settlement.server'
import { stripeSessionMinutes } from '../orders/place-order.server'
import { orderReference } from '../orders/reference'
import { visibleTo } from '../orders/receipts.server'
import { recordCardPayment, recordCardSession } from '../orders/card-payment.server'
import { clock } from '../../lib/clock'

// Stripe Checkout. The order exists before Stripe hears of it; no database transaction is
// ever open while we wait for Stripe; the webhook is the only thing that marks an order paid.

/**
 * The Stripe Checkout page for a checkout awaiting payment, creating its session on first call.
 * The line items are the order lines, so Stripe charges exactly what the server priced.
 * @throws AppError not_found (not this buyer's), conflict (nothing left to pay)
 */
export async function stripeCheckoutUrl(
  db: Kysely<DB>,
  stripe: Stripe,
  input: { checkoutId: number; personId: number; buyerEmail: string; returnUrl: string },
  now = clock.now(),
): Promise<string> {
  const checkout = await db
    .selectFrom('checkouts as c')
    .select(['c.id', 'c.provider', 'c.total', 'c.currency', 'c.stripeSessionId', 'c.stripeSessionUrl', 'c.expiresAt', 'c.idempotencyKey'])
    .where('c.id', '=', input.checkoutId)
    .where((eb) => visibleTo(eb, input.personId))
    .executeTakeFirst()
  if (!checkout) throw new AppError('not_found', 'There is no such order among yours.')
  if (checkout.provider !== 'stripe') throw new AppError('conflict', 'This order is not paid by card.')
  const pending = await db.selectFrom('orders').select('id').where('checkoutId', '=', checkout.id).where('status', '=', 'pending_payment').executeTakeFirst()
  if (!pending) throw new AppError('conflict', 'Nothing in this order is awaiting payment any more.')
  // A session lives half an hour, a back-charge waits two weeks: an expired session is replaced.
  let renewal = ''
  if (checkout.stripeSessionUrl && checkout.stripeSessionId) {
    const open = await stripe.checkout.sessions.retrieve(checkout.stripeSessionId)
    if (open.status === 'open' || open.status === 'complete') return checkout.stripeSessionUrl
    renewal = `-after-${checkout.stripeSessionId}`
  }

  const lines = await db
    .selectFrom('orderLines as l')
    .innerJoin('orders as o', 'o.id', 'l.orderId')
    .innerJoin('organisations as org', 'org.id', 'o.organisationId')
    .select(['l.offerTitle', 'l.unitPrice', 'l.quantity', 'org.name as producer'])
    .where('o.checkoutId', '=', checkout.id)
    .where('o.status', '=', 'pending_payment')
    .where('o.creditApplied', '=', 0)
    .where('l.unitPrice', '>', 0)
    .orderBy('l.id')
    .execute()
  // An order the buyer's credit paid in part is one line for what is left, saying so: Stripe
  // takes no negative lines, and the buyer sees exactly what the receipt says they owe.
  const partlyCredited = await db
    .selectFrom('orders as o')
    .innerJoin('organisations as org', 'org.id', 'o.organisationId')
    .select(['o.id', 'o.total', 'o.creditApplied', 'org.name as producer'])
    .where('o.checkoutId', '=', checkout.id)
    .where('o.status', '=', 'pending_payment')
    .where('o.creditApplied', '>', 0)
    .orderBy('o.id')
    .execute()
  const items = [
    ...lines.map((l) => ({ quantity: l.quantity, amount: l.unitPrice, name: `${l.offerTitle} (${l.producer})` })),
    ...partlyCredited.map((o) => ({
      quantity: 1,
      amount: o.total - o.creditApplied,
      name: `Order ${orderReference(checkout.id, o.id)} (${o.producer}): ${formatMoney(o.total, checkout.currency)} less ${formatMoney(o.creditApplied, checkout.currency)} credit`,
    })),
  ]
  const session = await stripe.checkout.sessions.create(
    {
      mode: 'payment',
      client_reference_id: String(checkout.id),
      customer_email: input.buyerEmail,
      metadata: { checkout_id: String(checkout.id), reference: orderReference(checkout.id) },
      line_items: items.map((i) => ({
        quantity: i.quantity,
        price_data: { currency: checkout.currency.toLowerCase(), unit_amount: i.amount, product_data: { name: i.name } },
      })),
      success_url: `${input.returnUrl}?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: input.returnUrl,
      expires_at: Math.floor(Date.parse(now) / 1000) + stripeSessionMinutes * 60,
    },
    // A retried request (or a double click) gets the same session back from Stripe; the
    // buyer's own key keeps two databases (a restored backup, a test run) from colliding.
    { idempotencyKey: `checkout-${checkout.id}-${checkout.idempotencyKey}${renewal}` },
  )
  if (!session.url) throw new AppError('unavailable', 'Stripe did not return a payment page; please try again.')
  await recordCardSession(db, checkout.id, { sessionId: session.id, url: session.url })
  return session.url
}

// Only the fields we act on are read, and each is checked: the payload is outside input even
// once its signature is verified (a new API version may change its shape).
const SessionObject = z.object({
  id: z.string(),
  client_reference_id: z.string().nullish(),
  amount_total: z.number().int().nullable(),
  currency: z.string().nullable(),
  payment_status: z.string(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
})
const ChargeObject = z.object({
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
  currency: z.string(),
  refunds: z
    .object({
      data: z.array(
        z.object({
          id: z.string(),
          amount: z.number().int().positive(),
          currency: z.string(),
          status: z.string().nullish(),
          metadata: z.record(z.string(), z.string()).nullish(),
        }),
      ),
    })
    .nullish(),
})

/** Stripe's page to pay a checkout on, or, when Stripe did not answer, the message to show. */
export type StripePaymentPage = { url: string } | { unavailable: string }

/**
 * Stripe's payment page for a checkout (see stripeCheckoutUrl), where Stripe not answering is an
 * outcome rather than an error: the order stands, its stock stays held, and its receipt offers
 * the payment page again, so the checkout and the receipt each say so in their own way.
 * @throws AppError('not_found' | 'conflict' | 'unavailable') as stripeCheckoutUrl
 */
export async function stripePaymentPage(
  db: Kysely<DB>,
  stripe: Stripe,
  input: Parameters<typeof stripeCheckoutUrl>[2],
  now = clock.now(),
): Promise<StripePaymentPage> {
  try {
    return { url: await stripeCheckoutUrl(db, stripe, input, now) }
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) throw error
    console.error(`Stripe Checkout could not start for checkout ${input.checkoutId}: ${error.message}`)
    return { unavailable: 'Stripe is not answering; please try again in a minute.' }
  }
}

export type StripeEventOutcome =
  | 'duplicate'
  | 'paid'
  | 'payment_to_refund'
  | 'amount_mismatch'
  | 'unknown_checkout'
  | 'not_paid_yet'
  | 'expired'
  | 'already_settled'
  | 'refund_recorded'
  | 'unknown_payment'
  | 'ignored'

export interface StripeEventResult {
  outcome: StripeEventOutcome
  checkoutId: number | null
  /** money we do not accept (see UnacceptedPayment): the caller refunds it through Stripe */
  refundDue: UnacceptedPayment | null
  paidOrderIds: number[]
}

const idOf = (v: string | { id: string } | null | undefined) => (v == null ? null : typeof v === 'string' ? v : v.id)

/**
 * Handles one verified Stripe event, once: the event id is recorded in the same transaction as
 * its effects, so a redelivery changes nothing. Events may arrive in any order.
 */
export async function handleStripeEvent(db: Kysely<DB>, event: Stripe.Event, now = clock.now()): Promise<StripeEventResult> {
  return db.transaction().execute(async (trx) => {
    const result = (outcome: StripeEventOutcome, checkoutId: number | null = null, extra: Partial<StripeEventResult> = {}): StripeEventResult => ({
      outcome,
      checkoutId,
      refundDue: null,
      paidOrderIds: [],
      ...extra,
    })
    const seen = await trx
      .insertInto('stripeEvents')
      .values({ id: event.id, type: event.type, outcome: 'received', receivedAt: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst()
    if (!seen) return result('duplicate')

    const outcome = await (async (): Promise<StripeEventResult> => {
      switch (event.type) {
        case 'checkout.session.completed':
        case 'checkout.session.async_payment_succeeded':
        case 'checkout.session.expired': {
          const session = SessionObject.safeParse(event.data.object)
          if (!session.success) return result('ignored')
          const s = session.data
          const checkout = await trx
            .selectFrom('checkouts')
            .select(['id', 'total', 'currency', 'stripeSessionId'])
            // what the card was asked for: the total less what the buyer organisation's credit paid
            .select((eb) =>
              eb
                .selectFrom('orders as o')
                .select((o) => o.fn.coalesce(o.fn.sum<number>('o.creditApplied'), o.val(0)).as('credit'))
                .whereRef('o.checkoutId', '=', 'checkouts.id')
                .as('credit'),
            )
            .where((eb) =>
              eb.or([eb('stripeSessionId', '=', s.id), eb.and([eb('provider', '=', 'stripe'), eb('id', '=', Number(s.client_reference_id ?? '0') || 0)])]),
            )
            .executeTakeFirst()
          if (!checkout) return result('unknown_checkout')
          if (event.type === 'checkout.session.expired') {
            const pending = await trx.selectFrom('orders').select('id').where('checkoutId', '=', checkout.id).where('status', '=', 'pending_payment').execute()
            for (const o of pending) await releaseUnpaidOrder(trx, o.id, 'expired', now)
            return result(pending.length ? 'expired' : 'already_settled', checkout.id)
          }
          if (s.payment_status !== 'paid') return result('not_paid_yet', checkout.id)
          const paymentIntent = idOf(s.payment_intent)
          // Paid, but not what we asked for: settle nothing, and give the money back whole
          // (the orders stay unpaid and lapse). The event's outcome records what happened.
          if (s.amount_total !== checkout.total - Number(checkout.credit ?? 0) || (s.currency ?? '').toUpperCase() !== checkout.currency || !paymentIntent) {
            return result('amount_mismatch', checkout.id, {
              refundDue: paymentIntent ? { paymentIntent, amount: null, checkoutId: checkout.id, reason: 'amount_mismatch' } : null,
            })
          }
          const applied = await applyPayment(
            trx,
            { checkoutId: checkout.id, provider: 'stripe', providerReference: paymentIntent, amount: s.amount_total, currency: checkout.currency },
            now,
          )
          await recordCardPayment(trx, checkout.id, paymentIntent)
          if (applied.outcome === 'duplicate') return result('already_settled', checkout.id)
          return result(applied.outcome === 'applied' && applied.refundDue === 0 ? 'paid' : 'payment_to_refund', checkout.id, {
            paidOrderIds: applied.paidOrderIds,
            refundDue: applied.refundDue > 0 ? { paymentIntent, amount: applied.refundDue, checkoutId: checkout.id, reason: 'late_payment' } : null,
          })
        }
        case 'charge.refunded': {
          const charge = ChargeObject.safeParse(event.data.object)
          const paymentIntent = charge.success ? idOf(charge.data.payment_intent) : null
          if (!charge.success || !paymentIntent) return result('ignored')
          const payment = await trx
            .selectFrom('payments')
            .select(['id', 'checkoutId', 'currency'])
            .where('provider', '=', 'stripe')
            .where('providerReference', '=', paymentIntent)
            .executeTakeFirst()
          if (!payment) return result('unknown_payment')
          for (const refund of charge.data.refunds?.data ?? []) {
            if (refund.status && refund.status !== 'succeeded') continue
            const orderId = Number(refund.metadata?.order_id ?? '') || null
            const order = orderId
              ? await trx
                  .selectFrom('orders')
                  .select(['id', 'total', 'creditApplied'])
                  .where('id', '=', orderId)
                  .where('checkoutId', '=', payment.checkoutId)
                  .executeTakeFirst()
              : undefined
            await recordRefund(
              trx,
              {
                paymentId: payment.id,
                orderId: order && order.total - order.creditApplied === refund.amount ? order.id : null,
                providerReference: refund.id,
                amount: refund.amount,
                currency: refund.currency.toUpperCase(),
                reason: refund.metadata?.reason || 'refunded through Stripe',
                createdBy: Number(refund.metadata?.refunded_by ?? '') || null,
              },
              now,
            )
          }
          return result('refund_recorded', payment.checkoutId)
        }
        default:
          return result('ignored')
      }
    })()
    await trx.updateTable('stripeEvents').set({ outcome: outcome.outcome, checkoutId: outcome.checkoutId }).where('id', '=', event.id).execute()
    return outcome
  })
}

/**
 * Money Stripe took that the marketplace does not accept: a payment that arrived after its
 * orders lapsed (`amount` is what those orders came to), or one whose amount or currency is not
 * the checkout's (`amount` null: all of it, as nothing of it was booked).
 */
export interface UnacceptedPayment {
  paymentIntent: string
  amount: number | null
  checkoutId: number
  reason: 'late_payment' | 'amount_mismatch'
}

/**
 * Gives an unaccepted payment back through Stripe. Called after the event's transaction has
 * committed; Stripe's idempotency key makes a repeat harmless. A late payment's refund is
 * recorded against it when its `charge.refunded` event arrives; a mismatched payment was never
 * booked, so neither is its refund.
 */
export async function refundUnacceptedPayment(stripe: Stripe, due: UnacceptedPayment): Promise<void> {
  await stripe.refunds.create(
    {
      payment_intent: due.paymentIntent,
      ...(due.amount === null ? {} : { amount: due.amount }),
      metadata: { checkout_id: String(due.checkoutId), reason: due.reason },
    },
    { idempotencyKey: `${due.reason.replace('_', '-')}-${due.paymentIntent}` },
  )
}

/**
 * Refunds one paid order in full through Stripe, then records it; whichever of this and the
 * `charge.refunded` webhook comes second finds the refund already recorded.
 */
export async function refundStripeOrder(
  db: Kysely<DB>,
  stripe: Stripe,
  order: { id: number; checkoutId: number; total: number; currency: string; paymentId: number; paymentIntent: string },
  actor: { personId: number; reason: string },
  now = clock.now(),
): Promise<void> {
  const refund = await stripe.refunds.create(
    {
      payment_intent: order.paymentIntent,
      amount: order.total,
      // The webhook may arrive before this call returns: it records the refund from these.
      metadata: {
        order_id: String(order.id),
        reference: orderReference(order.checkoutId, order.id),
        reason: actor.reason.slice(0, 450),
        refunded_by: String(actor.personId),
      },
    },
    { idempotencyKey: `refund-${order.paymentIntent}-order-${order.id}` },
  )
  await db.transaction().execute((trx) =>
    recordRefund(
      trx,
      {
        paymentId: order.paymentId,
        orderId: order.id,
        providerReference: refund.id,
        amount: refund.amount,
        currency: refund.currency.toUpperCase(),
        reason: actor.reason,
        createdBy: actor.personId,
      },
      now,
    ),
  )
}
