import { randomUUID } from 'node:crypto'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { FormError, Notice } from '~/components/form'
import { cartForm } from '~/forms/cart'
import { Price } from '~/components/prices'
import { ReciprocityBadge } from '~/components/reciprocity'
import { getDb } from '~/lib/db.server'
import { dispatchForm, formRedirect, readForm } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { getStripe } from '~/lib/stripe.server'
import { addToCart, getCart, removeFromCart, setBuyingFor, setCartQuantity } from '~/modules/orders/cart.server'
import { MAX_QUANTITY } from '~/modules/orders/place-order.server'

export const meta: MetaFunction = () => [{ title: 'Your cart · Solidarity Market' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const cart = await getCart(getDb(), user.id)
  // One key per rendering of the checkout button: a double submission places one order.
  return { cart, idempotencyKey: randomUUID(), paysByCard: getStripe() !== null }
}

const CartForm = cartForm(MAX_QUANTITY)

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const db = getDb()
  return dispatchForm(
    await readForm(request),
    CartForm,
    {
      add: ({ offerId, quantity }, values) => formRedirect(values, () => addToCart(db, user.id, { offerId, quantity }), '/cart?notice=added'),
      update: ({ offerId, quantity }, values) => formRedirect(values, () => setCartQuantity(db, user.id, { offerId, quantity }), '/cart?notice=updated'),
      remove: async ({ offerId }) => {
        await removeFromCart(db, user.id, offerId)
        return redirect('/cart?notice=removed')
      },
      'buying-for': ({ buyingFor }, values) => formRedirect(values, () => setBuyingFor(db, user.id, buyingFor), '/cart?notice=buying-for'),
    },
    { above: 'all' },
  )
}

const notices: Record<string, string> = {
  added: 'Added to your cart.',
  updated: 'Quantity updated.',
  removed: 'Removed from your cart.',
  'buying-for': 'Prices now show what you pay for this use.',
}

