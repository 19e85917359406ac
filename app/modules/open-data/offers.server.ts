import { sql } from 'kysely'
import { stringify } from 'csv-stringify/sync'
import type { Db } from '../../../db/schema'
import { toDecimalString } from '../../lib/money'
import { fallbackLanguage } from '../../i18n/config'
import { spreadsheetSafe } from '../../lib/spreadsheet'
import { accessFeeShares } from '../pricing/pricing'
import { COUNT_CAP, searchWords } from '../catalog/query'
import { searchedScores, type SearchWords } from '../catalog/search.server'
import { catalogStats } from '../catalog/ranking-snapshot.server'
import { offerCardQuery, shownText } from '../catalog/catalog.server'
import { decodeCursor, encodeCursor, fingerprintOf } from './cursor.server'
import { badParameter } from './http.server'
import { CSV_ROW_LIMIT, DEFAULT_LIMIT, type OfferFilters, type OffersQuery } from './schema'

// The catalog as open data: the catalog page's ranking (community score, highest first, ties
// by offer id), its filters and its FTS search, read by keyset instead of by page so a mirror
// can walk the whole set in pages of its own size without repeats or gaps.

export interface ApiMoney {
  amount: number
  currency: string
  decimal: string
}

export const apiMoney = (amount: number, currency: string): ApiMoney => ({ amount, currency, decimal: toDecimalString(amount, currency) })

export interface ApiOffer {
  id: number
  slug: string
  url: string
  title: string
  /** the language of `title`: the one asked for when translated, else the offer's own */
  inLanguage: string
  /** the offer has no text in the language asked for: `title` is its original */
  untranslated: boolean
  kind: 'good' | 'commons'
  category: { slug: string; name: string }
  licence: { code: string; name: string; url: string | null } | null
  producer: { slug: string; name: string; legalForm: string; country: string; url: string }
  unit: string
  prices: { commoner: ApiMoney; for_profit: ApiMoney }
  accessFee: ApiMoney & { split: ({ to: 'producer' | 'commons_fund' | 'infrastructure_fund'; fund?: string; basisPoints: number } & ApiMoney)[] }
  score: number
  confidence: number
  rulesVersion: number
  stock: number | null
  updatedAt: string
}

export interface OffersPage {
  data: ApiOffer[]
  next_cursor: string | null
  count_estimate?: number
  count_is_exact?: boolean
}

interface Resolved {
  filters: OfferFilters
  categoryId: number | undefined
  words: SearchWords | null
  /** the search has no words in it: nothing can match */
  empty: boolean
}

async function resolveFilters(db: Db, filters: OfferFilters): Promise<Resolved> {
  const [category, licence] = await Promise.all([
    filters.category ? db.selectFrom('categories').select('id').where('slug', '=', filters.category).executeTakeFirst() : null,
    filters.licence ? db.selectFrom('licences').select('code').where('code', '=', filters.licence).executeTakeFirst() : null,
  ])
  if (filters.category && !category) throw badParameter('category', `There is no category "${filters.category}" in this catalog.`)
  if (filters.licence && !licence) throw badParameter('licence', `There is no licence "${filters.licence}" in this catalog.`)
  const words = filters.q === undefined ? null : searchWords(filters.q)
  return { filters, categoryId: category?.id, words, empty: filters.q !== undefined && words === null }
}

function rankedFrom(db: Db, r: Resolved, after: [number, number] | null) {
  const f = r.filters
  const search = r.words ? searchedScores(db, r.words) : null
  const conditions = [
    sql`s.listed = 1`,
    ...(f.minScore !== undefined ? [sql`s.score >= ${f.minScore}`] : []),
    ...(f.kind ? [sql`s.kind = ${f.kind}`] : []),
    ...(r.categoryId !== undefined ? [sql`s.category_id = ${r.categoryId}`] : []),
    ...(f.licence ? [sql`s.licence_code = ${f.licence}`] : []),
    ...(f.legalForm ? [sql`s.legal_form = ${f.legalForm}`] : []),
    ...(f.country ? [sql`s.country_code = ${f.country}`] : []),
    ...(search ? [search.match] : []),
    // "score <= x" lets the ranking index start at the position; only ties at x are skipped row by row.
    ...(after ? [sql`s.score <= ${after[0]}`, sql`(${sql`s.score < ${after[0]} or s.offer_id > ${after[1]}`})`] : []),
  ]
  // As listCatalog: a search starts from its matches (search.server.ts).
  const from = search ? search.from : sql`offer_scores s`
  return { from, where: sql.join(conditions, sql` and `), unfiltered: conditions.length === 1 }
}

