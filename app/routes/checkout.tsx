import { data, redirect, type ActionFunctionArgs } from '@remix-run/node'
import { CheckoutForm } from '~/forms/orders'
import { getDb } from '~/lib/db.server'
import { env } from '~/lib/env.server'
import { domain, parseForm, readForm } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { getStripe } from '~/lib/stripe.server'
import { checkOutCart } from '~/modules/orders/cart.server'
import { sendOrderConfirmations } from '~/modules/orders/mail-out.server'
import { stripePaymentPage } from '~/modules/payments/stripe.server'

// The checkout has no page of its own: the cart posts here, and we go on to the receipt or to
// Stripe's payment page.
export async function loader() {
  return redirect('/cart')
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const db = getDb()
  const form = parseForm(await readForm(request), CheckoutForm)
  if (!form.ok) throw data('This checkout form is out of date: go back to your cart and check out again.', { status: 400 })
  const { idempotencyKey, declaredUse, confirmUse } = form.data
  const stripe = getStripe()
  const placed = await domain(() =>
    checkOutCart(db, user.id, {
      idempotencyKey,
      paymentProvider: stripe ? 'stripe' : 'invoice',
      declaredUse: { value: declaredUse, confirmed: confirmUse === 'yes' },
    }),
  )
  const { APP_URL } = env()
  // Card payments are confirmed (and mailed) by Stripe's webhook; the rest are confirmed now.
  if (placed.created && placed.provider !== 'stripe') await sendOrderConfirmations(db, placed.checkoutId, APP_URL)
  if (placed.provider === 'stripe' && stripe) {
    const page = await domain(() =>
      stripePaymentPage(db, stripe.stripe, {
        checkoutId: placed.checkoutId,
        personId: user.id,
        buyerEmail: user.email,
        returnUrl: `${APP_URL}/orders/${placed.checkoutId}`,
      }),
    )
    // When Stripe does not answer the order stands; its receipt says so and offers the page again.
    return redirect('url' in page ? page.url : `/orders/${placed.checkoutId}?notice=card-unavailable`)
  }
  return redirect(`/orders/${placed.checkoutId}?notice=placed`)
}