export default function CartPage() {
  const { cart, idempotencyKey, paysByCard } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const notice = notices[params.get('notice') ?? '']
  const total = cart.totals[0]
  const fee = cart.accessFeeTotals[0]
  return (
    <section className="cart" aria-labelledby="cart-title">
      <h1 id="cart-title">Your cart</h1>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <FormError message={actionData?.formError} />
      {cart.lines.length === 0 ? (
        <div className="empty">
          <p>Your cart is empty.</p>
          <p>
            <Link to="/">Browse the catalog</Link> or see <Link to="/orders">your orders</Link>.
          </p>
        </div>
      ) : (
        <>
          <Form method="post" className="form--inline buying-for">
            <input type="hidden" name="intent" value="buying-for" />
            <label htmlFor="buying-for">Buying for</label>
            <select
              id="buying-for"
              name="buyingFor"
              defaultValue={cart.buyingAs.use.kind === 'personal' ? 'personal' : String(cart.buyingAs.use.organisationId)}
            >
              {cart.options.map((o) => (
                <option
                  key={o.use.kind === 'personal' ? 'personal' : o.use.organisationId}
                  value={o.use.kind === 'personal' ? 'personal' : String(o.use.organisationId)}
                >
                  {o.use.kind === 'personal' ? 'Myself (non-commercial use)' : o.organisation!.name}
                </option>
              ))}
            </select>
            <button type="submit" className="button button--secondary">
              Show my prices
            </button>
          </Form>
          <p>
            You buy as <ReciprocityBadge decision={cart.buyingAs} />, because {cart.buyingAs.because}.
          </p>
          <div className="table-scroll">
            <table className="cart-table">
              <caption className="visually-hidden">Offers in your cart</caption>
              <thead>
                <tr>
                  <th scope="col">Offer</th>
                  <th scope="col">Price</th>
                  <th scope="col">Quantity</th>
                  <th scope="col">Total</th>
                  <th scope="col">
                    <span className="visually-hidden">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {cart.lines.map((line) => (
                  <tr key={line.offerId} className={line.problem ? 'cart-line--problem' : undefined}>
                    <td>
                      <Link to={`/offers/${line.slug}`}>{line.title}</Link>
                      <div className="muted small">
                        from <Link to={`/organisations/${line.producer.slug}`}>{line.producer.name}</Link>
                        {line.accessFee.amount > 0 ? (
                          <>
                            {' '}
                            · access fee <Price value={line.accessFee} />, of which <Price value={line.commonsFundAmount} /> to its commons fund
                          </>
                        ) : null}
                      </div>
                      {line.problem ? <p className="field-error">{line.problem}</p> : null}
                    </td>
                    <td data-label="Price">
                      <Price value={line.unitPrice} /> <span className="muted">/ {line.unit}</span>
                    </td>
                    <td data-label="Quantity">
                      {line.stock === null ? (
                        <span>{line.quantity}</span>
                      ) : (
                        <Form method="post" className="form--inline quantity-form">
                          <input type="hidden" name="intent" value="update" />
                          <input type="hidden" name="offerId" value={line.offerId} />
                          <label className="visually-hidden" htmlFor={`qty-${line.offerId}`}>
                            Quantity of {line.title}
                          </label>
                          <input
                            id={`qty-${line.offerId}`}
                            name="quantity"
                            type="number"
                            min={0}
                            max={Math.min(MAX_QUANTITY, Math.max(line.stock, line.quantity))}
                            defaultValue={line.quantity}
                            inputMode="numeric"
                          />
                          <button type="submit" className="button button--secondary">
                            Update
                          </button>
                        </Form>
                      )}
                    </td>
                    <td data-label="Total">
                      <Price value={line.lineTotal} />
                    </td>
                    <td>
                      <Form method="post">
                        <input type="hidden" name="intent" value="remove" />
                        <input type="hidden" name="offerId" value={line.offerId} />
                        <button type="submit" className="link-button">
                          Remove<span className="visually-hidden"> {line.title}</span>
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {cart.totals.length > 1 ? (
            <Notice>Your cart holds offers priced in different currencies: check out one currency at a time by removing the others.</Notice>
          ) : null}
          {total ? (
            <div className="cart-summary">
              <p className="cart-total">
                Total <Price value={total} />
              </p>
              {fee && fee.amount > 0 ? (
                <p className="muted small">
                  Includes <Price value={fee} /> in access fees, shared between the producers, their commons funds and the marketplace&apos;s infrastructure
                  fund.
                </p>
              ) : null}
              {cart.creditToApply ? (
                <p className="notice notice--success" role="note">
                  {cart.buyingAs.organisation?.name ?? 'Your organisation'}’s credit pays <Price value={cart.creditToApply} />
                  {cart.creditToApply.amount === total.amount ? (
                    ' of it: all of it, nothing is left to pay.'
                  ) : (
                    <>
                      {' '}
                      of it; you pay <Price value={{ amount: total.amount - cart.creditToApply.amount, currency: total.currency }} />.
                    </>
                  )}
                </p>
              ) : null}
              {cart.forProfitAffiliations.length > 0 ? (
                <div className="notice notice--info declared-use-warning" role="note">
                  <p>
                    <strong>You are a member of {cart.forProfitAffiliations.join(', ')}</strong>, a for-profit organisation. You pay the commoner price because
                    you declare that you buy for your own, non-commercial use.
                  </p>
                  <p>
                    The licence then forbids using what you buy in {cart.forProfitAffiliations.length === 1 ? 'its' : 'their'} work, reselling it, or passing it
                    on for anyone’s commercial use. If it is for {cart.forProfitAffiliations.length === 1 ? 'its' : 'their'} work, choose the organisation under
                    “Buying for” and pay its price. The producer sees that this order was bought for personal use by a member of a for-profit organisation.
                  </p>
                </div>
              ) : null}
              <Form method="post" action="/checkout">
                <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
                <input type="hidden" name="declaredUse" value={cart.declaredUse.value} />
                <label className="declared-use">
                  <input type="checkbox" name="confirmUse" value="yes" required disabled={!cart.canCheckOut} /> I confirm that I buy these{' '}
                  {cart.declaredUse.statement}.
                </label>
                <button type="submit" className="button" disabled={!cart.canCheckOut}>
                  {total.amount === 0
                    ? 'Get it now, free'
                    : cart.creditToApply?.amount === total.amount
                      ? 'Place order (paid from the credit)'
                      : paysByCard
                        ? 'Check out and pay by card'
                        : 'Place order (pay by bank transfer)'}
                </button>
              </Form>
              <p className="muted small">
                {total.amount === 0
                  ? 'Nothing to pay: you can download commons items straight from your receipt.'
                  : cart.creditToApply?.amount === total.amount
                    ? 'The credit the marketplace owes your organisation pays it in full: the order is confirmed at once.'
                    : paysByCard
                      ? 'You pay on Stripe’s secure page; your order is confirmed when Stripe tells us it is paid.'
                      : 'Each producer sends an invoice with its bank details; you have 14 days to pay.'}
              </p>
            </div>
          ) : null}
        </>
      )}
    </section>
  )
}
