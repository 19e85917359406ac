import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { BarList, StackedColumns } from '~/components/charts'
import { Amount } from '~/components/prices'
import { getDb } from '~/lib/db.server'
import { DateRangeQuery } from '~/lib/date-range'
import { domain, parseParams, parseQuery } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { organisationBySlug } from '~/modules/organisations/membership.server'
import { defaultSalesRange, salesDashboard } from '~/modules/orders/sales-dashboard.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? data.organisation.name : 'Organisation'} sales · Solidarity Market` }]

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

const classLabel = { commoner: 'Commoners', for_profit: 'For-profit buyers' } as const

export default function SalesDashboardPage() {
  const { organisation, dashboard: d } = useLoaderData<typeof loader>()
  const csv = `/organisations/${organisation.slug}/sales.csv?${new URLSearchParams(d.range)}`
  return (
    <section aria-labelledby="dashboard-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}/manage`}>{organisation.name} workspace</Link> <span aria-hidden="true">›</span> <span>Sales</span>
      </nav>
      <h1 id="dashboard-title">Sales of {organisation.name}</h1>
      <Form method="get" className="form--inline">
        <div className="field">
          <label htmlFor="from">From</label>
          <input id="from" name="from" type="date" defaultValue={d.range.from} />
        </div>
        <div className="field">
          <label htmlFor="to">To</label>
          <input id="to" name="to" type="date" defaultValue={d.range.to} />
        </div>
        <button type="submit" className="button button--secondary">
          Show
        </button>
        <a className="button button--secondary" href={csv} download>
          Download CSV
        </a>
      </Form>
      <p className="muted small">Paid and fulfilled orders, by the day they were paid (UTC). Refunded and cancelled orders are not counted.</p>
      <dl className="kpis">
        <div>
          <dt>Sales</dt>
          <dd>
            <Amount value={d.totals.revenue} />
          </dd>
        </div>
        <div>
          <dt>Orders</dt>
          <dd>{d.totals.orders}</dd>
        </div>
        <div>
          <dt>Units</dt>
          <dd>{d.totals.units}</dd>
        </div>
        <div>
          <dt>Access fees generated</dt>
          <dd>
            <Amount value={d.totals.accessFees} />
          </dd>
        </div>
        <div>
          <dt>Owed to you now</dt>
          <dd data-testid="owed">
            <Amount value={d.owed} />
          </dd>
        </div>
      </dl>
      {d.totals.orders === 0 ? (
        <p className="empty">
          No sales in this period. <Link to={`/organisations/${organisation.slug}/orders`}>See all orders</Link>.
        </p>
      ) : null}
      <StackedColumns
        title="Sales per week, by buyer class"
        currency={d.currency}
        periods={d.overTime.map((w) => w.weekStart)}
        series={[
          { label: 'Commoners', className: 'series--commoner', values: d.overTime.map((w) => w.commoner) },
          { label: 'For-profit buyers', className: 'series--for-profit', values: d.overTime.map((w) => w.forProfit) },
        ]}
      />
      <div className="dashboard-grid">
        <section aria-labelledby="by-class">
          <h2 id="by-class">By buyer class</h2>
          <BarList
            caption="Sales by buyer class"
            items={d.byClass.map((c) => ({ key: c.reciprocityClass, label: classLabel[c.reciprocityClass], value: c.revenue, note: `${c.orders} orders` }))}
          />
        </section>
        <section aria-labelledby="by-offer">
          <h2 id="by-offer">Best-selling offers</h2>
          {d.byOffer.length === 0 ? (
            <p className="muted">Nothing sold in this period.</p>
          ) : (
            <BarList
              caption="Sales by offer"
              items={d.byOffer.map((o) => ({
                key: String(o.offerId),
                label: <Link to={`/offers/${o.slug}`}>{o.title}</Link>,
                value: o.revenue,
                note: `${o.units} sold`,
              }))}
            />
          )}
        </section>
        <section aria-labelledby="fees">
          <h2 id="fees">Where the access fees went</h2>
          {d.totals.accessFees.amount === 0 ? (
            <p className="muted">No access fees in this period: only commoners bought, at the commoner prices.</p>
          ) : (
            <>
              <p className="muted small">
                For-profit buyers paid <Amount value={d.totals.accessFees} /> over the commoner prices. It was shared out like this:
              </p>
              <BarList
                caption="Access fees by destination"
                items={d.feeDestinations.map((f) => ({
                  key: f.slug ?? 'producer',
                  label: f.slug ? <Link to={`/funds/${f.slug}`}>{f.to}</Link> : f.to,
                  value: f.amount,
                }))}
              />
            </>
          )}
        </section>
        <section aria-labelledby="owed-title">
          <h2 id="owed-title">What you are owed</h2>
          <p>
            The ledger holds <Amount value={d.owed} /> for {organisation.name}: the commoner prices and your share of the access fees of every paid order, less
            refunds. It is the balance of your producer account, summed from its postings.
          </p>
          <p>
            <Link to={`/organisations/${organisation.slug}/orders`}>Incoming orders →</Link>
          </p>
        </section>
      </div>
    </section>
  )
}
