import type { DeliveryMode, LegalForm, LicenceOpenness, OfferKind, Db } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import type { Money } from '../../lib/money'
import { accessFeeShares, tierPrices, type TierPrices } from '../pricing/pricing'
import { sql } from 'kysely'
import { toEvidenceLine, type EvidenceLine } from '../evidence/evidence'
import { getStoredScore, type StoredScore } from '../scoring/scores.server'
import { coverImages, listOfferImages, type CoverImage } from '../listings/images.server'
import { catalogStats, rankByWeights } from './ranking-snapshot.server'
import { CATALOG_PAGE_SIZE, COUNT_CAP, searchWords, type CatalogQuery, type RankingView } from './query'
import { matchingOfferIds, searchedScores } from './search.server'
import { clock } from '../../lib/clock'
import { fallbackLanguage } from '../../i18n/config'

export interface ProducerRef {
  slug: string
  name: string
  legalForm: LegalForm
  city: string
  countryCode: string
}

export interface OfferCard {
  slug: string
  title: string
  kind: OfferKind
  category: { slug: string; name: string }
  producer: ProducerRef
  licence: { code: string; name: string } | null
  unit: string
  stock: number | null
  prices: TierPrices
  /** The community score: what every public badge shows. */
  score: number
  confidence: number
  /** the offer's first image, if it has any */
  image: CoverImage | null
  /** the language of the title (and description) shown: the reader's when translated, else the original's */
  language: string
  /** true when the reader's language has no text of its own, so the original, in another language, is shown */
  untranslated: boolean
}

export interface RankedOfferCard extends OfferCard {
  /** The buyer's own re-weighted score when they rank by their own weights, else null. */
  viewScore: number | null
}

export interface CatalogPage {
  offers: RankedOfferCard[]
  page: number
  /** null when the total is only known to exceed the count cap */
  pageCount: number | null
  /** exact, or COUNT_CAP when `totalCapped` */
  total: number
  totalCapped: boolean
  hasNextPage: boolean
  pageSize: number
  view: RankingView
  /** Set when the search text had no searchable words in it. */
  notice: string | null
}

/**
 * The columns an offer card shows, by offer: the catalog's cards and the open-data API's offers
 * (which add theirs to it) read the same joins. The reader's language's translation, if any,
 * comes by one lookup of offer_translations' primary key per card (as `tr`), in the same query.
 */
export function offerCardQuery(db: Db, language: string = fallbackLanguage) {
  return db
    .selectFrom('offers as o')
    .innerJoin('offerScores as s', 's.offerId', 'o.id')
    .innerJoin('organisations as org', 'org.id', 'o.organisationId')
    .innerJoin('categories as c', 'c.id', 'o.categoryId')
    .leftJoin('licences as l', 'l.code', 'o.licenceCode')
    .leftJoin('offerTranslations as tr', (join) => join.onRef('tr.offerId', '=', 'o.id').on('tr.language', '=', language))
    .select([
      'o.id',
      'o.slug',
      'o.title',
      'o.language as originalLanguage',
      'tr.title as translatedTitle',
      'o.kind',
      'o.unit',
      'o.stock',
      'o.currency',
      'o.commonerPrice',
      'o.forProfitPrice',
      'c.slug as categorySlug',
      'c.name as categoryName',
      'org.slug as producerSlug',
      'org.name as producerName',
      'org.legalForm as producerLegalForm',
      'org.city as producerCity',
      'org.countryCode as producerCountryCode',
      'l.code as licenceCode',
      'l.name as licenceName',
      's.score',
      's.confidence',
    ])
}

type OfferCardRow = Awaited<ReturnType<ReturnType<typeof offerCardQuery>['executeTakeFirstOrThrow']>>

/** Which text a reader is shown: their language's translation, else the original (flagged when it is in another language). */
export function shownText(row: Pick<OfferCardRow, 'title' | 'originalLanguage' | 'translatedTitle'>, language: string) {
  const translated = row.translatedTitle !== null
  return {
    title: translated ? row.translatedTitle! : row.title,
    language: translated ? language : row.originalLanguage,
    untranslated: !translated && row.originalLanguage !== language,
  }
}

function toOfferCard(row: OfferCardRow, language: string): OfferCard {
  return {
    slug: row.slug,
    ...shownText(row, language),
    kind: row.kind,
    category: { slug: row.categorySlug, name: row.categoryName },
    producer: {
      slug: row.producerSlug,
      name: row.producerName,
      legalForm: row.producerLegalForm,
      city: row.producerCity,
      countryCode: row.producerCountryCode,
    },
    licence: row.licenceCode && row.licenceName ? { code: row.licenceCode, name: row.licenceName } : null,
    unit: row.unit,
    stock: row.stock,
    prices: tierPrices(row),
    score: row.score,
    confidence: row.confidence,
    image: null,
  }
}

