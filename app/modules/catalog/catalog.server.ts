import type { Kysely, Transaction } from 'kysely'
import type { DB, DeliveryMode, EvidenceLevel, ClaimKind, LegalForm, LicenceOpenness, OfferKind } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { splitByBasisPoints, type Money } from '../../lib/money'
import { sql } from 'kysely'
import { effectiveEvidenceLevel } from '../evidence/evidence'
import { criteria, type Criterion, type Weights } from '../scoring/rules'
import { getStoredScore, type StoredScore } from '../scoring/scores.server'
import { CATALOG_PAGE_SIZE, toFtsQuery, type CatalogQuery, type RankingView } from './query'

type Db = Kysely<DB> | Transaction<DB>

export interface ProducerRef {
  slug: string
  name: string
  legalForm: LegalForm
  city: string
  countryCode: string
}

export interface TierPrices {
  commoner: Money
  forProfit: Money
  /** What a for-profit buyer pays on top of the commoner price. */
  accessFee: Money
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
}

export interface RankedOfferCard extends OfferCard {
  /** The buyer's own re-weighted score when they rank by their own weights, else null. */
  viewScore: number | null
}

export interface CatalogPage {
  offers: RankedOfferCard[]
  page: number
  pageCount: number
  total: number
  pageSize: number
  view: RankingView
  /** Set when the search text had no searchable words in it. */
  notice: string | null
}

export function tierPrices(row: { currency: string; commonerPrice: number; forProfitPrice: number }): TierPrices {
  return {
    commoner: { amount: row.commonerPrice, currency: row.currency },
    forProfit: { amount: row.forProfitPrice, currency: row.currency },
    accessFee: { amount: row.forProfitPrice - row.commonerPrice, currency: row.currency },
  }
}

