import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { FormError, Notice } from '~/components/form'
import { OrderStatusBadge, When } from '~/components/orders'
import { Price } from '~/components/prices'
import { ReciprocityBadge } from '~/components/reciprocity'
import { ReceiptForm } from '~/forms/orders'
import { getDb } from '~/lib/db.server'
import { env } from '~/lib/env.server'
import { dispatchForm, domain, formDomain, formRedirect, formReply, parseParams, readForm } from '~/lib/http.server'
import { cancelReasonLabel } from '~/lib/labels'
import { requireUser } from '~/lib/session.server'
import { getStripe } from '~/lib/stripe.server'
import { cancelUnpaidCheckout, chooseBackChargePayment } from '~/modules/orders/order-actions.server'
import { getReceipt } from '~/modules/orders/receipts.server'
import { stripePaymentPage } from '~/modules/payments/stripe.server'

const Params = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) })

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Order ${data.receipt.reference} · Solidarity Market` : 'Order · Solidarity Market' },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { id } = parseParams(params, Params)
  const receipt = await domain(() => getReceipt(getDb(), user.id, id))
  return { receipt, returnedFromStripe: new URL(request.url).searchParams.has('session_id') }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const { id } = parseParams(params, Params)
  const db = getDb()
  const checkout = { checkoutId: id, personId: user.id }
  return dispatchForm(await readForm(request), ReceiptForm, {
    cancel: (_, values) => formRedirect(values, () => cancelUnpaidCheckout(db, checkout), `/orders/${id}?notice=cancelled`),
    'pay-by-transfer': (_, values) =>
      formRedirect(values, () => chooseBackChargePayment(db, { ...checkout, provider: 'invoice' }), `/orders/${id}?notice=by-transfer`),
    pay: async ({ backCharge }, values) => {
      const stripe = getStripe()
      if (!stripe) return formReply({ formError: 'Card payments are not available on this server right now.', values }, 503)
      if (backCharge === 'yes') {
        const chosen = await formDomain(values, () => chooseBackChargePayment(db, { ...checkout, provider: 'stripe' }))
        if (!chosen.ok) return chosen.reply
      }
      const page = await formDomain(values, () =>
        stripePaymentPage(db, stripe.stripe, { ...checkout, buyerEmail: user.email, returnUrl: `${env().APP_URL}/orders/${id}` }),
      )
      if (!page.ok) return page.reply
      return 'url' in page.value ? redirect(page.value.url) : formReply({ formError: page.value.unavailable, values }, 503)
    },
  })
}

const notices: Record<string, { tone: 'success' | 'info' | 'error'; text: string }> = {
  placed: { tone: 'success', text: 'Thank you: your order is placed. A confirmation is on its way by email.' },
  cancelled: { tone: 'success', text: 'Cancelled. Nothing is owed, and the goods are back on sale.' },
  'by-transfer': { tone: 'success', text: 'You will pay by bank transfer: the producer sends its bank details and marks the payment received here.' },
  'card-unavailable': { tone: 'error', text: 'Your order is placed, but Stripe did not answer. Try “Pay by card” again in a minute.' },
}

export default function ReceiptPage() {
  const { receipt: r, returnedFromStripe } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const notice = notices[params.get('notice') ?? '']
  const awaiting = r.awaitingPayment.amount > 0
  const anyPending = r.orders.some((o) => o.status === 'pending_payment')
  return (
    <article className="receipt" aria-labelledby="receipt-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/orders">Your orders</Link> <span aria-hidden="true">›</span> <span>{r.reference}</span>
      </nav>
      <h1 id="receipt-title">Order {r.reference}</h1>
      {notice ? <Notice tone={notice.tone}>{notice.text}</Notice> : null}
      <FormError message={actionData?.formError} />
      {returnedFromStripe && anyPending ? (
        <Notice tone="info">
          Thank you. We are waiting for Stripe to confirm your payment; this page shows it as paid as soon as it does. Reload in a moment.
        </Notice>
      ) : null}
      <p>
        Placed <When iso={r.createdAt} />
        {r.buyingFor ? (
          <>
            {' '}
            for <Link to={`/organisations/${r.buyingFor.slug}`}>{r.buyingFor.name}</Link>
          </>
        ) : null}
        . You bought as <ReciprocityBadge decision={r} />, because {r.classReason}.
      </p>

      {r.backCharge ? (
        <p className="notice notice--error" role="note">
          This is a back-charge for {r.backCharge.corrects}: the access fee that order did not pay, because the claim that gave it the commoner price was
          overturned.
        </p>
      ) : null}
      {anyPending && r.backCharge ? (
        <section className="payment-box" aria-labelledby="pay-title">
          <h2 id="pay-title">Payment</h2>
          <p>
            <Price value={r.awaitingPayment} /> due by <When iso={r.expiresAt} />. It does not lapse: it stays owed until it is paid. Pay it by card, or by bank
            transfer to {r.orders[0]?.producer.name} quoting <strong>{r.orders[0]?.reference}</strong>
            {r.provider === 'invoice' ? ' (your choice so far: the producer marks the payment received here when it arrives)' : ''}.
          </p>
          <Form method="post" className="form--inline">
            <input type="hidden" name="backCharge" value="yes" />
            <button type="submit" name="intent" value="pay" className="button">
              Pay by card
            </button>
            {r.provider === 'invoice' ? null : (
              <button type="submit" name="intent" value="pay-by-transfer" className="button button--secondary">
                Pay by bank transfer instead
              </button>
            )}
          </Form>
        </section>
      ) : null}
      {anyPending && !r.backCharge ? (
        <section className="payment-box" aria-labelledby="pay-title">
          <h2 id="pay-title">Payment</h2>
          {r.provider === 'stripe' ? (
            <>
              <p>
                <Price value={r.awaitingPayment} /> to pay by card before <When iso={r.expiresAt} />; after that the order lapses and the goods go back on sale.
              </p>
              <Form method="post" className="form--inline">
                <input type="hidden" name="intent" value="pay" />
                <button type="submit" className="button">
                  Pay by card
                </button>
              </Form>
            </>
          ) : (
            <>
              <p>
                Pay by bank transfer before <When iso={r.expiresAt} />, one transfer per producer, quoting its reference. Each producer sends its bank details
                with its invoice and marks the payment received here.
              </p>
              <ul>
                {r.orders
                  .filter((o) => o.status === 'pending_payment')
                  .map((o) => (
                    <li key={o.id}>
                      <Price value={{ amount: o.total.amount - o.creditApplied.amount, currency: o.total.currency }} /> to {o.producer.name}, reference{' '}
                      <strong>{o.reference}</strong>
                      {o.creditApplied.amount > 0 ? (
                        <>
                          {' '}
                          (<Price value={o.total} /> less <Price value={o.creditApplied} /> from your credit)
                        </>
                      ) : null}
                    </li>
                  ))}
              </ul>
            </>
          )}
          <Form method="post" className="form--inline">
            <input type="hidden" name="intent" value="cancel" />
            <button type="submit" className="link-button">
              Cancel the unpaid part of this order
            </button>
          </Form>
        </section>
      ) : null}

      {r.orders.map((o) => (
        <section key={o.id} className="receipt__order" aria-labelledby={`order-${o.id}`}>
          <h2 id={`order-${o.id}`}>
            From <Link to={`/organisations/${o.producer.slug}`}>{o.producer.name}</Link> <span className="muted small">{o.reference}</span>{' '}
            <OrderStatusBadge status={o.status} />
          </h2>
          {o.status === 'cancelled' && o.cancelReason ? (
            <p className="muted small">This part was {cancelReasonLabel[o.cancelReason] ?? o.cancelReason}.</p>
          ) : null}
          {o.shippedAt && o.status === 'paid' ? (
            <p className="small">
              Shipped <When iso={o.shippedAt} />
              {o.shippingNote ? `: ${o.shippingNote}` : ''}
            </p>
          ) : null}
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">Items from {o.producer.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Item</th>
                  <th scope="col">Quantity</th>
                  <th scope="col">Price</th>
                  <th scope="col">Total</th>
                </tr>
              </thead>
              <tbody>
                {o.lines.map((l) => (
                  <tr key={l.offerId}>
                    <td>
                      <Link to={`/offers/${l.offerSlug}`}>{l.title}</Link>
                      <div className="muted small">
                        Score {l.score} (rules v{l.rulesVersion}) when ordered{l.licenceCode ? ` · licence ${l.licenceCode}` : ''}
                        {l.accessFee.amount > 0 ? (
                          <>
                            {' '}
                            · access fee <Price value={l.accessFee} />: <Price value={l.commonsFund.amount} /> to {l.commonsFund.name},{' '}
                            <Price value={l.infrastructure.amount} /> to {l.infrastructure.name}
                          </>
                        ) : null}
                      </div>
                      {l.download ? (
                        <p>
                          <a className="button button--secondary" href={l.download.href}>
                            {l.download.label}
                          </a>{' '}
                          <a className="small" href={`${l.download.href}/licence-notice.txt`}>
                            Licence notice
                          </a>
                        </p>
                      ) : null}
                    </td>
                    <td>
                      {l.quantity} <span className="muted">{l.unit}</span>
                    </td>
                    <td>
                      <Price value={l.unitPrice} />
                    </td>
                    <td>
                      <Price value={l.lineTotal} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}

      <dl className="facts receipt__totals">
        <div>
          <dt>Total</dt>
          <dd>
            <Price value={r.total} />
          </dd>
        </div>
        <div>
          <dt>Of which access fees</dt>
          <dd>
            <Price value={r.accessFeeTotal} />
          </dd>
        </div>
        {r.creditApplied.amount > 0 ? (
          <div>
            <dt>Paid from {r.buyingFor?.name ?? 'your organisation'}’s credit</dt>
            <dd>
              <Price value={r.creditApplied} />
            </dd>
          </div>
        ) : null}
        {awaiting ? (
          <div>
            <dt>Still to pay</dt>
            <dd>
              <Price value={r.awaitingPayment} />
            </dd>
          </div>
        ) : null}
      </dl>
      {r.feeDestinations.length ? (
        <section aria-labelledby="fee-title">
          <h2 id="fee-title">Where your access fee went</h2>
          <p>
            <Link to={`/orders/${r.checkoutId}/fee`}>Follow it into the funds and see what they have paid out since →</Link>
          </p>
          <ul>
            {r.feeDestinations.map((d) => (
              <li key={d.slug}>
                <Price value={d.amount} /> to <Link to={`/funds/${d.slug}`}>{d.name}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p>
        <Link to="/orders">← All your orders</Link>
      </p>
    </article>
  )
}
