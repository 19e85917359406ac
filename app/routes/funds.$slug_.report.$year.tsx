import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { TransText, When } from '~/components/orders'
import { metaT, pageTitle } from '~/i18n/meta'
import { Amount } from '~/components/prices'
import { getDb } from '~/lib/db.server'
import { domain, parseParams } from '~/lib/http.server'
import { fundAnnualReport } from '~/modules/funds/funds.server'
import { decimalDigits } from '~/lib/numbers'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/), year: decimalDigits(z.number().int().min(2000).max(2100)) })

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches, 'funds')
  return pageTitle(matches, data ? t('report.title', { name: data.fund.name, year: data.year }) : t('report.metaTitle'))
}

export async function loader({ params }: LoaderFunctionArgs) {
  const { slug, year } = parseParams(params, Params)
  return domain(() => fundAnnualReport(getDb(), slug, year))
}

/** A printable page: the browser's print dialog makes the PDF. */
export default function AnnualReportPage() {
  const { t } = useTranslation('funds')
  const r = useLoaderData<typeof loader>()
  return (
    <article className="report" aria-labelledby="report-title">
      <p className="no-print">
        <Link to={`/funds/${r.fund.slug}`}>← {r.fund.name}</Link> · <a href={`/funds/${r.fund.slug}/report.json?year=${r.year}`}>{t('report.json')}</a> ·{' '}
        <Link to={`/funds/${r.fund.slug}/report/${r.year - 1}`} aria-label={t('report.previous', { year: r.year - 1 })}>
          {r.year - 1}
        </Link>
      </p>
      <h1 id="report-title">{t('report.title', { name: r.fund.name, year: r.year })}</h1>
      <p>{r.fund.purpose}</p>
      <table>
        <caption className="visually-hidden">{t('report.balanceCaption')}</caption>
        <tbody>
          <tr>
            <th scope="row">{t('report.opening', { year: r.year })}</th>
            <td>
              <Amount value={r.openingBalance} />
            </td>
          </tr>
          <tr>
            <th scope="row">{t('report.received', { count: r.purchases })}</th>
            <td>
              <Amount value={r.inflow} />
            </td>
          </tr>
          <tr>
            <th scope="row">{t('fund.paidOut')}</th>
            <td>
              <Amount value={r.outflow} />
            </td>
          </tr>
          <tr>
            <th scope="row">{t('report.closing', { year: r.year })}</th>
            <td>
              <strong>
                <Amount value={r.closingBalance} />
              </strong>
            </td>
          </tr>
        </tbody>
      </table>
      <h2>{t('report.cameFrom')}</h2>
      {r.inflowByClass.length === 0 ? <p className="muted">{t('report.nothingIn')}</p> : null}
      <ul>
        {r.inflowByClass.map((c) => (
          <li key={c.buyerClass}>
            <TransText i18nKey={`report.byClass.${c.buyerClass}`} t={t} components={{ amount: <Amount value={c.amount} /> }} />
          </li>
        ))}
      </ul>
      {r.inflowByOffer.length ? (
        <table>
          <caption>{t('report.byOffer')}</caption>
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
      <h2>{t('report.paidOutTitle')}</h2>
      {r.disbursements.length === 0 ? (
        <p className="muted">{t('report.noDisbursements')}</p>
      ) : (
        <ul>
          {r.disbursements.map((d) => (
            <li key={d.id}>
              <When iso={d.at} />: <Amount value={d.amount} /> — {d.memo}
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">{t('report.footnote')}</p>
    </article>
  )
}
