import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { When } from '~/components/orders'
import { Amount } from '~/components/prices'
import { getDb } from '~/lib/db.server'
import { domain, parseParams } from '~/lib/http.server'
import { fundAnnualReport } from '~/modules/funds/funds.server'
import { decimalDigits } from '~/lib/numbers'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/), year: decimalDigits(z.number().int().min(2000).max(2100)) })

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.fund.name}: ${data.year} annual report` : 'Annual report' }]

export async function loader({ params }: LoaderFunctionArgs) {
  const { slug, year } = parseParams(params, Params)
  return domain(() => fundAnnualReport(getDb(), slug, year))
}

const classWord = { commoner: 'Commoners', for_profit: 'For-profit buyers', other: 'Other' } as const

/** A printable page: the browser's print dialog makes the PDF. */
export default function AnnualReportPage() {
  const r = useLoaderData<typeof loader>()
  return (
    <article className="report" aria-labelledby="report-title">
      <p className="no-print">
        <Link to={`/funds/${r.fund.slug}`}>← {r.fund.name}</Link> · <a href={`/funds/${r.fund.slug}/report.json?year=${r.year}`}>JSON</a> ·{' '}
        <Link to={`/funds/${r.fund.slug}/report/${r.year - 1}`}>{r.year - 1}</Link>
      </p>
      <h1 id="report-title">
        {r.fund.name}: {r.year} annual report
      </h1>
      <p>{r.fund.purpose}</p>
      <table>
        <caption className="visually-hidden">The year&apos;s balance</caption>
        <tbody>
          <tr>
            <th scope="row">Balance on 1 January {r.year}</th>
            <td>
              <Amount value={r.openingBalance} />
            </td>
          </tr>
          <tr>
            <th scope="row">Received ({r.purchases} purchases)</th>
            <td>
              <Amount value={r.inflow} />
            </td>
          </tr>
          <tr>
            <th scope="row">Paid out or reversed</th>
            <td>
              <Amount value={r.outflow} />
            </td>
          </tr>
          <tr>
            <th scope="row">Balance on 31 December {r.year}</th>
            <td>
              <strong>
                <Amount value={r.closingBalance} />
              </strong>
            </td>
          </tr>
        </tbody>
      </table>
      <h2>Where the money came from</h2>
      {r.inflowByClass.length === 0 ? <p className="muted">Nothing came in this year.</p> : null}
      <ul>
        {r.inflowByClass.map((c) => (
          <li key={c.buyerClass}>
            {classWord[c.buyerClass]}: <Amount value={c.amount} />
          </li>
        ))}
      </ul>
      {r.inflowByOffer.length ? (
        <table>
          <caption>By offer (the twenty largest)</caption>
          <tbody>
            {r.inflowByOffer.map((o) => (
              <tr key={o.offer}>
                <th scope="row">{o.offer}</th>
                <td>
                  <Amount value={o.amount} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <h2>What it paid out</h2>
      {r.disbursements.length === 0 ? (
        <p className="muted">No disbursements this year.</p>
      ) : (
        <ul>
          {r.disbursements.map((d) => (
            <li key={d.id}>
              <When iso={d.at} />: <Amount value={d.amount} /> — {d.memo}
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">Every figure is summed from the marketplace’s double-entry ledger.</p>
    </article>
  )
}
