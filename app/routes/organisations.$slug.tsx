import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { KindBadge, LegalFormBadge } from '~/components/badges'
import { EvidenceTable } from '~/components/evidence-table'
import { Notice } from '~/components/form'
import { TierPriceList } from '~/components/prices'
import { getDb } from '~/lib/db.server'
import { domain, parseParams } from '~/lib/http.server'
import { surplusPolicyLabel } from '~/lib/labels'
import { getOrganisation } from '~/modules/organisations/organisations.server'
import { JsonLd } from '~/components/json-ld'
import { env } from '~/lib/env.server'
import { organisationJsonLd } from '~/modules/open-data/json-ld'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? [{ title: `${data.name} · Solidarity Market` }, { name: 'description', content: data.summary.slice(0, 160) }]
    : [{ title: 'Organisation not found · Solidarity Market' }]

export async function loader({ params }: LoaderFunctionArgs) {
  const { slug } = parseParams(params, Params)
  const org = await domain(() => getOrganisation(getDb(), slug))
  return { ...org, jsonLd: organisationJsonLd(org, env().APP_URL) }
}

const notices: Record<string, string> = {
  attested: 'Your attestation is recorded in this organisation’s audit trail.',
  challenged: 'Your challenge is with the stewards; their decision will appear in the organisation’s audit trail.',
}

const yesNo = (v: boolean | null) => (v === null ? 'Not stated' : v ? 'Yes' : 'No')

export default function OrganisationPage() {
  const org = useLoaderData<typeof loader>()
  const [search] = useSearchParams()
  const notice = notices[search.get('notice') ?? '']
  const g = org.governance
  return (
    <article aria-labelledby="org-title">
      <JsonLd data={org.jsonLd} />
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Catalog</Link> <span aria-hidden="true">›</span> <span>Organisations</span>
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
        <h2 id="governance-title">Governance</h2>
        <dl className="facts">
          <div>
            <dt>One member, one vote</dt>
            <dd>{yesNo(g.oneMemberOneVote)}</dd>
          </div>
          <div>
            <dt>Members</dt>
            <dd>{g.memberCount ?? 'Not stated'}</dd>
          </div>
          <div>
            <dt>Surplus</dt>
            <dd>{g.surplusPolicy ? surplusPolicyLabel[g.surplusPolicy] : 'Not stated'}</dd>
          </div>
          <div>
            <dt>Top-to-bottom pay ratio</dt>
            <dd>{g.payRatio === null ? 'Not stated' : `${g.payRatio} : 1`}</dd>
          </div>
          <div>
            <dt>Open books</dt>
            <dd>{yesNo(g.openBooks)}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="evidence-title">
        <h2 id="evidence-title">Claims and evidence</h2>
        <EvidenceTable evidence={org.evidence} caption={`What ${org.name} claims, and how well it is backed`} challengeable />
        <h3>Peer attestations</h3>
        {org.attestations.length === 0 ? (
          <p className="muted">No current attestations.</p>
        ) : (
          <ul className="plain-list">
            {org.attestations.map((a) => (
              <li key={a.attesterSlug}>
                <Link to={`/organisations/${a.attesterSlug}`}>{a.attesterName}</Link>: “{a.statement}”{' '}
                <span className="muted">(until {a.expiresAt.slice(0, 10)})</span>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to={`/organisations/${org.slug}/attest`}>Attest this organisation</Link>{' '}
          <span className="muted small">(for admins of verified organisations)</span>
        </p>
      </section>

      <section aria-labelledby="offers-title">
        <h2 id="offers-title">Offers ({org.offers.length})</h2>
        {org.offers.length === 0 ? (
          <p className="muted">{org.name} has no offers listed right now.</p>
        ) : (
          <ul className="card-grid">
            {org.offers.map((offer) => (
              <li key={offer.slug}>
                <article className="card" aria-labelledby={`offer-${offer.slug}`}>
                  <div className="card__meta">
                    <KindBadge kind={offer.kind} />
                    <span className="muted">{offer.categoryName}</span>
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
        <Link to="/">← Back to the catalog</Link>
      </p>
    </article>
  )
}
