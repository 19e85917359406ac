import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useLocation } from '@remix-run/react'
import { CatalogControls } from '~/components/catalog-controls'
import { OfferCard } from '~/components/offer-card'
import { Pagination } from '~/components/pagination'
import { catalogViewCookie } from '~/lib/cookies.server'
import { getDb } from '~/lib/db.server'
import { domain, parseQuery } from '~/lib/http.server'
import { catalogFacets, listCatalog } from '~/modules/catalog/catalog.server'
import { CatalogQuery, catalogQueryInput, parseRememberedView, rankingView, rememberView } from '~/modules/catalog/query'
import { presets } from '~/modules/scoring/rules'

export const meta: MetaFunction = () => [
  { title: 'Catalog · Solidarity Market' },
  { name: 'description', content: 'Goods and commons from cooperatives and commons enterprises, ranked by an open ethical-preference score.' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const query = parseQuery(request, CatalogQuery, catalogQueryInput)
  const remembered = parseRememberedView(await catalogViewCookie.parse(request.headers.get('Cookie')))
  const view = rankingView(query, remembered)
  const db = getDb()
  const [catalog, facets] = await Promise.all([domain(() => listCatalog(db, query, view)), catalogFacets(db)])
  // A view chosen in the URL is remembered for the next visit.
  const headers = query.view || query.weights ? { 'Set-Cookie': await catalogViewCookie.serialize(rememberView(view)) } : undefined
  return data({ catalog, facets, query }, { headers })
}

export default function Catalog() {
  const { catalog, facets, query } = useLoaderData<typeof loader>()
  const location = useLocation()
  const pageHref = (page: number) => {
    const params = new URLSearchParams(location.search)
    if (page === 1) params.delete('page')
    else params.set('page', String(page))
    const s = params.toString()
    return s ? `/?${s}` : '/'
  }
  const filtered = Boolean(query.q || query.kind || query.category || query.legalForm || query.licence || query.country || query.minScore !== undefined)
  const viewLabel = catalog.view.name === 'custom' ? 'your own weights' : presets[catalog.view.name].label.toLowerCase()
  const first = (catalog.page - 1) * catalog.pageSize + 1
  return (
    <>
      <section className="intro" aria-labelledby="catalog-title">
        <h1 id="catalog-title">Catalog</h1>
        <p>
          Goods and commons from cooperatives and commons enterprises, the most commons-friendly producer first. Commons items are free to commoners; for-profit
          buyers pay an access fee that sustains the commons.
        </p>
      </section>
      <div className="catalog">
        <CatalogControls query={query} facets={facets} view={catalog.view} />
        <section aria-labelledby="results-title" className="results">
          <h2 id="results-title" className="results__summary" aria-live="polite">
            {catalog.total === 0
              ? 'No offers match'
              : catalog.offers.length === 0
                ? `Page ${catalog.page} is past the last page`
                : `${first}–${first + catalog.offers.length - 1} of ${catalog.totalCapped ? 'more than ' : ''}${catalog.total.toLocaleString('en')} offers`}
            <span className="muted"> · ranked by {viewLabel}</span>
          </h2>
          {catalog.notice ? <p role="status">{catalog.notice}</p> : null}
          {catalog.offers.length === 0 ? (
            <div className="empty">
              {catalog.total > 0 ? (
                <p>
                  <Link to={pageHref(1)}>Go to the first page</Link>
                </p>
              ) : filtered ? (
                <p>
                  Nothing matches this search and these filters. <Link to="/">Show the whole catalog</Link>
                </p>
              ) : (
                <p>Nothing has been listed yet.</p>
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