async function rankedIds(db: Db, r: Resolved, after: [number, number] | null, limit: number): Promise<{ offerId: number; score: number }[]> {
  const { from, where } = rankedFrom(db, r, after)
  const rows = await sql<{ offerId: number; score: number }>`select s.offer_id as offer_id, s.score as score from ${from} where ${where}
    order by s.score desc, s.offer_id limit ${limit}`.execute(db)
  return rows.rows
}

async function countEstimate(db: Db, r: Resolved): Promise<{ count: number; exact: boolean }> {
  const { from, where, unfiltered } = rankedFrom(db, r, null)
  if (unfiltered) return { count: (await catalogStats(db)).listedCount, exact: true }
  const counted = await sql<{ total: number }>`select count(*) as total from (select 1 from ${from} where ${where} limit ${COUNT_CAP + 1}) as matches`.execute(
    db,
  )
  const n = counted.rows[0]?.total ?? 0
  return { count: Math.min(n, COUNT_CAP), exact: n <= COUNT_CAP }
}

async function offerItems(db: Db, ids: number[], baseUrl: string, language: string = fallbackLanguage): Promise<ApiOffer[]> {
  if (!ids.length) return []
  const rows = await offerCardQuery(db, language)
    .innerJoin('commonsFunds as fund', 'fund.id', 'o.commonsFundId')
    .select([
      'o.accessFeeProducerBp',
      'o.accessFeeCommonsFundBp',
      'o.accessFeeInfrastructureBp',
      'o.updatedAt',
      'fund.slug as fundSlug',
      'l.url as licenceUrl',
      's.rulesVersion',
    ])
    .where('o.id', 'in', ids)
    .execute()
  const byId = new Map(rows.map((r) => [r.id, r]))
  return ids.flatMap((id) => {
    const r = byId.get(id)
    if (!r) return []
    const fee = r.forProfitPrice - r.commonerPrice
    const [producer, fund, infrastructure] = accessFeeShares(r)
    const shown = shownText(r, language)
    const item: ApiOffer = {
      id: r.id,
      slug: r.slug,
      url: `${baseUrl}/offers/${r.slug}`,
      title: shown.title,
      inLanguage: shown.language,
      untranslated: shown.untranslated,
      kind: r.kind,
      category: { slug: r.categorySlug, name: r.categoryName },
      licence: r.licenceCode && r.licenceName ? { code: r.licenceCode, name: r.licenceName, url: r.licenceUrl } : null,
      producer: {
        slug: r.producerSlug,
        name: r.producerName,
        legalForm: r.producerLegalForm,
        country: r.producerCountryCode,
        url: `${baseUrl}/organisations/${r.producerSlug}`,
      },
      unit: r.unit,
      prices: { commoner: apiMoney(r.commonerPrice, r.currency), for_profit: apiMoney(r.forProfitPrice, r.currency) },
      accessFee: {
        ...apiMoney(fee, r.currency),
        split: [
          { to: 'producer', basisPoints: producer!.basisPoints, ...apiMoney(producer!.amount, r.currency) },
          { to: 'commons_fund', fund: r.fundSlug, basisPoints: fund!.basisPoints, ...apiMoney(fund!.amount, r.currency) },
          { to: 'infrastructure_fund', basisPoints: infrastructure!.basisPoints, ...apiMoney(infrastructure!.amount, r.currency) },
        ],
      },
      score: r.score,
      confidence: r.confidence,
      rulesVersion: r.rulesVersion,
      stock: r.stock,
      updatedAt: r.updatedAt,
    }
    return [item]
  })
}

const filtersOf = ({ limit: _limit, cursor: _cursor, ...filters }: OffersQuery): OfferFilters => filters

/**
 * One page of the ranked catalog after the cursor's position, titles in the reader's `language`
 * where the offers have them. A cursor walks the same ranking in any language.
 * @throws AppError invalid_input naming the parameter (unknown category or licence, bad cursor)
 */
