import { data, redirect, type ActionFunctionArgs } from '@remix-run/node'
import Stripe from 'stripe'
import { z } from 'zod'
import { getDb } from '~/lib/db.server'
import { env } from '~/lib/env.server'
import { domain, readForm } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { getStripe } from '~/lib/stripe.server'
import { field } from '~/lib/actions.server'
import { isAppError } from '~/lib/errors'
import { checkOutCart } from '~/modules/orders/cart.server'
import { sendOrderConfirmations } from '~/modules/orders/mail-out.server'
import { stripeCheckoutUrl } from '~/modules/payments/stripe.server'

const CheckoutForm = z.object({
  idempotencyKey: z.string().regex(/^[A-Za-z0-9-]{8,100}$/),
  // The use the buyer signed (`personal` or `organisation:<id>`), and the ticked statement.
  declaredUse: z.string().regex(/^(personal|organisation:\d{1,15})$/),
  confirmUse: z.literal('yes').optional(),
})

// The checkout has no page of its own: the cart posts here, and we go on to the receipt or to
// Stripe's payment page.
export async function loader() {
  return redirect('/cart')
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const db = getDb()
  const form = await readForm(request)
  const parsed = CheckoutForm.safeParse({
    idempotencyKey: field(form, 'idempotencyKey'),
    declaredUse: field(form, 'declaredUse'),
    confirmUse: form.get('confirmUse') ?? undefined,
  })
  if (!parsed.success) throw data('This checkout form is out of date: go back to your cart and check out again.', { status: 400 })
  const stripe = getStripe()
  const placed = await domain(() =>
    checkOutCart(db, user.id, {
      idempotencyKey: parsed.data.idempotencyKey,
      paymentProvider: stripe ? 'stripe' : 'invoice',
      declaredUse: { value: parsed.data.declaredUse, confirmed: parsed.data.confirmUse === 'yes' },
    }),
  )
  const { APP_URL } = env()
  // Card payments are confirmed (and mailed) by Stripe's webhook; the rest are confirmed now.
  if (placed.created && placed.provider !== 'stripe') await sendOrderConfirmations(db, placed.checkoutId, APP_URL)
  if (placed.provider === 'stripe' && stripe) {
    try {
      return redirect(
        await stripeCheckoutUrl(db, stripe.stripe, { checkoutId: placed.checkoutId, personId: user.id, buyerEmail: user.email, returnUrl: `${APP_URL}/orders/${placed.checkoutId}` }),
      )
    } catch (error) {
      if (isAppError(error)) throw data(error.message, { status: error.status })
      if (!(error instanceof Stripe.errors.StripeError)) throw error
      // The order stands (its stock is held); the receipt offers the payment page again.
      console.error(`Stripe Checkout could not start for checkout ${placed.checkoutId}: ${error.message}`)
      return redirect(`/orders/${placed.checkoutId}?notice=card-unavailable`)
    }
  }
  return redirect(`/orders/${placed.checkoutId}?notice=placed`)
}
