import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { Trans, useTranslation } from 'react-i18next'
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
import { useFormat } from '~/i18n/format'
import { useLabels } from '~/i18n/labels'
import { metaT, pageTitle } from '~/i18n/meta'
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

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches, 'organisation')
  return pageTitle(matches, t('orders.metaTitle', { name: data ? data.organisation.name : t('common.organisation') }))
}

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

/** The use the buyer signed at checkout, recorded in English (place-order.server.ts), in the reader's words. */
function useDeclaredUse(): (recorded: string) => string {
  const { t } = useTranslation('organisation')
  return (recorded) => {
    if (recorded === 'for my own non-commercial use') return t('orders.declaredUse.personal')
    const organisation = /^on behalf of (.+), for its work$/.exec(recorded)?.[1]
    return organisation ? t('orders.declaredUse.organisation', { organisation }) : recorded
  }
}

const noticeKeys = ['paid', 'shipped', 'fulfilled', 'cancelled', 'refunded'] as const
type NoticeKey = (typeof noticeKeys)[number]
const isNotice = (value: string | null): value is NoticeKey => noticeKeys.includes(value as NoticeKey)

export default function SalesPage() {
  const { t } = useTranslation('organisation')
  const f = useFormat()
  const labels = useLabels()
  const declaredUse = useDeclaredUse()
  const { organisation, sales, page, pageCount, total, filter } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const noticeKey = params.get('notice')
  const notice = isNotice(noticeKey) ? t(`orders.notices.${noticeKey}`) : null
  const filtered = Object.values(filter).some(Boolean)
  const href = (p: number) =>
    `/organisations/${organisation.slug}/orders?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v)), page: String(p) })}`
  return (
    <section aria-labelledby="sales-title">
      <nav aria-label={t('common.breadcrumb')} className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}/manage`}>{t('common.workspaceOf', { name: organisation.name })}</Link> <span aria-hidden="true">›</span>{' '}
        <span>{t('orders.crumb')}</span>
      </nav>
      <h1 id="sales-title">{t('orders.title', { name: organisation.name })}</h1>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <FormError message={actionData?.formError} />
      <p>
        <Link to={`/organisations/${organisation.slug}/dashboard`}>{t('orders.dashboardLink')}</Link>
      </p>
      <Form method="get" className="form--inline filters">
        <div className="field">
          <label htmlFor="status">{t('orders.status')}</label>
          <select id="status" name="status" defaultValue={filter.status}>
            <option value="">{t('orders.any')}</option>
            {orderStatuses.map((status) => (
              <option key={status} value={status}>
                {labels.orderStatus(status)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="class">{t('orders.buyer')}</label>
          <select id="class" name="class" defaultValue={filter.class}>
            <option value="">{t('orders.anyone')}</option>
            <option value="commoner">{t('common.commoners')}</option>
            <option value="for_profit">{t('common.forProfitBuyers')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="from">{t('orders.placedFrom')}</label>
          <input id="from" name="from" type="date" defaultValue={filter.from} />
        </div>
        <div className="field">
          <label htmlFor="to">{t('orders.placedTo')}</label>
          <input id="to" name="to" type="date" defaultValue={filter.to} />
        </div>
        <div className="field">
          <label htmlFor="q">{t('orders.search')}</label>
          <input id="q" name="q" defaultValue={filter.q} placeholder={t('orders.searchPlaceholder')} maxLength={100} />
        </div>
        <button type="submit" className="button button--secondary">
          {t('orders.filter')}
        </button>
      </Form>
      {sales.length === 0 ? (
        <p className="empty">
          {filtered ? t('orders.noMatch') : t('orders.none')}{' '}
          {filtered ? <Link to={`/organisations/${organisation.slug}/orders`}>{t('orders.showAll')}</Link> : null}
        </p>
      ) : (
        <ul className="order-list">
          {sales.map((s) => (
            <li key={s.id} className="order-list__item order-list__item--sale">
              <div>
                <strong>{s.reference}</strong> <OrderStatusBadge status={s.status} /> <Price value={s.total} />
                <div className="muted small">
                  <When iso={s.createdAt} /> ·{' '}
                  <Trans
                    t={t}
                    i18nKey={s.buyingFor ? 'orders.buyerForAs' : 'orders.buyerAs'}
                    values={{ buyer: s.buyer, buyingFor: s.buyingFor }}
                    components={{ badge: <ReciprocityBadge decision={s} /> }}
                  />
                  {s.declaredUse ? <span className="muted small">{t('orders.declared', { use: declaredUse(s.declaredUse) })}</span> : null}
                  {s.accessFeeTotal.amount > 0 ? (
                    <Trans t={t} i18nKey="orders.accessFee" components={{ price: <Price value={s.accessFeeTotal} /> }} />
                  ) : null} ·{' '}
                  {s.provider === 'stripe'
                    ? t('orders.provider.stripe')
                    : s.provider === 'invoice'
                      ? t('orders.provider.invoice')
                      : s.creditApplied.amount > 0
                        ? t('orders.provider.credit')
                        : t('orders.provider.free')}
                  {s.creditApplied.amount > 0 && s.provider !== 'none' ? (
                    <Trans
                      t={t}
                      i18nKey="orders.creditPart"
                      components={{
                        credit: <Price value={s.creditApplied} />,
                        rest: <Price value={{ amount: s.total.amount - s.creditApplied.amount, currency: s.total.currency }} />,
                      }}
                    />
                  ) : null}
                  {s.status === 'cancelled' && s.cancelReason ? ` · ${labels.cancelReason(s.cancelReason)}` : ''}
                </div>
                {s.forProfitAffiliation ? (
                  <p className="order-flag small" role="note">
                    <Trans
                      t={t}
                      i18nKey="orders.flagText"
                      values={{ affiliation: s.forProfitAffiliation }}
                      components={{ title: <strong>{t('orders.flagTitle')}</strong> }}
                    />
                  </p>
                ) : null}
                <ul className="small">
                  {s.lines.map((l, i) => (
                    <li key={i}>
                      <Trans
                        t={t}
                        i18nKey="orders.line"
                        values={{ quantity: f.number(l.quantity), title: l.title, unit: l.unit }}
                        components={{ muted: <span className="muted" /> }}
                      />
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
                      {t('orders.markPaymentReceived')}
                    </button>
                    <p className="muted small">
                      <Trans t={t} i18nKey="orders.lapses" components={{ when: <When iso={s.expiresAt} /> }} />
                    </p>
                  </Form>
                ) : null}
                {s.status === 'paid' ? (
                  <>
                    {s.shippedAt ? (
                      <p className="small">
                        <Trans
                          t={t}
                          i18nKey={s.shippingNote ? 'orders.shippedWithNote' : 'orders.shipped'}
                          values={{ note: s.shippingNote }}
                          components={{ when: <When iso={s.shippedAt} /> }}
                        />
                      </p>
                    ) : (
                      <details>
                        <summary>{t('orders.markShipped')}</summary>
                        <Form method="post">
                          <input type="hidden" name="intent" value="shipped" />
                          <input type="hidden" name="orderId" value={s.id} />
                          <label htmlFor={`note-${s.id}`}>{t('orders.noteForBuyer')}</label>
                          <input id={`note-${s.id}`} name="note" maxLength={500} placeholder={t('orders.notePlaceholder')} />
                          <button type="submit" className="button button--secondary">
                            {t('orders.markReferenceShipped', { reference: s.reference })}
                          </button>
                        </Form>
                      </details>
                    )}
                    <Form method="post">
                      <input type="hidden" name="intent" value="fulfilled" />
                      <input type="hidden" name="orderId" value={s.id} />
                      <button type="submit" className="button">
                        {t('orders.markFulfilled')}
                      </button>
                    </Form>
                  </>
                ) : null}
                {s.status === 'pending_payment' || s.status === 'paid' ? (
                  <details>
                    <summary>{t('orders.cancel')}</summary>
                    <Form method="post">
                      <input type="hidden" name="intent" value="cancel" />
                      <input type="hidden" name="orderId" value={s.id} />
                      <label htmlFor={`cancel-${s.id}`}>{t('orders.cancelWhy')}</label>
                      <input id={`cancel-${s.id}`} name="reason" required minLength={3} maxLength={500} />
                      <button type="submit" className="button button--secondary">
                        {s.status === 'paid'
                          ? t('orders.cancelAndRefund', { reference: s.reference })
                          : t('orders.cancelReference', { reference: s.reference })}
                      </button>
                    </Form>
                  </details>
                ) : null}
                {s.status === 'fulfilled' && s.total.amount > 0 ? (
                  <details>
                    <summary>{t('orders.refund')}</summary>
                    <Form method="post">
                      <input type="hidden" name="intent" value="refund" />
                      <input type="hidden" name="orderId" value={s.id} />
                      <label htmlFor={`reason-${s.id}`}>{t('orders.refundWhy')}</label>
                      <input id={`reason-${s.id}`} name="reason" required minLength={3} maxLength={500} />
                      <button type="submit" className="button button--secondary">
                        {t('orders.refundReference', { reference: s.reference })}
                      </button>
                    </Form>
                  </details>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">{t('orders.total', { count: total, n: f.number(total) })}</p>
      <Pagination page={page} pageCount={pageCount} hasNextPage={page < pageCount} href={href} />
    </section>
  )
}
