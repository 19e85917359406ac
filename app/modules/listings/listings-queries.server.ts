import { sql } from 'kysely'
import { z } from 'zod'
import type { DeliveryMode, OfferKind, OfferStatus, Db } from '../../../db/schema'
import { containsText } from '../../lib/like'
import { tierPrices, type TierPrices } from '../pricing/pricing'
import { organisationBySlug, requireMembership } from '../organisations/membership.server'
import { getStoredScore, type StoredScore } from '../scoring/scores.server'
import { coverImages, listOfferImages, type CoverImage, type OfferImage } from './images.server'
import { listingFormOptions, ownListing, stockHistory, type Actor } from './listings.server'
import { commonsResourceSummary, type CommonsResourceSummary } from './resources.server'

// What the listings pages read: an organisation's listings, a listing as its editors see it,
// and who may act for the organisation. Every function checks membership first.

export const LISTINGS_PAGE_SIZE = 24

export interface ListingsActor extends Actor {
  organisation: { id: number; slug: string; name: string }
}

/** The person acting for the organisation at `slug`. @throws AppError not_found, forbidden */
export async function listingActor(db: Db, personId: number, slug: string): Promise<ListingsActor> {
  const organisation = await organisationBySlug(db, slug)
  await requireMembership(db, personId, organisation.id)
  return { personId, organisationId: organisation.id, organisation: { id: organisation.id, slug: organisation.slug, name: organisation.name } }
}

export const listingStatusFilters = ['active', 'archived', 'all'] as const

export const ListingFilter = z.object({
  status: z.enum(listingStatusFilters, { error: 'status must be active, archived or all' }).default('active'),
  q: z
    .string()
    .trim()
    .max(200, 'q: keep the search under 200 characters')
    .optional()
    .transform((q) => (q ? q : undefined)),
  page: z.coerce
    .number({ error: 'page must be a number' })
    .int('page must be a whole number')
    .min(1, 'page starts at 1')
    .max(10_000, 'page is too large')
    .default(1),
})
export type ListingFilter = z.infer<typeof ListingFilter>

export interface ListingRow {
  id: number
  slug: string
  title: string
  kind: OfferKind
  status: OfferStatus
  unit: string
  stock: number | null
  prices: TierPrices
  score: number | null
  confidence: number | null
  /** in the public catalog: active and not excluded by the score rules */
  listed: boolean
  cover: CoverImage | null
}

/** One page of the organisation's listings, newest first. @throws AppError forbidden */
export async function listListings(db: Db, actor: Actor, filter: ListingFilter) {
  await requireMembership(db, actor.personId, actor.organisationId)
  let query = db.selectFrom('offers as o').where('o.organisationId', '=', actor.organisationId)
  if (filter.status !== 'all') query = query.where('o.status', '=', filter.status)
  // A title search within one organisation's listings: few enough rows that LIKE is plenty.
  if (filter.q) query = query.where(containsText(sql.ref('o.title'), filter.q))
  const offset = (filter.page - 1) * LISTINGS_PAGE_SIZE
  const [counted, rows] = await Promise.all([
    query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    query
      .leftJoin('offerScores as s', 's.offerId', 'o.id')
      .select([
        'o.id',
        'o.slug',
        'o.title',
        'o.kind',
        'o.status',
        'o.unit',
        'o.stock',
        'o.currency',
        'o.commonerPrice',
        'o.forProfitPrice',
        's.score',
        's.confidence',
        's.listed',
      ])
      .orderBy('o.id', 'desc')
      .limit(LISTINGS_PAGE_SIZE)
      .offset(offset)
      .execute(),
  ])
  const covers = await coverImages(
    db,
    rows.map((r) => r.id),
  )
  const total = Number(counted.n)
  const listings: ListingRow[] = rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    title: r.title,
    kind: r.kind,
    status: r.status,
    unit: r.unit,
    stock: r.stock,
    prices: tierPrices(r),
    score: r.score,
    confidence: r.confidence,
    listed: r.listed === 1,
    cover: covers.get(r.id) ?? null,
  }))
  return { listings, total, page: filter.page, pageCount: Math.max(1, Math.ceil(total / LISTINGS_PAGE_SIZE)), pageSize: LISTINGS_PAGE_SIZE }
}

/** What the new-listing form offers to choose from. @throws AppError forbidden */
export async function newListingForm(db: Db, actor: Actor) {
  await requireMembership(db, actor.personId, actor.organisationId)
  return listingFormOptions(db)
}

/** A listing as its editors give it: references by slug and code, prices in minor units. */
export interface ListingFields {
  kind: OfferKind
  title: string
  description: string
  category: string
  licence: string | null
  unit: string
  delivery: DeliveryMode
  currency: string
  commonerPrice: number
  forProfitPrice: number
  producerBp: number
  commonsFundBp: number
  infrastructureBp: number
  commonsFund: string
  /** units one person may buy for personal use; null: no cap */
  personalUseCap: number | null
}

export interface ListingForEditing {
  offer: {
    id: number
    slug: string
    title: string
    kind: OfferKind
    status: OfferStatus
    stock: number | null
    unit: string
    currency: string
    listed: boolean
  }
  fields: ListingFields
  /** null only for a listing never scored (none: every write rescores) */
  score: StoredScore | null
  stockHistory: Awaited<ReturnType<typeof stockHistory>>
  images: OfferImage[]
  resource: CommonsResourceSummary | null
  options: Awaited<ReturnType<typeof listingFormOptions>>
}

/** Everything the edit page shows about one listing. @throws AppError forbidden, not_found */
export async function listingForEditing(db: Db, actor: Actor, offerId: number): Promise<ListingForEditing> {
  const offer = await ownListing(db, actor, offerId)
  const [refs, score, history, images, resource, options] = await Promise.all([
    db
      .selectFrom('offers as o')
      .innerJoin('categories as c', 'c.id', 'o.categoryId')
      .innerJoin('commonsFunds as f', 'f.id', 'o.commonsFundId')
      .select(['c.slug as category', 'f.slug as commonsFund'])
      .where('o.id', '=', offerId)
      .executeTakeFirstOrThrow(),
    getStoredScore(db, offerId),
    offer.kind === 'good' ? stockHistory(db, actor, offerId) : Promise.resolve([]),
    listOfferImages(db, offerId),
    offer.kind === 'commons' ? commonsResourceSummary(db, offerId) : Promise.resolve(null),
    listingFormOptions(db),
  ])
  return {
    offer: {
      id: offer.id,
      slug: offer.slug,
      title: offer.title,
      kind: offer.kind,
      status: offer.status,
      stock: offer.stock,
      unit: offer.unit,
      currency: offer.currency,
      listed: score?.listed ?? false,
    },
    fields: {
      kind: offer.kind,
      title: offer.title,
      description: offer.description,
      category: refs.category,
      licence: offer.licenceCode,
      unit: offer.unit,
      delivery: offer.delivery,
      currency: offer.currency,
      commonerPrice: offer.commonerPrice,
      forProfitPrice: offer.forProfitPrice,
      producerBp: offer.accessFeeProducerBp,
      commonsFundBp: offer.accessFeeCommonsFundBp,
      infrastructureBp: offer.accessFeeInfrastructureBp,
      commonsFund: refs.commonsFund,
      personalUseCap: offer.personalUseCap,
    },
    score,
    stockHistory: history,
    images,
    resource,
    options,
  }
}
