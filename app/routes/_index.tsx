import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { OfferCard } from '~/components/offer-card'
import { Pagination } from '~/components/pagination'
import { getDb } from '~/lib/db.server'
import { domain, parseQuery } from '~/lib/http.server'
import { listCatalog } from '~/modules/catalog/catalog.server'

const CatalogQuery = z.object({
  page: z.coerce
    .number({ error: 'page must be a whole number' })
    .int('page must be a whole number')
    .min(1, 'page must be 1 or more')
    .max(1_000_000, 'page is too large')
    .default(1),
})

export const meta: MetaFunction = () => [
  { title: 'Catalog · Solidarity Market' },
  { name: 'description', content: 'Goods and commons from cooperatives and commons enterprises, with reciprocal pricing.' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const query = parseQuery(request, CatalogQuery)
  return domain(() => listCatalog(getDb(), query))
}

export default function Catalog() {
  const catalog = useLoaderData<typeof loader>()
  return (
    <>
      <section className="intro" aria-labelledby="catalog-title">
        <h1 id="catalog-title">Catalog</h1>
        <p>
          {catalog.total} offers from cooperatives and commons enterprises. Commons items are free to commoners;
          for-profit buyers pay an access fee that sustains the commons.
        </p>
      </section>
      {catalog.offers.length === 0 ? (
        <div className="empty">
          <h2>No offers on this page</h2>
          <p>{catalog.total === 0 ? 'Nothing has been listed yet.' : <a href="/">Go to the first page</a>}</p>
        </div>
      ) : (
        <section aria-label="Offers">
          <ul className="card-grid">
            {catalog.offers.map((offer) => (
              <li key={offer.slug}>
                <OfferCard offer={offer} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <Pagination page={catalog.page} pageCount={catalog.pageCount} href={(p) => (p === 1 ? '/' : `/?page=${p}`)} />
    </>
  )
}
