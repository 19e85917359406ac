import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { Trans, useTranslation } from 'react-i18next'
import { z } from 'zod'
import { BarList, StackedColumns } from '~/components/charts'
import { Amount } from '~/components/prices'
import { getDb } from '~/lib/db.server'
import { useFormat } from '~/i18n/format'
import { metaT, pageTitle } from '~/i18n/meta'
import { DateRangeQuery } from '~/lib/date-range'
import { domain, parseParams, parseQuery } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { organisationBySlug } from '~/modules/organisations/membership.server'
import { defaultSalesRange, salesDashboard } from '~/modules/orders/sales-dashboard.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches, 'organisation')
  return pageTitle(matches, t('dashboard.metaTitle', { name: data ? data.organisation.name : t('common.organisation') }))
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { slug } = parseParams(params, Params)
  const query = parseQuery(request, DateRangeQuery)
  const db = getDb()
  const organisation = await domain(() => organisationBySlug(db, slug))
  const fallback = defaultSalesRange()
  const range = { from: query.from ?? (query.to && query.to < fallback.from ? query.to : fallback.from), to: query.to ?? fallback.to }
  const dashboard = await domain(() => salesDashboard(db, user.id, organisation.id, range))
  return { organisation: { name: organisation.name, slug: organisation.slug }, dashboard }
}

export default function SalesDashboardPage() {
  const { t } = useTranslation('organisation')
  const f = useFormat()
  const { organisation, dashboard: d } = useLoaderData<typeof loader>()
  const csv = `/organisations/${organisation.slug}/sales.csv?${new URLSearchParams(d.range)}`
  const classLabel = { commoner: t('common.commoners'), for_profit: t('common.forProfitBuyers') } as const
  return (
    <section aria-labelledby="dashboard-title">
      <nav aria-label={t('common.breadcrumb')} className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}/manage`}>{t('common.workspaceOf', { name: organisation.name })}</Link> <span aria-hidden="true">›</span>{' '}
        <span>{t('dashboard.crumb')}</span>
      </nav>
      <h1 id="dashboard-title">{t('dashboard.title', { name: organisation.name })}</h1>
      <Form method="get" className="form--inline">
        <div className="field">
          <label htmlFor="from">{t('dashboard.from')}</label>
          <input id="from" name="from" type="date" defaultValue={d.range.from} />
        </div>
        <div className="field">
          <label htmlFor="to">{t('dashboard.to')}</label>
          <input id="to" name="to" type="date" defaultValue={d.range.to} />
        </div>
        <button type="submit" className="button button--secondary">
          {t('dashboard.show')}
        </button>
        <a className="button button--secondary" href={csv} download>
          {t('dashboard.downloadCsv')}
        </a>
      </Form>
      <p className="muted small">{t('dashboard.explanation')}</p>
      <dl className="kpis">
        <div>
          <dt>{t('dashboard.kpi.sales')}</dt>
          <dd>
            <Amount value={d.totals.revenue} />
          </dd>
        </div>
        <div>
          <dt>{t('dashboard.kpi.orders')}</dt>
          <dd>{f.number(d.totals.orders)}</dd>
        </div>
        <div>
          <dt>{t('dashboard.kpi.units')}</dt>
          <dd>{f.number(d.totals.units)}</dd>
        </div>
        <div>
          <dt>{t('dashboard.kpi.accessFees')}</dt>
          <dd>
            <Amount value={d.totals.accessFees} />
          </dd>
        </div>
        <div>
          <dt>{t('dashboard.kpi.owed')}</dt>
          <dd data-testid="owed">
            <Amount value={d.owed} />
          </dd>
        </div>
      </dl>
      {d.totals.orders === 0 ? (
        <p className="empty">
          <Trans t={t} i18nKey="dashboard.noSales" components={{ orders: <Link to={`/organisations/${organisation.slug}/orders`} /> }} />
        </p>
      ) : null}
      <StackedColumns
        title={t('dashboard.perWeek')}
        currency={d.currency}
        periods={d.overTime.map((w) => w.weekStart)}
        series={[
          { label: t('common.commoners'), className: 'series--commoner', values: d.overTime.map((w) => w.commoner) },
          { label: t('common.forProfitBuyers'), className: 'series--for-profit', values: d.overTime.map((w) => w.forProfit) },
        ]}
      />
      <div className="dashboard-grid">
        <section aria-labelledby="by-class">
          <h2 id="by-class">{t('dashboard.byClassTitle')}</h2>
          <BarList
            caption={t('dashboard.byClassCaption')}
            items={d.byClass.map((c) => ({
              key: c.reciprocityClass,
              label: classLabel[c.reciprocityClass],
              value: c.revenue,
              note: t('dashboard.ordersNote', { count: c.orders, n: f.number(c.orders) }),
            }))}
          />
        </section>
        <section aria-labelledby="by-offer">
          <h2 id="by-offer">{t('dashboard.bestSelling')}</h2>
          {d.byOffer.length === 0 ? (
            <p className="muted">{t('dashboard.nothingSold')}</p>
          ) : (
            <BarList
              caption={t('dashboard.byOfferCaption')}
              items={d.byOffer.map((o) => ({
                key: String(o.offerId),
                label: <Link to={`/offers/${o.slug}`}>{o.title}</Link>,
                value: o.revenue,
                note: t('dashboard.soldNote', { count: o.units, n: f.number(o.units) }),
              }))}
            />
          )}
        </section>
        <section aria-labelledby="fees">
          <h2 id="fees">{t('dashboard.feesTitle')}</h2>
          {d.totals.accessFees.amount === 0 ? (
            <p className="muted">{t('dashboard.noFees')}</p>
          ) : (
            <>
              <p className="muted small">
                <Trans t={t} i18nKey="dashboard.feesShared" components={{ amount: <Amount value={d.totals.accessFees} /> }} />
              </p>
              <BarList
                caption={t('dashboard.feesCaption')}
                items={d.feeDestinations.map((fee) => ({
                  key: fee.slug ?? 'producer',
                  label: fee.slug ? <Link to={`/funds/${fee.slug}`}>{fee.to}</Link> : t('dashboard.producerShare'),
                  value: fee.amount,
                }))}
              />
            </>
          )}
        </section>
        <section aria-labelledby="owed-title">
          <h2 id="owed-title">{t('dashboard.owedTitle')}</h2>
          <p>
            <Trans t={t} i18nKey="dashboard.owedText" values={{ name: organisation.name }} components={{ amount: <Amount value={d.owed} /> }} />
          </p>
          <p>
            <Link to={`/organisations/${organisation.slug}/orders`}>{t('dashboard.incoming')}</Link>
          </p>
        </section>
      </div>
    </section>
  )
}
