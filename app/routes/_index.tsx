import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CatalogControls } from '~/components/catalog-controls'
import { OfferCard } from '~/components/offer-card'
import { Pagination } from '~/components/pagination'
import { useFormat } from '~/i18n/format'
import { useMessage } from '~/i18n/messages'
import { metaT, pageTitle } from '~/i18n/meta'
import { languageOf } from '~/i18n/i18n.server'
import { catalogViewCookie } from '~/lib/cookies.server'
import { getDb } from '~/lib/db.server'
import { domain, parseQuery } from '~/lib/http.server'
import { catalogFacets, listCatalog } from '~/modules/catalog/catalog.server'
import { CatalogQuery, catalogQueryInput, parseRememberedView, rankingView, rememberView } from '~/modules/catalog/query'

export const meta: MetaFunction = ({ matches }) => {
  const t = metaT(matches, 'catalog')
  return [...pageTitle(matches, t('catalog.title')), { name: 'description', content: t('catalog.description') }]
}

export async function loader({ request }: LoaderFunctionArgs) {
  const query = parseQuery(request, CatalogQuery, catalogQueryInput)
  const remembered = parseRememberedView(await catalogViewCookie.parse(request.headers.get('Cookie')))
  const view = rankingView(query, remembered)
  const db = getDb()
  const language = await languageOf(request)
  const [catalog, facets] = await Promise.all([domain(() => listCatalog(db, query, view, language)), catalogFacets(db)])
  // A view chosen in the URL is remembered for the next visit.
  const headers = query.view || query.weights ? { 'Set-Cookie': await catalogViewCookie.serialize(rememberView(view)) } : undefined
  return data({ catalog, facets, query }, { headers })
}

export default function Catalog() {
  const { catalog, facets, query } = useLoaderData<typeof loader>()
  const { t } = useTranslation('catalog')
  const f = useFormat()
  const message = useMessage()
  const location = useLocation()
  const pageHref = (page: number) => {
    const params = new URLSearchParams(location.search)
    if (page === 1) params.delete('page')
    else params.set('page', String(page))
    const s = params.toString()
    return s ? `/?${s}` : '/'
  }
  const filtered = Boolean(query.q || query.kind || query.category || query.legalForm || query.licence || query.country || query.minScore !== undefined)
  const first = (catalog.page - 1) * catalog.pageSize + 1
  const range = { first: f.number(first), last: f.number(first + catalog.offers.length - 1), count: catalog.total, total: f.number(catalog.total) }
  return (
    <>
      <section className="intro" aria-labelledby="catalog-title">
        <h1 id="catalog-title">{t('catalog.heading')}</h1>
        <p>{t('catalog.intro')}</p>
      </section>
      <div className="catalog">
        <CatalogControls query={query} facets={facets} view={catalog.view} />
        <section aria-labelledby="results-title" className="results">
          <h2 id="results-title" className="results__summary" aria-live="polite">
            {catalog.total === 0
              ? t('results.none')
              : catalog.offers.length === 0
                ? t('results.pastEnd', { page: f.number(catalog.page) })
                : catalog.totalCapped
                  ? t('results.rangeCapped', range)
                  : t('results.range', range)}
            <span className="muted"> {t(`results.rankedBy.${catalog.view.name}`)}</span>
          </h2>
          {catalog.notice ? <p role="status">{message(catalog.notice)}</p> : null}
          {catalog.offers.length === 0 ? (
            <div className="empty">
              {catalog.total > 0 ? (
                <p>
                  <Link to={pageHref(1)}>{t('results.firstPage')}</Link>
                </p>
              ) : filtered ? (
                <p>
                  {t('results.nothingMatches')} <Link to="/">{t('results.showAll')}</Link>
                </p>
              ) : (
                <p>{t('results.nothingListed')}</p>
              )}
            </div>
          ) : (
            <ul className="card-grid">
              {catalog.offers.map((offer) => (
                <li key={offer.slug}>
                  <OfferCard offer={offer} />
                </li>
              ))}
            </ul>
          )}
          <Pagination page={catalog.page} pageCount={catalog.pageCount} hasNextPage={catalog.hasNextPage} href={pageHref} />
        </section>
      </div>
    </>
  )
}
