import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { orderStatuses } from '../../db/schema'
import { FormError, Notice } from '~/components/form'
import { OrderStatusBadge, When } from '~/components/orders'
import { Pagination } from '~/components/pagination'
import { Price } from '~/components/prices'
import { ReciprocityBadge } from '~/components/reciprocity'
import { getDb } from '~/lib/db.server'
import { SalesForm } from '~/forms/orders'
import { dispatchForm, domain, formRedirect, parseParams, parseQuery, readForm } from '~/lib/http.server'
import { cancelReasonLabel, orderStatusLabel } from '~/lib/labels'
import { requireUser } from '~/lib/session.server'
import { getStripe } from '~/lib/stripe.server'
import { organisationBySlug } from '~/modules/organisations/membership.server'
import { cancelOrderAsSeller, refundOrder } from '~/modules/payments/refunds.server'
import { markFulfilled, markShipped, recordInvoicePayment } from '~/modules/orders/order-actions.server'
import { DateRangeQuery } from '~/lib/date-range'
import { listSales } from '~/modules/orders/sales.server'
import { decimalDigits } from '~/lib/numbers'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })
const Query = z.object({
  status: z.enum(orderStatuses, { error: `status must be one of ${orderStatuses.join(', ')}` }).optional(),
  class: z.enum(['commoner', 'for_profit'], { error: 'class must be commoner or for_profit' }).optional(),
  q: z.string().trim().max(100, 'search is at most 100 characters').optional(),
  page: decimalDigits(
    z.number({ error: 'page must be a number' }).int('page must be a whole number').min(1, 'page starts at 1').max(10_000, 'page is too large'),
  ).default(1),
})

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? data.organisation.name : 'Organisation'} orders · Solidarity Market` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { slug } = parseParams(params, Params)
  const query = parseQuery(request, Query)
  const range = parseQuery(request, DateRangeQuery, (p) => Object.fromEntries(['from', 'to'].filter((k) => p.get(k)).map((k) => [k, p.get(k)!])))
  const db = getDb()
  const organisation = await domain(() => organisationBySlug(db, slug))
  const filter = { status: query.status, reciprocityClass: query.class, q: query.q || undefined, page: query.page, ...range }
  const sales = await domain(() => listSales(db, user.id, organisation.id, filter))
  return {
    organisation: { name: organisation.name, slug: organisation.slug },
    ...sales,
    filter: { status: query.status ?? '', class: query.class ?? '', q: query.q ?? '', from: range.from ?? '', to: range.to ?? '' },
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const { slug } = parseParams(params, Params)
  const db = getDb()
  await domain(() => organisationBySlug(db, slug))
  const done = (notice: string) => `/organisations/${slug}/orders?notice=${notice}`
  const stripe = () => getStripe()?.stripe ?? null
  return dispatchForm(
    await readForm(request),
    SalesForm,
    {
      'payment-received': ({ orderId }, values) => formRedirect(values, () => recordInvoicePayment(db, { orderId, personId: user.id }), done('paid')),
      shipped: ({ orderId, note }, values) => formRedirect(values, () => markShipped(db, { orderId, personId: user.id, note }), done('shipped')),
      fulfilled: ({ orderId }, values) => formRedirect(values, () => markFulfilled(db, { orderId, personId: user.id }), done('fulfilled')),
      // cancelOrderAsSeller names its notice: whether the order was called off unpaid or refunded
      cancel: ({ orderId, reason }, values) => formRedirect(values, () => cancelOrderAsSeller(db, stripe(), { orderId, personId: user.id, reason }), done),
      refund: ({ orderId, reason }, values) => formRedirect(values, () => refundOrder(db, stripe(), { orderId, personId: user.id, reason }), done('refunded')),
    },
    { above: 'all' },
  )
}

const notices: Record<string, string> = {
  paid: 'Payment recorded: the order is paid, and its shares are in the ledger.',
  shipped: 'Marked shipped; the buyer sees your note on their receipt.',
  fulfilled: 'Marked fulfilled.',
  cancelled: 'Cancelled: the order’s stock is back on sale and its ledger entries are reversed.',
  refunded:
    'Refunded: the order’s ledger entries are reversed. Goods that had not been handed over are back in stock; a fulfilled order’s goods stay with the buyer.',
}

export default function SalesPage() {
  const { organisation, sales, page, pageCount, total, filter } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const notice = notices[params.get('notice') ?? '']
  const href = (p: number) =>
    `/organisations/${organisation.slug}/orders?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v)), page: String(p) })}`
  return (
    <section aria-labelledby="sales-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}/manage`}>{organisation.name} workspace</Link> <span aria-hidden="true">›</span> <span>Orders</span>
      </nav>
      <h1 id="sales-title">Orders for {organisation.name}</h1>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <FormError message={actionData?.formError} />
      <p>
        <Link to={`/organisations/${organisation.slug}/dashboard`}>Sales dashboard</Link>
      </p>
      <Form method="get" className="form--inline filters">
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={filter.status}>
            <option value="">Any</option>
            {Object.entries(orderStatusLabel).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="class">Buyer</label>
          <select id="class" name="class" defaultValue={filter.class}>
            <option value="">Anyone</option>
            <option value="commoner">Commoners</option>
            <option value="for_profit">For-profit buyers</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="from">Placed from</label>
          <input id="from" name="from" type="date" defaultValue={filter.from} />
        </div>
        <div className="field">
          <label htmlFor="to">to</label>
          <input id="to" name="to" type="date" defaultValue={filter.to} />
        </div>
        <div className="field">
          <label htmlFor="q">Reference or buyer</label>
          <input id="q" name="q" defaultValue={filter.q} placeholder="SM-12 or a name" maxLength={100} />
        </div>
        <button type="submit" className="button button--secondary">
          Filter
        </button>
      </Form>
      {sales.length === 0 ? (
        <p className="empty">
          {Object.values(filter).some(Boolean) ? 'No orders match these filters.' : 'No orders yet. They appear here as soon as a buyer checks out.'}{' '}
          {Object.values(filter).some(Boolean) ? <Link to={`/organisations/${organisation.slug}/orders`}>Show all orders</Link> : null}
        </p>
      ) : (
        <ul className="order-list">
          {sales.map((s) => (
            <li key={s.id} className="order-list__item order-list__item--sale">
              <div>
                <strong>{s.reference}</strong> <OrderStatusBadge status={s.status} /> <Price value={s.total} />
                <div className="muted small">
                  <When iso={s.createdAt} /> · {s.buyer}
                  {s.buyingFor ? ` for ${s.buyingFor}` : ''} as <ReciprocityBadge decision={s} />
                  {s.declaredUse ? <span className="muted small"> · declared “{s.declaredUse}”</span> : null}
                  {s.accessFeeTotal.amount > 0 ? (
                    <>
                      {' '}
                      · access fee <Price value={s.accessFeeTotal} />
                    </>
                  ) : null}{' '}
                  · {s.provider === 'stripe' ? 'card' : s.provider === 'invoice' ? 'bank transfer' : s.creditApplied.amount > 0 ? 'buyer’s credit' : 'free'}
                  {s.creditApplied.amount > 0 && s.provider !== 'none' ? (
                    <>
                      {' '}
                      (<Price value={s.creditApplied} /> of it from the buyer’s credit, the rest{' '}
                      <Price value={{ amount: s.total.amount - s.creditApplied.amount, currency: s.total.currency }} />)
                    </>
                  ) : null}
                  {s.status === 'cancelled' && s.cancelReason ? ` · ${cancelReasonLabel[s.cancelReason] ?? s.cancelReason}` : ''}
                </div>
                {s.forProfitAffiliation ? (
                  <p className="order-flag small" role="note">
                    <strong>Flag: personal use by a member of a for-profit organisation</strong> ({s.forProfitAffiliation}). The buyer signed that this is for
                    their own non-commercial use, so the commoner price applied; the licence forbids its use in that organisation’s work.
                  </p>
                ) : null}
                <ul className="small">
                  {s.lines.map((l, i) => (
                    <li key={i}>
                      {l.quantity} × {l.title} <span className="muted">({l.unit})</span>
                    </li>
                  ))}
                </ul>
              </div>
              <div className="order-actions">
                {s.status === 'pending_payment' && s.provider === 'invoice' ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="payment-received" />
                    <input type="hidden" name="orderId" value={s.id} />
                    <button type="submit" className="button">
                      Mark payment received
                    </button>
                    <p className="muted small">
                      Lapses <When iso={s.expiresAt} /> if unpaid
                    </p>
                  </Form>
                ) : null}
                {s.status === 'paid' ? (
                  <>
                    {s.shippedAt ? (
                      <p className="small">
                        Shipped <When iso={s.shippedAt} />
                        {s.shippingNote ? `: ${s.shippingNote}` : ''}
                      </p>
                    ) : (
                      <details>
                        <summary>Mark shipped</summary>
                        <Form method="post">
                          <input type="hidden" name="intent" value="shipped" />
                          <input type="hidden" name="orderId" value={s.id} />
                          <label htmlFor={`note-${s.id}`}>Note for the buyer (optional)</label>
                          <input id={`note-${s.id}`} name="note" maxLength={500} placeholder="Carrier and tracking number" />
                          <button type="submit" className="button button--secondary">
                            Mark {s.reference} shipped
                          </button>
                        </Form>
                      </details>
                    )}
                    <Form method="post">
                      <input type="hidden" name="intent" value="fulfilled" />
                      <input type="hidden" name="orderId" value={s.id} />
                      <button type="submit" className="button">
                        Mark fulfilled
                      </button>
                    </Form>
                  </>
                ) : null}
                {s.status === 'pending_payment' || s.status === 'paid' ? (
                  <details>
                    <summary>Cancel</summary>
                    <Form method="post">
                      <input type="hidden" name="intent" value="cancel" />
                      <input type="hidden" name="orderId" value={s.id} />
                      <label htmlFor={`cancel-${s.id}`}>Why? (the buyer is told)</label>
                      <input id={`cancel-${s.id}`} name="reason" required minLength={3} maxLength={500} />
                      <button type="submit" className="button button--secondary">
                        {s.status === 'paid' ? `Cancel and refund ${s.reference}` : `Cancel ${s.reference}`}
                      </button>
                    </Form>
                  </details>
                ) : null}
                {s.status === 'fulfilled' && s.total.amount > 0 ? (
                  <details>
                    <summary>Refund</summary>
                    <Form method="post">
                      <input type="hidden" name="intent" value="refund" />
                      <input type="hidden" name="orderId" value={s.id} />
                      <label htmlFor={`reason-${s.id}`}>Why?</label>
                      <input id={`reason-${s.id}`} name="reason" required minLength={3} maxLength={500} />
                      <button type="submit" className="button button--secondary">
                        Refund {s.reference}
                      </button>
                    </Form>
                  </details>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">{total} in all.</p>
      <Pagination page={page} pageCount={pageCount} hasNextPage={page < pageCount} href={href} />
    </section>
  )
}
