import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { When } from '~/components/orders'
import { Amount } from '~/components/prices'
import { getDb } from '~/lib/db.server'
import { domain, parseParams } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { feeTrail } from '~/modules/funds/fee-trail.server'

const Params = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) })

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Where the fee of ${data.reference} went · Solidarity Market` : 'Where your fee went' },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { id } = parseParams(params, Params)
  return domain(() => feeTrail(getDb(), user.id, id))
}

export default function FeeTrailPage() {
  const t = useLoaderData<typeof loader>()
  return (
    <article aria-labelledby="trail-title" className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/orders">Your orders</Link> <span aria-hidden="true">›</span> <Link to={`/orders/${t.checkoutId}`}>{t.reference}</Link>{' '}
        <span aria-hidden="true">›</span> <span>Where the fee went</span>
      </nav>
      <h1 id="trail-title">Where the access fee of {t.reference} went</h1>
      {t.accessFee.amount === 0 ? (
        <p>This purchase carried no access fee: it was bought at the commoner price.</p>
      ) : (
        <>
          <p>
            You paid <Amount value={t.accessFee} /> above the commoner prices
            {t.paidAt ? (
              <>
                {' '}
                (paid <When iso={t.paidAt} />)
              </>
            ) : null}
            . <Amount value={t.producerShare} /> of it went to the producers; the rest went into these funds:
          </p>
          {t.funds.map((f) => (
            <section key={f.slug} aria-labelledby={`fund-${f.slug}`}>
              <h2 id={`fund-${f.slug}`}>
                <Amount value={f.fromThisPurchase} /> to <Link to={`/funds/${f.slug}`}>{f.name}</Link>
              </h2>
              <p className="muted">{f.purpose}</p>
              {f.paidOutSince.length === 0 ? (
                <p>
                  It has paid nothing out since your purchase; it holds <Amount value={f.balanceNow} /> today.
                </p>
              ) : (
                <>
                  <p>Since your purchase it has paid out:</p>
                  <ul>
                    {f.paidOutSince.map((d) => (
                      <li key={d.id}>
                        <When iso={d.at} />: <Amount value={d.amount} /> to {d.recipient} — {d.purpose}
                      </li>
                    ))}
                  </ul>
                  <p>
                    It holds <Amount value={f.balanceNow} /> today.
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
