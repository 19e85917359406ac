import type { Db } from '../../../db/schema'

// What the card payment provider tells us about a checkout, written here because orders owns
// the checkouts table; payments, above orders, talks to the provider and calls these.

/** The provider's payment page for this checkout, so a return visit reuses it. */
export async function recordCardSession(db: Db, checkoutId: number, session: { sessionId: string; url: string }) {
  await db.updateTable('checkouts').set({ stripeSessionId: session.sessionId, stripeSessionUrl: session.url }).where('id', '=', checkoutId).execute()
}

/** The payment that paid this checkout; the first one recorded stays. */
export async function recordCardPayment(db: Db, checkoutId: number, paymentIntentId: string) {
  await db
    .updateTable('checkouts')
    .set({ stripePaymentIntentId: paymentIntentId })
    .where('id', '=', checkoutId)
    .where('stripePaymentIntentId', 'is', null)
    .execute()
}
