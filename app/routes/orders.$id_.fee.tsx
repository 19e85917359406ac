import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { TransText, When } from '~/components/orders'
import { Amount } from '~/components/prices'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { domain, parseParams } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { feeTrail } from '~/modules/funds/fee-trail.server'

const Params = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) })

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches, 'orders')
  return pageTitle(matches, data ? t('fee.title', { reference: data.reference }) : t('fee.untitled'))
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { id } = parseParams(params, Params)
  return domain(() => feeTrail(getDb(), user.id, id))
}

export default function FeeTrailPage() {
  const trail = useLoaderData<typeof loader>()
  const { t } = useTranslation('orders')
  return (
    <article aria-labelledby="trail-title" className="narrow">
      <nav aria-label={t('breadcrumb')} className="breadcrumb">
        <Link to="/orders">{t('yourOrders')}</Link> <span aria-hidden="true">›</span> <Link to={`/orders/${trail.checkoutId}`}>{trail.reference}</Link>{' '}
        <span aria-hidden="true">›</span> <span>{t('fee.breadcrumb')}</span>
      </nav>
      <h1 id="trail-title">{t('fee.heading', { reference: trail.reference })}</h1>
      {trail.accessFee.amount === 0 ? (
        <p>{t('fee.none')}</p>
      ) : (
        <>
          <p>
            {trail.paidAt ? (
              <TransText
                t={t}
                i18nKey="fee.paidAt"
                components={{ fee: <Amount value={trail.accessFee} />, when: <When iso={trail.paidAt} />, share: <Amount value={trail.producerShare} /> }}
              />
            ) : (
              <TransText t={t} i18nKey="fee.paid" components={{ fee: <Amount value={trail.accessFee} />, share: <Amount value={trail.producerShare} /> }} />
            )}
          </p>
          {trail.funds.map((f) => (
            <section key={f.slug} aria-labelledby={`fund-${f.slug}`}>
              <h2 id={`fund-${f.slug}`}>
                <TransText
                  t={t}
                  i18nKey="fee.fund"
                  values={{ fund: f.name }}
                  components={{ amount: <Amount value={f.fromThisPurchase} />, fund: <Link to={`/funds/${f.slug}`} /> }}
                />
              </h2>
              <p className="muted">{f.purpose}</p>
              {f.paidOutSince.length === 0 ? (
                <p>
                  <TransText t={t} i18nKey="fee.nothingPaidOut" components={{ balance: <Amount value={f.balanceNow} /> }} />
                </p>
              ) : (
                <>
                  <p>{t('fee.paidOutSince')}</p>
                  <ul>
                    {f.paidOutSince.map((d) => (
                      <li key={d.id}>
                        <TransText
                          t={t}
                          i18nKey="fee.disbursement"
                          values={{ recipient: d.recipient, purpose: d.purpose }}
                          components={{ when: <When iso={d.at} />, amount: <Amount value={d.amount} /> }}
                        />
                      </li>
                    ))}
                  </ul>
                  <p>
                    <TransText t={t} i18nKey="fee.holds" components={{ balance: <Amount value={f.balanceNow} /> }} />
                  </p>
                </>
              )}
            </section>
          ))}
        </>
      )}
    </article>
  )
}
