import { z } from 'zod'
import { legalForms } from '../../../db/schema'
import { CatalogQuery, COUNT_CAP } from '../catalog/query'

// The API's parameters (zod) and the document GET /api/v1 serves, side by side: the document's
// parameter lists are read from the schemas' shapes, and a test checks every one is described.

export const API_VERSION = 'v1'
export const MAX_LIMIT = 100
export const DEFAULT_LIMIT = 24
/** The CSV export stops here; the response says so in X-Export-Truncated. */
export const CSV_ROW_LIMIT = COUNT_CAP

const blankIsAbsent = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

const Limit = z.preprocess(
  blankIsAbsent,
  z
    .string()
    .regex(/^\d{1,4}$/, `limit must be a whole number from 1 to ${MAX_LIMIT}`)
    .transform(Number)
    .pipe(z.number().min(1, `limit must be at least 1`).max(MAX_LIMIT, `limit must be at most ${MAX_LIMIT}`))
    .optional(),
)
const Cursor = z.preprocess(blankIsAbsent, z.string().optional())

/** The catalog page's own filters, with its messages, so the API filters exactly as the page does. */
export const OfferFilters = CatalogQuery.pick({ q: true, kind: true, category: true, legalForm: true, licence: true, minScore: true, country: true })
export type OfferFilters = z.infer<typeof OfferFilters>

export const OffersQuery = OfferFilters.extend({ limit: Limit, cursor: Cursor })
export type OffersQuery = z.infer<typeof OffersQuery>

export const OrganisationFilters = z.object({
  legalForm: CatalogQuery.shape.legalForm,
  country: CatalogQuery.shape.country,
})
export const OrganisationsQuery = OrganisationFilters.extend({ limit: Limit, cursor: Cursor })
export type OrganisationsQuery = z.infer<typeof OrganisationsQuery>

export const LedgerQuery = z.object({ limit: Limit, cursor: Cursor })
export type LedgerQuery = z.infer<typeof LedgerQuery>

export const SlugParam = z.string().regex(/^[a-z0-9-]{1,200}$/)
/** A fund by its number or its slug (the fund page's address). */
export const FundParam = z.string().regex(/^([1-9]\d{0,9}|[a-z0-9-]{1,200})$/)

export const parameterNames = {
  offers: Object.keys(OffersQuery.shape),
  offersCsv: Object.keys(OfferFilters.shape),
  organisations: Object.keys(OrganisationsQuery.shape),
  organisation: [] as string[],
  ledger: Object.keys(LedgerQuery.shape),
  index: [] as string[],
}

/** '"a" or "b"': documentation for programmers, not a message. */
const oneOf = (a: string, b: string) => [a, b].map((v) => `"${v}"`).join(' or ')

const parameterDocs: Record<string, string> = {
  q: 'full-text search over titles, descriptions and producer names (words only; the last word matches as a prefix)',
  kind: oneOf('good', 'commons'),
  category: 'a category slug, e.g. "food-and-drink"',
  legalForm: `one of: ${legalForms.join(', ')}`,
  licence: 'a licence code, e.g. "cc-by-sa-4.0"',
  minScore: 'the lowest ethical-preference score, 0–100',
  country: "the producer's two-letter country code",
  limit: `items per page, 1–${MAX_LIMIT} (default ${DEFAULT_LIMIT})`,
  cursor: 'next_cursor from the previous page; only valid with the same filters',
}

export const describedParameters = Object.keys(parameterDocs)

const money = { amount: 'integer, minor units (cents)', currency: 'ISO 4217 code', decimal: 'the amount as a decimal string, e.g. "12.50"' }
const params = (names: string[]) => Object.fromEntries(names.map((n) => [n, parameterDocs[n]!]))

