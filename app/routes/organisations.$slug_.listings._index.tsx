import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { KindBadge, ScoreBadge } from '~/components/badges'
import { CardImage } from '~/components/offer-images'
import { Pagination } from '~/components/pagination'
import { TierPriceList } from '~/components/prices'
import { getDb } from '~/lib/db.server'
import { useTranslation } from 'react-i18next'
import { useFormat } from '~/i18n/format'
import { metaT, pageTitle } from '~/i18n/meta'
import { domain, parseParams, parseQuery } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { ListingFilter, listingActor, listListings } from '~/modules/listings/listings-queries.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches, 'listings')
  return pageTitle(matches, t('meta.listings', { organisation: data ? data.organisation.name : t('meta.organisation') }))
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { slug } = parseParams(params, Params)
  const filter = parseQuery(request, ListingFilter)
  const db = getDb()
  const actor = await domain(() => listingActor(db, user.id, slug))
  const page = await domain(() => listListings(db, actor, filter))
  return { organisation: actor.organisation, filter, ...page }
}

export default function ListingsPage() {
  const { organisation, filter, listings, total, page, pageCount } = useLoaderData<typeof loader>()
  const { t } = useTranslation('listings')
  const f = useFormat()
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
      <nav aria-label={t('breadcrumb.label')} className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}/manage`}>{t('breadcrumb.workspace', { organisation: organisation.name })}</Link>{' '}
        <span aria-hidden="true">›</span> <span>{t('breadcrumb.listings')}</span>
      </nav>
      <div className="page-head">
        <h1 id="listings-title">{t('list.title', { organisation: organisation.name })}</h1>
        <p className="page-head__actions">
          <Link to={`${base}/new`} className="button">
            {t('list.newListing')}
          </Link>
          <Link to={`${base}/import`} className="button button--secondary">
            {t('list.importCsv')}
          </Link>
          {/* A file, not a page: the browser downloads it rather than the app navigating. */}
          <a href={`/organisations/${organisation.slug}/listings.csv`} className="button button--secondary" download>
            {t('list.exportCsv')}
          </a>
        </p>
      </div>

      <Form method="get" className="form--inline listings__filter" role="search" aria-label={t('list.filterLabel')}>
        <label className="field">
          <span>{t('list.show')}</span>
          <select name="status" defaultValue={filter.status}>
            <option value="active">{t('status.listed')}</option>
            <option value="archived">{t('status.archived')}</option>
            <option value="all">{t('status.all')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('list.titleContains')}</span>
          <input name="q" type="search" defaultValue={filter.q ?? ''} maxLength={200} />
        </label>
        <button type="submit" className="button button--secondary">
          {t('list.filter')}
        </button>
      </Form>

      {listings.length === 0 ? (
        filtered ? (
          <p className="empty">
            {t(`list.empty.${filter.status}${filter.q ? 'WithQuery' : ''}`, { query: filter.q })} <Link to={base}>{t('list.showAll')}</Link>
          </p>
        ) : (
          <div className="empty">
            <p>{t('list.noneYet', { organisation: organisation.name })}</p>
            <p>
              <Link to={`${base}/new`} className="button">
                {t('list.firstOffer')}
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
                    {l.status === 'active' ? (l.listed ? t('status.listed') : t('status.hidden')) : t('status.archived')}
                  </span>
                  {l.score !== null && l.confidence !== null ? <ScoreBadge score={l.score} confidence={l.confidence} /> : null}
                </div>
                <h2 className="listing-row__title">
                  <Link to={`${base}/${l.id}`}>{l.title}</Link>
                </h2>
                <p className="muted small">
                  {l.stock === null ? (
                    t('list.noStock')
                  ) : l.stock === 0 ? (
                    <span className="sold-out">{t('list.soldOut')}</span>
                  ) : (
                    t('list.inStock', { count: l.stock, n: f.number(l.stock) })
                  )}
                </p>
              </div>
              <div className="listing-row__prices">
                <TierPriceList prices={l.prices} unit={l.unit} />
              </div>
              <p className="listing-row__links small">
                <Link to={`${base}/${l.id}`}>
                  {t('list.edit')}
                  <span className="visually-hidden"> {l.title}</span>
                </Link>
                {l.listed ? (
                  <Link to={`/offers/${l.slug}`}>
                    {t('list.publicPage')}
                    <span className="visually-hidden"> {t('list.publicPageOf', { title: l.title })}</span>
                  </Link>
                ) : (
                  <span className="muted">{t('list.notInCatalog')}</span>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">{t('list.total', { count: total, n: f.number(total) })}</p>
      <Pagination page={page} pageCount={pageCount} hasNextPage={page < pageCount} href={href} />
    </section>
  )
}
