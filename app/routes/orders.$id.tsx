import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { FormError, Notice } from '~/components/form'
import { OrderStatusBadge, TransText, When } from '~/components/orders'
import { Price } from '~/components/prices'
import { ReciprocityBadge, useBecause } from '~/components/reciprocity'
import { ReceiptForm } from '~/forms/orders'
import { useFormat } from '~/i18n/format'
import { useLabels } from '~/i18n/labels'
import { useMessage } from '~/i18n/messages'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { env } from '~/lib/env.server'
import { dispatchForm, domain, formDomain, formRedirect, formReply, parseParams, readForm } from '~/lib/http.server'
import { evidenceLevelLabel, legalFormLabel } from '~/lib/labels'
import { requireUser } from '~/lib/session.server'
import { getStripe } from '~/lib/stripe.server'
import { cancelUnpaidCheckout, chooseBackChargePayment } from '~/modules/orders/order-actions.server'
import { getReceipt } from '~/modules/orders/receipts.server'
import type { ReciprocityReason } from '~/modules/reciprocity/reciprocity.server'
import { stripePaymentPage } from '~/modules/payments/stripe.server'

const Params = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) })

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches, 'orders')
  return pageTitle(matches, data ? t('receipt.title', { reference: data.receipt.reference }) : t('receipt.untitled'))
}

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

/**
 * The reason a checkout recorded, as the code a page writes in the reader's language. Orders
 * record the English sentence the decision gave (reciprocity.server.ts); it is read back here
 * against the few sentences that code writes. Null for a sentence it does not recognise, which
 * is then shown as it was recorded.
 */
function recordedReason(text: string): ReciprocityReason | null {
  if (text === 'you buy as a person, for non-commercial use') return { code: 'personal' }
  const rest = '; it buys as a commoner once two verified organisations attest it or a steward verifies it'
  for (const [legalForm, label] of Object.entries(legalFormLabel) as [keyof typeof legalFormLabel, string][]) {
    const form = label.toLowerCase()
    const forProfit = ` is a ${form}, buying for commercial use`
    if (text.endsWith(forProfit)) return { code: 'notCommonsForm', organisation: text.slice(0, -forProfit.length), legalForm, level: null }
    for (const [level, words] of Object.entries(evidenceLevelLabel) as [keyof typeof evidenceLevelLabel, string][]) {
      const attested = ` is a ${form}, ${words}`
      if (text.endsWith(attested)) return { code: 'attested', organisation: text.slice(0, -attested.length), legalForm, level }
      const notAttested = `'s legal form (${form}) is ${words}${rest}`
      if (text.endsWith(notAttested)) return { code: 'notAttested', organisation: text.slice(0, -notAttested.length), legalForm, level }
    }
    const notEvidenced = `'s legal form (${form}) is not evidenced${rest}`
    if (text.endsWith(notEvidenced)) return { code: 'notAttested', organisation: text.slice(0, -notEvidenced.length), legalForm, level: null }
  }
  return null
}