export async function listOffers(db: Db, query: OffersQuery, baseUrl: string, language: string = fallbackLanguage): Promise<OffersPage> {
  const filters = filtersOf(query)
  const fingerprint = fingerprintOf(filters)
  const after = query.cursor ? (decodeCursor(query.cursor, 'offers', fingerprint) as [number, number]) : null
  if (after && (after.length !== 2 || !Number.isSafeInteger(after[1])))
    throw badParameter('cursor', 'cursor is not a cursor this API gave out; start again without one.')
  const resolved = await resolveFilters(db, filters)
  const limit = query.limit ?? DEFAULT_LIMIT
  if (resolved.empty) return { data: [], next_cursor: null, ...(after ? {} : { count_estimate: 0, count_is_exact: true }) }
  const [rows, count] = await Promise.all([rankedIds(db, resolved, after, limit + 1), after ? null : countEstimate(db, resolved)])
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return {
    data: await offerItems(
      db,
      page.map((r) => r.offerId),
      baseUrl,
      language,
    ),
    next_cursor: rows.length > limit && last ? encodeCursor('offers', fingerprint, [last.score, last.offerId]) : null,
    ...(count ? { count_estimate: count.count, count_is_exact: count.exact } : {}),
  }
}

export const CSV_COLUMNS = [
  'id',
  'slug',
  'url',
  'title',
  'kind',
  'category',
  'licence',
  'producer_slug',
  'producer_name',
  'producer_legal_form',
  'producer_country',
  'currency',
  'commoner_price',
  'commoner_price_minor',
  'for_profit_price',
  'for_profit_price_minor',
  'access_fee_minor',
  'producer_share_bp',
  'commons_fund_share_bp',
  'infrastructure_share_bp',
  'commons_fund',
  'score',
  'confidence',
  'rules_version',
  'stock',
  'updated_at',
] as const

function csvRow(o: ApiOffer): (string | number)[] {
  const [producer, fund, infrastructure] = o.accessFee.split
  return [
    o.id,
    o.slug,
    o.url,
    spreadsheetSafe(o.title),
    o.kind,
    o.category.slug,
    o.licence?.code ?? '',
    o.producer.slug,
    spreadsheetSafe(o.producer.name),
    o.producer.legalForm,
    o.producer.country,
    o.prices.commoner.currency,
    o.prices.commoner.decimal,
    o.prices.commoner.amount,
    o.prices.for_profit.decimal,
    o.prices.for_profit.amount,
    o.accessFee.amount,
    producer!.basisPoints,
    fund!.basisPoints,
    infrastructure!.basisPoints,
    fund!.fund ?? '',
    o.score,
    o.confidence,
    o.rulesVersion,
    o.stock ?? '',
    o.updatedAt,
  ]
}

const CSV_CHUNK = 500

/**
 * Every matching offer as CSV, ranked, at most CSV_ROW_LIMIT rows, streamed in chunks so the
 * export never holds the whole file. `truncated`: more offers matched than were written.
 * @throws AppError invalid_input naming the parameter
 */
export async function offersCsv(db: Db, filters: OfferFilters, baseUrl: string): Promise<{ stream: ReadableStream<Uint8Array>; truncated: boolean }> {
  const resolved = await resolveFilters(db, filters)
  const counted = resolved.empty ? { count: 0, exact: true } : await countEstimate(db, resolved)
  // Counting stops just past COUNT_CAP, which is the row limit: not exact means more matched.
  const truncated = !counted.exact
  const encoder = new TextEncoder()
  let after: [number, number] | null = null
  let written = 0
  let headerSent = false
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true
        controller.enqueue(encoder.encode(stringify([[...CSV_COLUMNS]], { record_delimiter: '\r\n' })))
        return
      }
      const take = Math.min(CSV_CHUNK, CSV_ROW_LIMIT - written)
      const ids = resolved.empty || take <= 0 ? [] : await rankedIds(db, resolved, after, take)
      if (!ids.length) return controller.close()
      const last = ids[ids.length - 1]!
      after = [last.score, last.offerId]
      written += ids.length
      const items = await offerItems(
        db,
        ids.map((r) => r.offerId),
        baseUrl,
      )
      controller.enqueue(encoder.encode(stringify(items.map(csvRow), { record_delimiter: '\r\n' })))
    },
  })
  return { stream, truncated }
}