/**
 * One page of the catalog, ranked by the community score (ties by age of listing) or by the
 * buyer's own weights, narrowed by search and filters. A page past the end is an empty page.
 * @throws AppError('invalid_input') for a category or licence the catalog does not have
 */
export async function listCatalog(
  db: Db,
  query: CatalogQuery,
  view: RankingView = { name: 'community', weights: null },
  /** the reader's: titles in it when the offer has them, else in the offer's own */
  language: string = fallbackLanguage,
): Promise<CatalogPage> {
  const page = query.page ?? 1
  const empty = (notice: string | null): CatalogPage => ({
    offers: [],
    page,
    pageCount: 1,
    total: 0,
    totalCapped: false,
    hasNextPage: false,
    pageSize: CATALOG_PAGE_SIZE,
    view,
    notice,
  })

  const [category, licence] = await Promise.all([
    query.category ? db.selectFrom('categories').select('id').where('slug', '=', query.category).executeTakeFirst() : null,
    query.licence ? db.selectFrom('licences').select('code').where('code', '=', query.licence).executeTakeFirst() : null,
  ])
  if (query.category && !category) throw new AppError('invalid_input', `There is no category "${query.category}" in this catalog.`)
  if (query.licence && !licence) throw new AppError('invalid_input', `There is no licence "${query.licence}" in this catalog.`)

  let words: string[] | null = null
  if (query.q !== undefined) {
    words = searchWords(query.q)
    if (!words) return empty('Your search has no letters or digits in it, so nothing matches. Try a word.')
  }

  const offset = (page - 1) * CATALOG_PAGE_SIZE
  let total: number
  let totalCapped = false
  let hasNextPage: boolean
  let pageRows: { offerId: number; viewScore: number | null }[]

  if (view.weights) {
    const among = words ? await matchingOfferIds(db, words) : undefined
    const ranked = await rankByWeights(
      db,
      view.weights,
      {
        kind: query.kind,
        categoryId: category?.id,
        licenceCode: licence?.code,
        legalForm: query.legalForm,
        countryCode: query.country,
        minScore: query.minScore,
        among,
      },
      offset,
      CATALOG_PAGE_SIZE,
    )
    total = ranked.total
    hasNextPage = offset + CATALOG_PAGE_SIZE < total
    pageRows = ranked.offerIds.map((offerId, i) => ({ offerId, viewScore: ranked.viewScores[i]! }))
  } else {
    const search = words ? searchedScores(db, words) : null
    const conditions = [
      sql`s.listed = 1`,
      ...(query.minScore !== undefined ? [sql`s.score >= ${query.minScore}`] : []),
      ...(query.kind ? [sql`s.kind = ${query.kind}`] : []),
      ...(category ? [sql`s.category_id = ${category.id}`] : []),
      ...(licence ? [sql`s.licence_code = ${licence.code}`] : []),
      ...(query.legalForm ? [sql`s.legal_form = ${query.legalForm}`] : []),
      ...(query.country ? [sql`s.country_code = ${query.country}`] : []),
      ...(search ? [search.match] : []),
    ]
    // A search starts from its matches (search.server.ts); otherwise the ranking indexes of
    // offer_scores, which also carry every filter facet, answer on their own.
    const from = search ? search.from : sql`offer_scores s`
    const where = sql.join(conditions, sql` and `)
    const unfiltered = conditions.length === 1
    const [counted, pageResult] = await Promise.all([
      unfiltered
        ? catalogStats(db).then((stats) => stats.listedCount)
        : // Counting stops at the cap: "more than 10,000" is as useful as the exact figure, and cheap.
          sql<{ total: number }>`select count(*) as total from (select 1 from ${from} where ${where} limit ${COUNT_CAP + 1}) as matches`
            .execute(db)
            .then((r) => r.rows[0]?.total ?? 0),
      sql<{ offerId: number }>`select s.offer_id as offer_id from ${from} where ${where}
        order by s.score desc, s.offer_id limit ${CATALOG_PAGE_SIZE + 1} offset ${offset}`.execute(db),
    ])
    totalCapped = !unfiltered && counted > COUNT_CAP
    total = unfiltered ? counted : Math.min(counted, COUNT_CAP)
    hasNextPage = pageResult.rows.length > CATALOG_PAGE_SIZE
    pageRows = pageResult.rows.slice(0, CATALOG_PAGE_SIZE).map((r) => ({ offerId: r.offerId, viewScore: null }))
  }

  const ids = pageRows.map((r) => r.offerId)
  // The page's first images come in one query keyed by its offers, not one per card.
  const [cards, covers] = ids.length
    ? await Promise.all([offerCardQuery(db, language).where('o.id', 'in', ids).execute(), coverImages(db, ids)])
    : [[], new Map<number, CoverImage>()]
  const byId = new Map(cards.map((c) => [c.id, c]))
  return {
    offers: pageRows.flatMap((r) => {
      const row = byId.get(r.offerId)
      return row
        ? [
            {
              ...toOfferCard(row, language),
              image: covers.get(r.offerId) ?? null,
              viewScore: r.viewScore === null ? null : Math.round(r.viewScore * 1000) / 10,
            },
          ]
        : []
    }),
    page,
    pageCount: totalCapped ? null : Math.max(1, Math.ceil(total / CATALOG_PAGE_SIZE)),
    total,
    totalCapped,
    hasNextPage,
    pageSize: CATALOG_PAGE_SIZE,
    view,
    notice: null,
  }
}