export default function ReceiptPage() {
  const { receipt: r, returnedFromStripe } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const { t } = useTranslation('orders')
  const f = useFormat()
  const labels = useLabels()
  const message = useMessage()
  const because = useBecause()
  const reason = recordedReason(r.classReason)
  const classReason = reason ? because(reason) : message(r.classReason)
  const notices: Record<string, { tone: 'success' | 'info' | 'error'; text: string }> = {
    placed: { tone: 'success', text: t('receipt.notice.placed') },
    cancelled: { tone: 'success', text: t('receipt.notice.cancelled') },
    'by-transfer': { tone: 'success', text: t('receipt.notice.byTransfer') },
    'card-unavailable': { tone: 'error', text: t('receipt.notice.cardUnavailable') },
  }
  const notice = notices[params.get('notice') ?? '']
  const awaiting = r.awaitingPayment.amount > 0
  const anyPending = r.orders.some((o) => o.status === 'pending_payment')
  return (
    <article className="receipt" aria-labelledby="receipt-title">
      <nav aria-label={t('breadcrumb')} className="breadcrumb">
        <Link to="/orders">{t('yourOrders')}</Link> <span aria-hidden="true">›</span> <span>{r.reference}</span>
      </nav>
      <h1 id="receipt-title">{t('receipt.title', { reference: r.reference })}</h1>
      {notice ? <Notice tone={notice.tone}>{notice.text}</Notice> : null}
      <FormError message={actionData?.formError} />
      {returnedFromStripe && anyPending ? <Notice tone="info">{t('receipt.stripeWaiting')}</Notice> : null}
      <p>
        {r.buyingFor ? (
          <TransText
            t={t}
            i18nKey="receipt.placedFor"
            values={{ organisation: r.buyingFor.name, because: classReason }}
            components={{
              when: <When iso={r.createdAt} />,
              organisation: <Link to={`/organisations/${r.buyingFor.slug}`} />,
              badge: <ReciprocityBadge decision={r} />,
            }}
          />
        ) : (
          <TransText
            t={t}
            i18nKey="receipt.placed"
            values={{ because: classReason }}
            components={{ when: <When iso={r.createdAt} />, badge: <ReciprocityBadge decision={r} /> }}
          />
        )}
      </p>

      {r.backCharge ? (
        <p className="notice notice--error" role="note">
          {t('receipt.backCharge', { reference: r.backCharge.corrects })}
        </p>
      ) : null}
      {anyPending && r.backCharge ? (
        <section className="payment-box" aria-labelledby="pay-title">
          <h2 id="pay-title">{t('receipt.payment')}</h2>
          <p>
            <TransText
              t={t}
              i18nKey={r.provider === 'invoice' ? 'receipt.backChargeDueInvoice' : 'receipt.backChargeDue'}
              values={{ producer: r.orders[0]?.producer.name, reference: r.orders[0]?.reference }}
              components={{ amount: <Price value={r.awaitingPayment} />, when: <When iso={r.expiresAt} />, ref: <strong /> }}
            />
          </p>
          <Form method="post" className="form--inline">
            <input type="hidden" name="backCharge" value="yes" />
            <button type="submit" name="intent" value="pay" className="button">
              {t('receipt.payByCard')}
            </button>
            {r.provider === 'invoice' ? null : (
              <button type="submit" name="intent" value="pay-by-transfer" className="button button--secondary">
                {t('receipt.payByTransferInstead')}
              </button>
            )}
          </Form>
        </section>
      ) : null}
      {anyPending && !r.backCharge ? (
        <section className="payment-box" aria-labelledby="pay-title">
          <h2 id="pay-title">{t('receipt.payment')}</h2>
          {r.provider === 'stripe' ? (
            <>
              <p>
                <TransText t={t} i18nKey="receipt.cardDue" components={{ amount: <Price value={r.awaitingPayment} />, when: <When iso={r.expiresAt} /> }} />
              </p>
              <Form method="post" className="form--inline">
                <input type="hidden" name="intent" value="pay" />
                <button type="submit" className="button">
                  {t('receipt.payByCard')}
                </button>
              </Form>
            </>
          ) : (
            <>
              <p>
                <TransText t={t} i18nKey="receipt.transferDue" components={{ when: <When iso={r.expiresAt} /> }} />
              </p>
              <ul>
                {r.orders
                  .filter((o) => o.status === 'pending_payment')
                  .map((o) => (
                    <li key={o.id}>
                      <TransText
                        t={t}
                        i18nKey={o.creditApplied.amount > 0 ? 'receipt.transferLineCredit' : 'receipt.transferLine'}
                        values={{ producer: o.producer.name, reference: o.reference }}
                        components={{
                          amount: <Price value={{ amount: o.total.amount - o.creditApplied.amount, currency: o.total.currency }} />,
                          ref: <strong />,
                          total: <Price value={o.total} />,
                          credit: <Price value={o.creditApplied} />,
                        }}
                      />
                    </li>
                  ))}
              </ul>
            </>
          )}
          <Form method="post" className="form--inline">
            <input type="hidden" name="intent" value="cancel" />
            <button type="submit" className="link-button">
              {t('receipt.cancelUnpaid')}
            </button>
          </Form>
        </section>
      ) : null}

      {r.orders.map((o) => (
        <section key={o.id} className="receipt__order" aria-labelledby={`order-${o.id}`}>
          <h2 id={`order-${o.id}`}>
            <TransText
              t={t}
              i18nKey="receipt.from"
              values={{ producer: o.producer.name }}
              components={{ producer: <Link to={`/organisations/${o.producer.slug}`} /> }}
            />{' '}
            <span className="muted small">{o.reference}</span> <OrderStatusBadge status={o.status} />
          </h2>
          {o.status === 'cancelled' && o.cancelReason ? (
            <p className="muted small">{t('receipt.cancelledPart', { reason: labels.cancelReason(o.cancelReason) })}</p>
          ) : null}
          {o.shippedAt && o.status === 'paid' ? (
            <p className="small">
              <TransText
                t={t}
                i18nKey={o.shippingNote ? 'receipt.shippedNote' : 'receipt.shipped'}
                values={{ note: o.shippingNote }}
                components={{ when: <When iso={o.shippedAt} /> }}
              />
            </p>
          ) : null}
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">{t('receipt.itemsFrom', { producer: o.producer.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('columns.item')}</th>
                  <th scope="col">{t('columns.quantity')}</th>
                  <th scope="col">{t('columns.price')}</th>
                  <th scope="col">{t('columns.total')}</th>
                </tr>
              </thead>
              <tbody>
                {o.lines.map((l) => (
                  <tr key={l.offerId}>
                    <td>
                      <Link to={`/offers/${l.offerSlug}`}>{l.title}</Link>
                      <div className="muted small">
                        {t(l.licenceCode ? 'receipt.scoreLicence' : 'receipt.score', {
                          score: f.number(l.score),
                          version: l.rulesVersion,
                          licence: l.licenceCode,
                        })}
                        {l.accessFee.amount > 0 ? (
                          <>
                            {' '}
                            <TransText
                              t={t}
                              i18nKey="receipt.lineFee"
                              values={{ fund: l.commonsFund.name, infrastructure: l.infrastructure.name }}
                              components={{
                                fee: <Price value={l.accessFee} />,
                                fund: <Price value={l.commonsFund.amount} />,
                                infrastructure: <Price value={l.infrastructure.amount} />,
                              }}
                            />
                          </>
                        ) : null}
                      </div>
                      {l.download ? (
                        <p>
                          <a className="button button--secondary" href={l.download.href}>
                            {l.download.kind === 'file'
                              ? // the receipt names the file as "Download <file name>"
                                t('receipt.downloadFile', { fileName: l.download.label.replace(/^Download /, '') })
                              : t('receipt.openResource')}
                          </a>{' '}
                          <a className="small" href={`${l.download.href}/licence-notice.txt`}>
                            {t('receipt.licenceNotice')}
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
          <dt>{t('receipt.total')}</dt>
          <dd>
            <Price value={r.total} />
          </dd>
        </div>
        <div>
          <dt>{t('receipt.accessFees')}</dt>
          <dd>
            <Price value={r.accessFeeTotal} />
          </dd>
        </div>
        {r.creditApplied.amount > 0 ? (
          <div>
            <dt>{r.buyingFor ? t('receipt.paidFromCredit', { organisation: r.buyingFor.name }) : t('receipt.paidFromOwnCredit')}</dt>
            <dd>
              <Price value={r.creditApplied} />
            </dd>
          </div>
        ) : null}
        {awaiting ? (
          <div>
            <dt>{t('receipt.stillToPay')}</dt>
            <dd>
              <Price value={r.awaitingPayment} />
            </dd>
          </div>
        ) : null}
      </dl>
      {r.feeDestinations.length ? (
        <section aria-labelledby="fee-title">
          <h2 id="fee-title">{t('receipt.feeTitle')}</h2>
          <p>
            <Link to={`/orders/${r.checkoutId}/fee`}>{t('receipt.feeFollow')}</Link>
          </p>
          <ul>
            {r.feeDestinations.map((d) => (
              <li key={d.slug}>
                <TransText
                  t={t}
                  i18nKey="receipt.feeDestination"
                  values={{ fund: d.name }}
                  components={{ amount: <Price value={d.amount} />, fund: <Link to={`/funds/${d.slug}`} /> }}
                />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p>
        <Link to="/orders">{t('receipt.allOrders')}</Link>
      </p>
    </article>
  )
}