/** What GET /api/v1 answers: hand-written, next to the schemas it describes. */
export function apiIndexDocument(baseUrl: string) {
  const api = `${baseUrl}/api/${API_VERSION}`
  return {
    name: 'Solidarity Market open data API',
    version: API_VERSION,
    conventions: {
      methods: 'GET (and HEAD, OPTIONS) only; anything else is 405',
      format: 'application/json; charset=utf-8; CORS open (Access-Control-Allow-Origin: *)',
      money: 'integer minor units plus an ISO currency, with a decimal string beside them; never floating point',
      pagination: 'pass next_cursor back as cursor until it is null; cursors are opaque and tied to the filters they came with',
      caching: 'ETag and If-None-Match (304); Cache-Control: public, max-age=60. Stock figures may be up to 60 s old',
      errors:
        '{ "error": { "code", "parameter"?, "message" } }: 400 invalid_parameter (unknown, repeated or bad parameters, bad cursors), 404 not_found, 405 method_not_allowed',
    },
    endpoints: [
      {
        path: `${api}/offers`,
        description: 'The catalog, ranked by the community ethical-preference score (highest first, ties by age of listing), filtered as on the catalog page',
        parameters: params(parameterNames.offers),
        response: {
          data: 'offers (below)',
          next_cursor: 'string or null',
          count_estimate: 'matches, counted up to 10,000 (first page only)',
          count_is_exact: 'false when there are more than count_estimate',
        },
        item: {
          id: 'integer',
          slug: 'string',
          url: 'the offer page',
          title: 'string: in the language asked for (lng, else Accept-Language) when the offer has a translation into it, else in its original language',
          inLanguage: 'the language title is in: "en", "it", "fr", "de" or "es"',
          untranslated: 'true when title is in its original language because the offer has no translation into the one asked for',
          kind: oneOf('good', 'commons'),
          category: '{ slug, name }',
          licence: '{ code, name, url } or null',
          producer: '{ slug, name, legalForm, country, url }',
          unit: 'string',
          prices: { commoner: money, for_profit: money },
          accessFee: { ...money, split: '[{ to: "producer" | "commons_fund" | "infrastructure_fund", fund?: slug, basisPoints, amount, currency, decimal }]' },
          score: '0–100, one decimal (community weights)',
          confidence: '0–1: share of the weight backed by peer-attested or verified evidence',
          rulesVersion: 'integer: the score rules version it was computed with',
          stock: 'integer, or null for commons items (not used up by sharing)',
          updatedAt: 'ISO-8601 UTC',
        },
      },
      {
        path: `${api}/offers.csv`,
        description: `The same offers as CSV (UTF-8, header row, CRLF), at most ${CSV_ROW_LIMIT.toLocaleString('en')} rows; X-Export-Truncated: true when there were more`,
        parameters: params(parameterNames.offersCsv),
      },
      {
        path: `${api}/organisations`,
        description: 'Producers and other registered organisations, oldest first',
        parameters: params(parameterNames.organisations),
        item: {
          id: 'integer',
          slug: 'string',
          url: 'the organisation page',
          name: 'string',
          legalForm: legalForms.join(' | '),
          summary: 'string',
          website: 'string or null',
          address: '{ locality, region, country }',
          updatedAt: 'ISO-8601 UTC',
        },
      },
      { path: `${api}/organisations/{slug}`, description: 'One organisation with its governance facts, evidence and offers', parameters: {} },
      {
        path: `${api}/funds/{id or slug}/ledger`,
        description: "A commons fund's ledger postings, oldest first, and its balance, summed from the ledger",
        parameters: params(parameterNames.ledger),
        response: { fund: '{ id, slug, name, kind, currency, url }', balance: money, data: 'postings (below)', next_cursor: 'string or null' },
        item: {
          entryId: 'integer: the journal entry',
          postingId: 'integer',
          at: 'ISO-8601 UTC',
          direction: oneOf('inflow', 'outflow'),
          amount: 'integer minor units, signed: positive into the fund, negative out of it',
          currency: 'ISO 4217',
          decimal: 'the signed amount as a decimal string',
          kind: 'order_placed | payment | settlement | refund | reciprocity_credit | disbursement',
          memo: 'string',
          orderReference: '"SM-12-31" or null',
          buyerClass: '"commoner", "for_profit" or null',
          reversesEntryId: 'integer or null',
        },
      },
    ],
  }
}
