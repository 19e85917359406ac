import type { ActionFunctionArgs } from '@remix-run/node'
import Stripe from 'stripe'
import { getDb } from '~/lib/db.server'
import { env } from '~/lib/env.server'
import { jsonResponse } from '~/lib/http.server'
import { getStripe } from '~/lib/stripe.server'
import { sendOrderConfirmations } from '~/modules/orders/mail-out.server'
import { handleStripeEvent, refundUnacceptedPayment } from '~/modules/payments/stripe.server'

// Stripe's webhook. The signature is checked on the raw body before anything is parsed;
// each event id is handled once; the answer is 2xx for every event we recorded, so Stripe
// stops retrying, and 400 only for a request that is not Stripe's. Every answer is a real
// Response: a returned data() would reach Stripe as a 200 (single fetch keeps only its body),
// and a refused delivery must not look received, or Stripe never retries it.

const MAX_BODY = 512 * 1024

export async function loader() {
  return jsonResponse({ error: 'Stripe posts events here.' }, 405, { Allow: 'POST' })
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return jsonResponse({ error: 'Stripe posts events here.' }, 405, { Allow: 'POST' })
  const stripe = getStripe()
  if (!stripe) return jsonResponse({ error: 'Card payments are not configured on this server.' }, 404)
  if (Number(request.headers.get('Content-Length') ?? 0) > MAX_BODY) return jsonResponse({ error: 'Payload too large.' }, 413)
  const signature = request.headers.get('Stripe-Signature')
  if (!signature) return jsonResponse({ error: 'Missing Stripe-Signature header.' }, 400)
  const payload = await request.text()
  if (payload.length > MAX_BODY) return jsonResponse({ error: 'Payload too large.' }, 413)
  let event: Stripe.Event
  try {
    event = stripe.stripe.webhooks.constructEvent(payload, signature, stripe.webhookSecret)
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) return jsonResponse({ error: 'The signature does not match this payload.' }, 400)
    return jsonResponse({ error: 'The payload is not a Stripe event.' }, 400)
  }
  const db = getDb()
  const result = await handleStripeEvent(db, event)
  if (result.outcome === 'paid' && result.checkoutId !== null) await sendOrderConfirmations(db, result.checkoutId, env().APP_URL)
  if (result.outcome === 'amount_mismatch') {
    console.error(
      `Stripe event ${event.id}: the amount paid does not match checkout ${result.checkoutId}; nothing was marked paid, and the payment is refunded.`,
    )
  }
  if (result.refundDue) {
    // Money for lapsed orders, or not what we asked for, goes straight back.
    const due = result.refundDue
    await refundUnacceptedPayment(stripe.stripe, due).catch((error: unknown) =>
      console.error(`Refunding payment ${due.paymentIntent} for checkout ${due.checkoutId} (${due.reason}) failed; refund it from Stripe's dashboard:`, error),
    )
  }
  return jsonResponse({ received: true, outcome: result.outcome })
}
