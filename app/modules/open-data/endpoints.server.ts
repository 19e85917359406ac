import type { z } from 'zod'
import type { Database } from '../../../db/connection'
import { env } from '../../lib/env.server'
import { fallbackLanguage } from '../../i18n/config'
import { AppError } from '../../lib/errors'
import { catalogStats } from '../catalog/ranking-snapshot.server'
import { fundLedger, fundLedgerVersion } from './ledger.server'
import { badParameter, cachedAnswer, queryParameters, shortHash } from './http.server'
import { listOffers, offersCsv } from './offers.server'
import { listOrganisations, organisationDocument } from './organisations.server'
import { createResponseCache, wantsFresh } from './response-cache.server'
import { apiIndexDocument, FundParam, LedgerQuery, OfferFilters, OffersQuery, OrganisationsQuery, parameterNames, SlugParam } from './schema'

// What each /api/v1 route does, so the routes stay one line: read the query strictly, make
// (or find) the body, answer with validators. ETags are weak and carry the catalog generation;
// for JSON they hash the body too, so a stock change (which does not move the generation)
// still changes the tag once the cached body is remade.

const cache = createResponseCache()

const baseUrl = () => env().APP_URL

function parse<S extends z.ZodType>(schema: S, raw: Record<string, string>): z.infer<S> {
  const result = schema.safeParse(raw)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  const parameter = String(issue.path[0] ?? Object.keys(raw)[0] ?? 'query')
  throw badParameter(parameter, issue.message.startsWith(parameter) ? issue.message : `${parameter}: ${issue.message}`)
}

/**
 * A JSON body kept while the catalog generation holds, answered with its ETag or a 304. A body
 * written for a reader's `language` is kept once per language and says it varies with the header.
 */
async function catalogJson(db: Database, request: Request, make: () => Promise<unknown>, language?: string): Promise<Response> {
  const url = new URL(request.url)
  const key = `${url.pathname}${url.search}${language ? `#${language}` : ''}`
  const { generation } = await catalogStats(db)
  const entry = await cache.get(
    key,
    generation,
    async () => {
      const body = JSON.stringify(await make())
      return { body, etag: `W/"g${generation}-${shortHash(key, body)}"` }
    },
    wantsFresh(request),
  )
  return cachedAnswer(request, entry.etag, entry.body, undefined, language ? { Vary: 'Accept-Language' } : {})
}

export function apiIndex(request: Request): Response {
  queryParameters(new URL(request.url), parameterNames.index)
  const body = JSON.stringify(apiIndexDocument(baseUrl()))
  return cachedAnswer(request, `W/"${shortHash(body)}"`, body)
}

/** `language`: the reader's (?lng=, else Accept-Language), for the offers' titles. */
export async function offersEndpoint(db: Database, request: Request, language: string = fallbackLanguage): Promise<Response> {
  const query = parse(OffersQuery, queryParameters(new URL(request.url), parameterNames.offers))
  return catalogJson(db, request, () => listOffers(db, query, baseUrl(), language), language)
}

export async function offersCsvEndpoint(db: Database, request: Request): Promise<Response> {
  const url = new URL(request.url)
  const filters = parse(OfferFilters, queryParameters(url, parameterNames.offersCsv))
  const { generation } = await catalogStats(db)
  const etag = `W/"g${generation}-${shortHash(url.pathname, url.search)}"`
  const { stream, truncated } = await offersCsv(db, filters, baseUrl())
  const headers: Record<string, string> = { 'Content-Disposition': 'attachment; filename="solidarity-market-offers.csv"' }
  if (truncated) Object.assign(headers, { 'X-Export-Truncated': 'true', 'X-Export-Row-Limit': '10000' })
  const response = cachedAnswer(request, etag, stream, 'text/csv; charset=utf-8', headers)
  if (response.status === 304) await stream.cancel()
  return response
}

export async function organisationsEndpoint(db: Database, request: Request): Promise<Response> {
  const query = parse(OrganisationsQuery, queryParameters(new URL(request.url), parameterNames.organisations))
  return catalogJson(db, request, () => listOrganisations(db, query, baseUrl()))
}

export async function organisationEndpoint(db: Database, request: Request, slug: string | undefined): Promise<Response> {
  queryParameters(new URL(request.url), parameterNames.organisation)
  const valid = SlugParam.safeParse(slug)
  // An impossible slug names no organisation: the same 404 as an unknown one.
  return catalogJson(db, request, () => organisationDocument(db, valid.success ? valid.data : '-', baseUrl()))
}

export async function fundLedgerEndpoint(db: Database, request: Request, id: string | undefined): Promise<Response> {
  const url = new URL(request.url)
  const query = parse(LedgerQuery, queryParameters(url, parameterNames.ledger))
  const valid = FundParam.safeParse(id)
  // An impossible id names no fund: the same 404 as an unknown one.
  if (!valid.success) throw new AppError('not_found', 'There is no commons fund at this address.')
  const fund = valid.data
  const [version, { generation }] = await Promise.all([fundLedgerVersion(db, fund), catalogStats(db)])
  // The newest posting moves the balance and every page after it; the generation covers the fund's name.
  const etag = `W/"p${version}-g${generation}-${shortHash(url.pathname, url.search)}"`
  if (request.headers.get('If-None-Match')) {
    const early = cachedAnswer(request, etag, '')
    if (early.status === 304) return early
  }
  return cachedAnswer(request, etag, JSON.stringify(await fundLedger(db, fund, query, baseUrl())))
}