function offerCardQuery(db: Db) {
  return db
    .selectFrom('offers as o')
    .innerJoin('offerScores as s', 's.offerId', 'o.id')
    .innerJoin('organisations as org', 'org.id', 'o.organisationId')
    .innerJoin('categories as c', 'c.id', 'o.categoryId')
    .leftJoin('licences as l', 'l.code', 'o.licenceCode')
    .select([
      'o.id',
      'o.slug',
      'o.title',
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
    .where('s.listed', '=', 1)
}

type OfferCardRow = Awaited<ReturnType<ReturnType<typeof offerCardQuery>['executeTakeFirstOrThrow']>>

function toOfferCard(row: OfferCardRow): OfferCard {
  return {
    slug: row.slug,
    title: row.title,
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
  }
}

const earnedSql = {
  ownership: 's.earned_ownership',
  surplus: 's.earned_surplus',
  openKnowledge: 's.earned_open_knowledge',
  fairWork: 's.earned_fair_work',
  transparency: 's.earned_transparency',
  environment: 's.earned_environment',
  cooperation: 's.earned_cooperation',
} as const satisfies Record<Criterion, string>

/** The buyer's weighted score as SQL; weights are validated integers, passed as parameters. */
function viewScoreSql(weights: Weights) {
  const total = criteria.reduce((sum, c) => sum + weights[c], 0)
  const terms = criteria.filter((c) => weights[c] > 0).map((c) => sql`${sql.raw(earnedSql[c])} * ${weights[c] / total}`)
  return sql<number>`(${sql.join(terms, sql` + `)})`
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
): Promise<CatalogPage> {
  const page = query.page ?? 1
  const empty = (notice: string | null): CatalogPage => ({
    offers: [],
    page,
    pageCount: 1,
    total: 0,
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

  let fts: string | null = null
  if (query.q !== undefined) {
    fts = toFtsQuery(query.q)
    if (!fts) return empty('Your search has no letters or digits in it, so nothing matches. Try a word.')
  }

  const needsOffer = Boolean(query.kind || category || licence || query.legalForm || query.country)
  const needsOrganisation = Boolean(query.legalForm || query.country)
  // Joins only when a filter needs them: the unfiltered ranking and its count stay on the
  // covering index of offer_scores, which keeps deep pages cheap.
  const from = sql.join(
    [
      sql`offer_scores s`,
      ...(needsOffer ? [sql`join offers o on o.id = s.offer_id`] : []),
      ...(needsOrganisation ? [sql`join organisations org on org.id = o.organisation_id`] : []),
    ],
    sql` `,
  )
  const conditions = [
    sql`s.listed = 1`,
    ...(query.minScore !== undefined ? [sql`s.score >= ${query.minScore}`] : []),
    ...(query.kind ? [sql`o.kind = ${query.kind}`] : []),
    ...(category ? [sql`o.category_id = ${category.id}`] : []),
    ...(licence ? [sql`o.licence_code = ${licence.code}`] : []),
    ...(query.legalForm ? [sql`org.legal_form = ${query.legalForm}`] : []),
    ...(query.country ? [sql`org.country_code = ${query.country}`] : []),
    ...(fts ? [sql`s.offer_id in (select rowid from offer_search where offer_search match ${fts})`] : []),
  ]
  const where = sql.join(conditions, sql` and `)
  const order = view.weights ? sql`view_score desc, s.offer_id` : sql`s.score desc, s.offer_id`
  const viewScore = view.weights ? viewScoreSql(view.weights) : sql`null`

  const [countResult, pageResult] = await Promise.all([
    sql<{ total: number }>`select count(*) as total from ${from} where ${where}`.execute(db),
    sql<{ offerId: number; viewScore: number | null }>`
      select s.offer_id as offer_id, ${viewScore} as view_score from ${from} where ${where}
      order by ${order} limit ${CATALOG_PAGE_SIZE} offset ${(page - 1) * CATALOG_PAGE_SIZE}`.execute(db),
  ])
  const total = countResult.rows[0]?.total ?? 0
  const pageRows = pageResult.rows

  const ids = pageRows.map((r) => r.offerId)
  const cards = ids.length ? await offerCardQuery(db).where('o.id', 'in', ids).execute() : []
  const byId = new Map(cards.map((c) => [c.id, c]))
  return {
    offers: pageRows.flatMap((r) => {
      const row = byId.get(r.offerId)
      return row ? [{ ...toOfferCard(row), viewScore: r.viewScore === null ? null : Math.round(r.viewScore * 1000) / 10 }] : []
    }),
    page,
    pageCount: Math.max(1, Math.ceil(total / CATALOG_PAGE_SIZE)),
    total,
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

/** The choices the catalog's filters offer. */
export async function catalogFacets(db: Db): Promise<CatalogFacets> {
  const [categories, licences, countries] = await Promise.all([
    db.selectFrom('categories').select(['slug', 'name']).orderBy('name').execute(),
    db.selectFrom('licences').select(['code', 'name']).orderBy('name').execute(),
    db.selectFrom('organisations').select('countryCode').distinct().orderBy('countryCode').execute(),
  ])
  return { categories, licences, countries: countries.map((c) => c.countryCode) }
}

export interface EvidenceLine {
  id: number
  claim: ClaimKind
  value: string
  evidenceLevel: EvidenceLevel
  /** True when the stored level has lapsed to self-declared because the evidence expired. */
  expired: boolean
  source: string
  sourceUrl: string | null
  issuedAt: string
  expiresAt: string | null
}

export interface AccessFeeShare {
  to: 'producer' | 'commons_fund' | 'infrastructure_fund'
  basisPoints: number
  amount: Money
}

export interface OfferDetail extends OfferCard {
  description: string
  delivery: DeliveryMode
  licence: { code: string; name: string; url: string | null; openness: LicenceOpenness } | null
  commonsFund: { slug: string; name: string; purpose: string }
  accessFeeSplit: AccessFeeShare[]
  offerEvidence: EvidenceLine[]
  producerSummary: string
  scoreBreakdown: StoredScore
}

export function toEvidenceLine(
  row: {
    id: number
    claim: ClaimKind
    value: string
    evidenceLevel: EvidenceLevel
    source: string
    sourceUrl: string | null
    issuedAt: string
    expiresAt: string | null
  },
  now: string,
): EvidenceLine {
  const level = effectiveEvidenceLevel(row, now)
  return {
    id: row.id,
    claim: row.claim,
    value: row.value,
    evidenceLevel: level,
    expired: level !== row.evidenceLevel,
    source: row.source,
    sourceUrl: row.sourceUrl,
    issuedAt: row.issuedAt,
    expiresAt: row.expiresAt,
  }
}

/** An active offer with everything its page shows. @throws AppError('not_found') */
export async function getOffer(db: Db, slug: string, now = new Date().toISOString()): Promise<OfferDetail> {
  const row = await offerCardQuery(db)
    .innerJoin('commonsFunds as f', 'f.id', 'o.commonsFundId')
    .select([
      'o.description',
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
    .executeTakeFirst()
  if (!row) throw new AppError('not_found', 'There is no offer at this address. It may have been archived.')

  const [claims, scoreBreakdown] = await Promise.all([
    db
    .selectFrom('evidenceClaims')
    .select(['id', 'claim', 'value', 'evidenceLevel', 'source', 'sourceUrl', 'issuedAt', 'expiresAt'])
    .where('offerId', '=', row.id)
    .orderBy('claim')
    .orderBy('id')
    .execute(),
    getStoredScore(db, row.id),
  ])
  if (!scoreBreakdown) throw new AppError('not_found', 'There is no offer at this address. It may have been archived.')

  const card = toOfferCard(row)
  const fee = card.prices.accessFee
  const shares = [row.accessFeeProducerBp, row.accessFeeCommonsFundBp, row.accessFeeInfrastructureBp]
  const amounts = splitByBasisPoints(fee.amount, shares)
  const recipients = ['producer', 'commons_fund', 'infrastructure_fund'] as const
  return {
    ...card,
    description: row.description,
    delivery: row.delivery,
    licence:
      row.licenceCode && row.licenceName && row.licenceOpenness
        ? { code: row.licenceCode, name: row.licenceName, url: row.licenceUrl, openness: row.licenceOpenness }
        : null,
    commonsFund: { slug: row.fundSlug, name: row.fundName, purpose: row.fundPurpose },
    accessFeeSplit: recipients.map((to, i) => ({
      to,
      basisPoints: shares[i]!,
      amount: { amount: amounts[i]!, currency: fee.currency },
    })),
    offerEvidence: claims.map((c) => toEvidenceLine(c, now)),
    producerSummary: row.producerSummary,
    scoreBreakdown,
  }
}
