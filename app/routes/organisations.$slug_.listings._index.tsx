import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { KindBadge, ScoreBadge } from '~/components/badges'
import { CardImage } from '~/components/offer-images'
import { Pagination } from '~/components/pagination'
import { TierPriceList } from '~/components/prices'
import { getDb } from '~/lib/db.server'
import { domain, parseParams, parseQuery } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { ListingFilter, listingActor, listListings } from '~/modules/listings/listings-queries.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? data.organisation.name : 'Organisation'} listings · Solidarity Market` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { slug } = parseParams(params, Params)
  const filter = parseQuery(request, ListingFilter)
  const db = getDb()
  const actor = await domain(() => listingActor(db, user.id, slug))
  const page = await domain(() => listListings(db, actor, filter))
  return { organisation: actor.organisation, filter, ...page }
}

const statusLabel = { active: 'Listed', archived: 'Archived', all: 'All' } as const

export default function ListingsPage() {
  const { organisation, filter, listings, total, page, pageCount } = useLoaderData<typeof loader>()
  const base = `/organisations/${organisation.slug}/listings`
  const href = (p: number) => {
    const params = new URLSearchParams()
    if (filter.status !== 'active') params.set('status', filter.status)
    if (filter.q) params.set('q', filter.q)
    if (p > 1) params.set('page', String(p))
    const s = params.toString()
    return s ? `${base}?${s}` : base
  }
  const filtered = filter.status !== 'active' || Boolean(filter.q)
  return (
    <section aria-labelledby="listings-title" className="listings">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}/manage`}>{organisation.name} workspace</Link> <span aria-hidden="true">›</span> <span>Listings</span>
      </nav>
      <div className="page-head">
        <h1 id="listings-title">Listings of {organisation.name}</h1>
        <p className="page-head__actions">
          <Link to={`${base}/new`} className="button">
            New listing
          </Link>
          <Link to={`${base}/import`} className="button button--secondary">
            Import CSV
          </Link>
          {/* A file, not a page: the browser downloads it rather than the app navigating. */}
          <a href={`/organisations/${organisation.slug}/listings.csv`} className="button button--secondary" download>
            Export CSV
          </a>
        </p>
      </div>

      <Form method="get" className="form--inline listings__filter" role="search" aria-label="Filter listings">
        <label className="field">
          <span>Show</span>
          <select name="status" defaultValue={filter.status}>
            <option value="active">Listed</option>
            <option value="archived">Archived</option>
            <option value="all">All</option>
          </select>
        </label>
        <label className="field">
          <span>Title contains</span>
          <input name="q" type="search" defaultValue={filter.q ?? ''} maxLength={200} />
        </label>
        <button type="submit" className="button button--secondary">
          Filter
        </button>
      </Form>

      {listings.length === 0 ? (
        filtered ? (
          <p className="empty">
            No {filter.status === 'all' ? '' : `${statusLabel[filter.status].toLowerCase()} `}listings{filter.q ? ` with “${filter.q}” in the title` : ''}.{' '}
            <Link to={base}>Show all listed offers</Link>
          </p>
        ) : (
          <div className="empty">
            <p>{organisation.name} has no listings yet.</p>
            <p>
              <Link to={`${base}/new`} className="button">
                List your first offer
              </Link>
            </p>
          </div>
        )
      ) : (
        <ul className="listing-rows">
          {listings.map((l) => (
            <li key={l.id} className={`listing-row${l.status === 'archived' ? ' listing-row--archived' : ''}`}>
              <div className="listing-row__image">
                {l.cover ? <CardImage image={{ ...l.cover, altText: '' }} /> : <span className="listing-row__no-image" aria-hidden="true" />}
              </div>
              <div className="listing-row__main">
                <div className="card__meta">
                  <KindBadge kind={l.kind} />
                  <span className={`status status--${l.status === 'active' ? 'paid' : 'cancelled'}`}>
                    {l.status === 'active' ? (l.listed ? 'Listed' : 'Hidden') : 'Archived'}
                  </span>
                  {l.score !== null && l.confidence !== null ? <ScoreBadge score={l.score} confidence={l.confidence} /> : null}
                </div>
                <h2 className="listing-row__title">
                  <Link to={`${base}/${l.id}`}>{l.title}</Link>
                </h2>
                <p className="muted small">
                  {l.stock === null ? (
                    'No stock: sharing does not use it up'
                  ) : l.stock === 0 ? (
                    <span className="sold-out">Sold out</span>
                  ) : (
                    `${l.stock} in stock`
                  )}
                </p>
              </div>
              <div className="listing-row__prices">
                <TierPriceList prices={l.prices} unit={l.unit} />
              </div>
              <p className="listing-row__links small">
                <Link to={`${base}/${l.id}`}>
                  Edit<span className="visually-hidden"> {l.title}</span>
                </Link>
                {l.listed ? (
                  <Link to={`/offers/${l.slug}`}>
                    Public page<span className="visually-hidden"> of {l.title}</span>
                  </Link>
                ) : (
                  <span className="muted">Not in the catalog</span>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">{total} in all.</p>
      <Pagination page={page} pageCount={pageCount} hasNextPage={page < pageCount} href={href} />
    </section>
  )
}