export interface CatalogFacets {
  categories: { slug: string; name: string }[]
  licences: { code: string; name: string }[]
  countries: string[]
}

const countriesCache = new WeakMap<object, { generation: number; countries: string[] }>()

/** The choices the catalog's filters offer; the countries (a scan) are kept until the catalog changes. */
export async function catalogFacets(db: Db): Promise<CatalogFacets> {
  const [categories, licences, stats] = await Promise.all([
    db.selectFrom('categories').select(['slug', 'name']).orderBy('name').execute(),
    db.selectFrom('licences').select(['code', 'name']).orderBy('name').execute(),
    catalogStats(db),
  ])
  let countries = countriesCache.get(db)
  if (countries?.generation !== stats.generation) {
    const rows = await db.selectFrom('offerScores').select('countryCode').distinct().where('listed', '=', 1).orderBy('countryCode').execute()
    countries = { generation: stats.generation, countries: rows.map((r) => r.countryCode) }
    countriesCache.set(db, countries)
  }
  return { categories, licences, countries: countries.countries }
}

export interface AccessFeeShare {
  to: 'producer' | 'commons_fund' | 'infrastructure_fund'
  basisPoints: number
  amount: Money
}

export interface OfferDetail extends OfferCard {
  id: number
  description: string
  delivery: DeliveryMode
  licence: { code: string; name: string; url: string | null; openness: LicenceOpenness } | null
  commonsFund: { slug: string; name: string; purpose: string }
  accessFeeSplit: AccessFeeShare[]
  offerEvidence: EvidenceLine[]
  producerSummary: string
  scoreBreakdown: StoredScore
  /** every image, in the order its producer chose */
  images: CoverImage[]
}

const shownImage = ({ storageKey, altText, width, height }: CoverImage): CoverImage => ({ storageKey, altText, width, height })

/**
 * An active offer with everything its page shows, its title and description in the reader's
 * `language` when it has them. @throws AppError('not_found')
 */
export async function getOffer(db: Db, slug: string, language: string = fallbackLanguage, now = clock.now()): Promise<OfferDetail> {
  const row = await offerCardQuery(db, language)
    .innerJoin('commonsFunds as f', 'f.id', 'o.commonsFundId')
    .select([
      'o.description',
      'tr.description as translatedDescription',
      'o.delivery',
      'o.accessFeeProducerBp',
      'o.accessFeeCommonsFundBp',
      'o.accessFeeInfrastructureBp',
      'l.url as licenceUrl',
      'l.openness as licenceOpenness',
      'f.slug as fundSlug',
      'f.name as fundName',
      'f.purpose as fundPurpose',
      'org.summary as producerSummary',
    ])
    .where('o.slug', '=', slug)
    .where('s.listed', '=', 1)
    .executeTakeFirst()
  if (!row) throw new AppError('not_found', 'There is no offer at this address. It may have been archived.')

  const [claims, scoreBreakdown, images] = await Promise.all([
    db
      .selectFrom('evidenceClaims')
      .select(['id', 'claim', 'value', 'evidenceLevel', 'source', 'sourceUrl', 'issuedAt', 'expiresAt', 'status'])
      .where('offerId', '=', row.id)
      .orderBy('claim')
      .orderBy('id')
      .execute(),
    getStoredScore(db, row.id),
    listOfferImages(db, row.id),
  ])
  if (!scoreBreakdown) throw new AppError('not_found', 'There is no offer at this address. It may have been archived.')

  const card = toOfferCard(row, language)
  const fee = card.prices.accessFee
  return {
    ...card,
    id: row.id,
    description: row.translatedTitle !== null ? (row.translatedDescription ?? '') : row.description,
    delivery: row.delivery,
    licence:
      row.licenceCode && row.licenceName && row.licenceOpenness
        ? { code: row.licenceCode, name: row.licenceName, url: row.licenceUrl, openness: row.licenceOpenness }
        : null,
    commonsFund: { slug: row.fundSlug, name: row.fundName, purpose: row.fundPurpose },
    accessFeeSplit: accessFeeShares(row).map((share) => ({ ...share, amount: { amount: share.amount, currency: fee.currency } })),
    offerEvidence: claims.map((c) => toEvidenceLine(c, now)),
    producerSummary: row.producerSummary,
    scoreBreakdown,
    image: images[0] ? shownImage(images[0]) : null,
    images: images.map(shownImage),
  }
}
