import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { KindBadge, LegalFormBadge } from '~/components/badges'
import { EvidenceTable } from '~/components/evidence-table'
import { Notice } from '~/components/form'
import { TierPriceList } from '~/components/prices'
import { useFormat } from '~/i18n/format'
import { useLabels } from '~/i18n/labels'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { domain, parseParams } from '~/lib/http.server'
import { getOrganisation } from '~/modules/organisations/organisations.server'
import { JsonLd } from '~/components/json-ld'
import { env } from '~/lib/env.server'
import { organisationJsonLd } from '~/modules/open-data/json-ld'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  data
    ? [...pageTitle(matches, data.name), { name: 'description', content: data.summary.slice(0, 160) }]
    : pageTitle(matches, metaT(matches, 'catalog')('organisation.notFound'))

export async function loader({ params }: LoaderFunctionArgs) {
  const { slug } = parseParams(params, Params)
  const db = getDb()
  const [org, categories] = await Promise.all([domain(() => getOrganisation(db, slug)), db.selectFrom('categories').select(['slug', 'name']).execute()])
  // The category's slug names it in every language (catalog:categories.<slug>).
  const categorySlug = new Map(categories.map((c) => [c.name, c.slug]))
  return {
    ...org,
    offers: org.offers.map((o) => ({ ...o, categorySlug: categorySlug.get(o.categoryName) ?? null })),
    jsonLd: organisationJsonLd(org, env().APP_URL),
  }
}

const notices = ['attested', 'challenged'] as const

export default function OrganisationPage() {
  const org = useLoaderData<typeof loader>()
  const { t } = useTranslation('catalog')
  const labels = useLabels()
  const f = useFormat()
  const [search] = useSearchParams()
  const noticeCode = notices.find((n) => n === search.get('notice'))
  const notice = noticeCode ? t(`organisation.notice.${noticeCode}`) : null
  const notStated = t('organisation.notStated')
  const yesNo = (v: boolean | null) => (v === null ? notStated : v ? t('organisation.yes') : t('organisation.no'))
  const g = org.governance
  return (
    <article aria-labelledby="org-title">
      <JsonLd data={org.jsonLd} />
      <nav aria-label={t('offer.breadcrumb')} className="breadcrumb">
        <Link to="/">{t('catalog.heading')}</Link> <span aria-hidden="true">›</span> <span>{t('organisation.organisations')}</span>
      </nav>
      <header className="offer__header">
        <h1 id="org-title">{org.name}</h1>
        <p>
          <LegalFormBadge legalForm={org.legalForm} />{' '}
          <span className="muted">{[org.location.city, org.location.region, org.location.countryCode].filter(Boolean).join(', ')}</span>
        </p>
        {notice ? <Notice tone="success">{notice}</Notice> : null}
        {org.summary ? <p>{org.summary}</p> : null}
        {org.website ? (
          <p>
            <a href={org.website} rel="nofollow noopener">
              {org.website.replace(/^https?:\/\//, '')}
            </a>
          </p>
        ) : null}
      </header>

      <section aria-labelledby="governance-title">
        <h2 id="governance-title">{t('organisation.governance')}</h2>
        <dl className="facts">
          <div>
            <dt>{labels.claim('one_member_one_vote')}</dt>
            <dd>{yesNo(g.oneMemberOneVote)}</dd>
          </div>
          <div>
            <dt>{labels.claim('member_count')}</dt>
            <dd>{g.memberCount === null ? notStated : f.number(g.memberCount)}</dd>
          </div>
          <div>
            <dt>{t('organisation.surplus')}</dt>
            <dd>{g.surplusPolicy ? labels.surplusPolicy(g.surplusPolicy) : notStated}</dd>
          </div>
          <div>
            <dt>{t('organisation.payRatio')}</dt>
            <dd>{g.payRatio === null ? notStated : labels.claimValue('pay_ratio', f.number(g.payRatio))}</dd>
          </div>
          <div>
            <dt>{labels.claim('open_books')}</dt>
            <dd>{yesNo(g.openBooks)}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="evidence-title">
        <h2 id="evidence-title">{t('organisation.claimsTitle')}</h2>
        <EvidenceTable evidence={org.evidence} caption={t('organisation.claimsCaption', { organisation: org.name })} challengeable />
        <h3>{t('organisation.attestations')}</h3>
        {org.attestations.length === 0 ? (
          <p className="muted">{t('organisation.noAttestations')}</p>
        ) : (
          <ul className="plain-list">
            {org.attestations.map((a) => (
              <li key={a.attesterSlug}>
                <Link to={`/organisations/${a.attesterSlug}`}>{a.attesterName}</Link>: “{a.statement}”{' '}
                <span className="muted">{t('organisation.until', { date: f.date(a.expiresAt) })}</span>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to={`/organisations/${org.slug}/attest`}>{t('organisation.attest')}</Link> <span className="muted small">{t('organisation.attestHint')}</span>
        </p>
      </section>

      <section aria-labelledby="offers-title">
        <h2 id="offers-title">{t('organisation.offers', { count: org.offers.length, number: f.number(org.offers.length) })}</h2>
        {org.offers.length === 0 ? (
          <p className="muted">{t('organisation.noOffers', { organisation: org.name })}</p>
        ) : (
          <ul className="card-grid">
            {org.offers.map((offer) => (
              <li key={offer.slug}>
                <article className="card" aria-labelledby={`offer-${offer.slug}`}>
                  <div className="card__meta">
                    <KindBadge kind={offer.kind} />
                    <span className="muted">
                      {offer.categorySlug ? t(`categories.${offer.categorySlug}`, { defaultValue: offer.categoryName }) : offer.categoryName}
                    </span>
                  </div>
                  <h3 id={`offer-${offer.slug}`} className="card__title">
                    <Link to={`/offers/${offer.slug}`}>{offer.title}</Link>
                  </h3>
                  <TierPriceList prices={offer.prices} unit={offer.unit} />
                </article>
              </li>
            ))}
          </ul>
        )}
      </section>
      <p>
        <Link to="/">{t('offer.backToCatalog')}</Link>
      </p>
    </article>
  )
}
