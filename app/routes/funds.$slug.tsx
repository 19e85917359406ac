import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { When } from '~/components/orders'
import { Amount } from '~/components/prices'
import { getDb } from '~/lib/db.server'
import { domain, parseParams } from '~/lib/http.server'
import { getFundSummary } from '~/modules/funds/funds.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.fund.name} · Solidarity Market` : 'Commons fund · Solidarity Market' }]

export async function loader({ params }: LoaderFunctionArgs) {
  const { slug } = parseParams(params, Params)
  return domain(() => getFundSummary(getDb(), slug))
}

const classWord = { commoner: 'commoner', for_profit: 'for-profit buyer' } as const

export default function FundPage() {
  const { fund, balance, inflow, outflow, movements } = useLoaderData<typeof loader>()
  return (
    <article aria-labelledby="fund-title">
      <h1 id="fund-title">{fund.name}</h1>
      <p>{fund.purpose}</p>
      {fund.steward ? (
        <p className="muted">
          Stewarded by <Link to={`/organisations/${fund.steward.slug}`}>{fund.steward.name}</Link>.
        </p>
      ) : null}
      <dl className="facts fund-totals">
        <div>
          <dt>Balance</dt>
          <dd data-testid="fund-balance">
            <Amount value={balance} />
          </dd>
        </div>
        <div>
          <dt>Received in all</dt>
          <dd>
            <Amount value={inflow} />
          </dd>
        </div>
        <div>
          <dt>Paid out or reversed</dt>
          <dd>
            <Amount value={outflow} />
          </dd>
        </div>
      </dl>
      <section aria-labelledby="movements-title">
        <h2 id="movements-title">Latest movements</h2>
        {movements.length === 0 ? (
          <p className="empty">Nothing yet: access fees paid by for-profit buyers arrive here.</p>
        ) : (
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">The fund's latest ledger postings</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Amount</th>
                </tr>
              </thead>
              <tbody>
                {movements.map((m) => (
                  <tr key={m.entryId}>
                    <td>
                      <When iso={m.at} />
                    </td>
                    <td>
                      {m.offers.length ? `${m.offers.join(', ')} ` : ''}
                      {m.orderReference ? <span className="muted">({m.orderReference}{m.buyerClass ? `, bought by a ${classWord[m.buyerClass]}` : ''})</span> : null}
                      <div className="muted small">{m.memo}</div>
                    </td>
                    <td>
                      <Amount value={m.amount} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <p>
        <Link to="/">← Back to the catalog</Link>
      </p>
    </article>
  )
}
