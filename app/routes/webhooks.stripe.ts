import { data, type ActionFunctionArgs } from '@remix-run/node'
import Stripe from 'stripe'
import { getDb } from '~/lib/db.server'
import { env } from '~/lib/env.server'
import { getStripe } from '~/lib/stripe.server'
import { sendOrderConfirmations } from '~/modules/orders/mail-out.server'
import { handleStripeEvent, refundUnacceptedPayment } from '~/modules/payments/stripe.server'

// Stripe's webhook. The signature is checked on the raw body before anything is parsed;
// each event id is handled once; the answer is 2xx for every event we recorded, so Stripe
// stops retrying, and 400 only for a request that is not Stripe's.

const MAX_BODY = 512 * 1024

export async function loader() {
  return data({ error: 'Stripe posts events here.' }, { status: 405, headers: { Allow: 'POST' } })
}

export async function action({ request }: ActionFunctionArgs) {
  const stripe = getStripe()
  if (!stripe) return data({ error: 'Card payments are not configured on this server.' }, { status: 404 })
  if (Number(request.headers.get('Content-Length') ?? 0) > MAX_BODY) return data({ error: 'Payload too large.' }, { status: 413 })
  const signature = request.headers.get('Stripe-Signature')
  if (!signature) return data({ error: 'Missing Stripe-Signature header.' }, { status: 400 })
  const payload = await request.text()
  if (payload.length > MAX_BODY) return data({ error: 'Payload too large.' }, { status: 413 })
  let event: Stripe.Event
  try {
    event = stripe.stripe.webhooks.constructEvent(payload, signature, stripe.webhookSecret)
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) return data({ error: 'The signature does not match this payload.' }, { status: 400 })
    return data({ error: 'The payload is not a Stripe event.' }, { status: 400 })
  }
  const db = getDb()
  const result = await handleStripeEvent(db, event)
  if (result.outcome === 'paid' && result.checkoutId !== null) await sendOrderConfirmations(db, result.checkoutId, env().APP_URL)
  if (result.outcome === 'amount_mismatch') {
    console.error(`Stripe event ${event.id}: the amount paid does not match checkout ${result.checkoutId}; nothing was marked paid, and the payment is refunded.`)
  }
  if (result.refundDue) {
    // Money for lapsed orders, or not what we asked for, goes straight back.
    const due = result.refundDue
    await refundUnacceptedPayment(stripe.stripe, due).catch((error: unknown) =>
      console.error(`Refunding payment ${due.paymentIntent} for checkout ${due.checkoutId} (${due.reason}) failed; refund it from Stripe's dashboard:`, error),
    )
  }
  return data({ received: true, outcome: result.outcome })
}
