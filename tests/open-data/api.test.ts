import { beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { parse as parseCsv } from 'csv-parse/sync'
import type { Database } from '../../db/connection'
import { legalForms } from '../../db/schema'
import { loader as indexLoader, action as indexAction } from '../../app/routes/api.v1._index'
import { loader as offersLoader, action as offersAction } from '../../app/routes/api.v1.offers'
import { loader as csvLoader } from '../../app/routes/api.v1.offers[.]csv'
import { loader as orgsLoader } from '../../app/routes/api.v1.organisations._index'
import { loader as orgLoader } from '../../app/routes/api.v1.organisations.$slug'
import { loader as ledgerLoader, action as ledgerAction } from '../../app/routes/api.v1.funds.$id.ledger'
import { loader as unknownLoader } from '../../app/routes/api.v1.$'
import { loader as catalogLoader } from '../../app/routes/_index'
import { describedParameters, parameterNames } from '../../app/modules/open-data/schema'
import { atDemoTime, seededDb, useAsAppDb } from '../support/db'
import { nonEmpty } from '../support/lists'
import { unwrap } from '../support/remix'
import { call } from './support'

let db: Database
beforeAll(async () => {
  db = await seededDb()
  useAsAppDb(db)
})
atDemoTime()

const offers = (qs = '', init?: RequestInit) => call(offersLoader, `/api/v1/offers${qs}`, {}, init)

/** Follows next_cursor from `first` to the end, returning every item. */
async function walk(path: string, loader: typeof offersLoader, params: Record<string, string> = {}) {
  const items: any[] = []
  let url = path
  for (let i = 0; i < 500; i++) {
    const r = await call(loader, url, params)
    expect(r.status).toBe(200)
    items.push(...r.json.data)
    if (!r.json.next_cursor) return items
    const u = new URL(url, 'http://localhost')
    u.searchParams.set('cursor', r.json.next_cursor)
    url = `${u.pathname}${u.search}`
  }
  throw new Error('the walk did not end')
}

async function listedIds(where = sql`1 = 1`) {
  const rows = await sql<{ id: number }>`select offer_id as id from offer_scores s where s.listed = 1 and ${where} order by s.score desc, s.offer_id`.execute(
    db,
  )
  return rows.rows.map((r) => r.id)
}

describe('GET /api/v1/offers', () => {
  it('answers JSON with the first 24 ranked offers, their prices in minor units and a cursor', async () => {
    const r = await offers()
    expect(r.status).toBe(200)
    expect(r.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(r.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(r.headers.get('Cache-Control')).toBe('public, max-age=60')
    expect(r.headers.get('ETag')).toMatch(/^W\/"g\d+-[\w-]+"$/)
    expect(r.json.data).toHaveLength(24)
    expect(r.json.next_cursor).toEqual(expect.any(String))
    expect(r.json.count_estimate).toBe((await listedIds()).length)
    expect(r.json.data.map((o: any) => o.id)).toEqual((await listedIds()).slice(0, 24))
    const item = r.json.data[0]
    expect(Object.keys(item).sort()).toEqual(
      [
        'accessFee',
        'category',
        'confidence',
        'id',
        'inLanguage',
        'kind',
        'licence',
        'prices',
        'producer',
        'rulesVersion',
        'score',
        'slug',
        'stock',
        'title',
        'unit',
        'untranslated',
        'updatedAt',
        'url',
      ].sort(),
    )
    expect(item.url).toBe(`http://localhost:3000/offers/${item.slug}`)
    expect(Object.keys(item.producer).sort()).toEqual(['country', 'legalForm', 'name', 'slug', 'url'])
  })

  it('gives the prices, access fee and its split exactly as stored', async () => {
    for (const item of nonEmpty((await offers('?limit=100')).json.data as any[])) {
      const row = await db.selectFrom('offers').selectAll().where('id', '=', item.id).executeTakeFirstOrThrow()
      expect(item.prices.commoner).toMatchObject({ amount: row.commonerPrice, currency: row.currency })
      expect(item.prices.for_profit).toMatchObject({ amount: row.forProfitPrice, currency: row.currency })
      expect(Number.isInteger(item.prices.commoner.amount)).toBe(true)
      expect(item.accessFee.amount).toBe(row.forProfitPrice - row.commonerPrice)
      expect(item.accessFee.split.reduce((sum: number, s: any) => sum + s.amount, 0)).toBe(item.accessFee.amount)
      expect(item.accessFee.split.map((s: any) => s.basisPoints)).toEqual([row.accessFeeProducerBp, row.accessFeeCommonsFundBp, row.accessFeeInfrastructureBp])
      expect(item.prices.for_profit.decimal).toMatch(/^\d+(\.\d+)?$/)
    }
    const commons = (await offers('?kind=commons&limit=5')).json.data[0]
    expect(commons.prices.commoner).toEqual({ amount: 0, currency: commons.prices.commoner.currency, decimal: '0.00' })
  })

  it('walks the whole catalog by cursor without repeats or gaps, in ranking order', async () => {
    const seen = await walk('/api/v1/offers?limit=37', offersLoader)
    expect(nonEmpty(seen).map((o) => o.id)).toEqual(await listedIds())
  })

  it.each([
    ['?kind=commons', sql`s.kind = 'commons'`],
    ['?country=it', sql`s.country_code = 'IT'`],
    ['?legalForm=worker_coop&minScore=40', sql`s.legal_form = 'worker_coop' and s.score >= 40`],
  ])('walks the filtered set %s exactly', async (qs, where) => {
    const seen = await walk(`/api/v1/offers${qs}&limit=10`, offersLoader)
    expect(nonEmpty(seen, qs).map((o) => o.id)).toEqual(await listedIds(where))
  })

  it('filters and searches exactly as the catalog page does', async () => {
    const { slug: category } = await db.selectFrom('categories').select('slug').orderBy('id').executeTakeFirstOrThrow()
    const { code: licence } = await db.selectFrom('offers').select('licenceCode as code').where('licenceCode', 'is not', null).executeTakeFirstOrThrow()
    for (const qs of ['q=organic', 'q=coffee&kind=good', `category=${category}`, `licence=${licence}`, 'minScore=50&country=IT']) {
      const page = unwrap(await catalogLoader({ request: new Request(`http://localhost/?${qs}`), params: {}, context: {} })).catalog
      const api = await offers(`?${qs}&limit=24`)
      expect(
        api.json.data.map((o: any) => o.slug),
        qs,
      ).toEqual(nonEmpty(page.offers, qs).map((o) => o.slug))
      expect(api.json.count_estimate, qs).toBe(page.total)
    }
  })

  it('answers a search with no words in it with an empty page', async () => {
    const r = await offers('?q=%22%22%2A')
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ data: [], next_cursor: null, count_estimate: 0 })
  })

  it('answers 304 to a matching If-None-Match, and a new ETag once the catalog changes', async () => {
    const first = await offers('?limit=3')
    const etag = first.headers.get('ETag')!
    const again = await offers('?limit=3', { headers: { 'If-None-Match': etag } })
    expect(again.status).toBe(304)
    expect(again.text).toBe('')
    expect(again.headers.get('ETag')).toBe(etag)
    expect(again.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect((await offers('?limit=4', { headers: { 'If-None-Match': etag } })).status).toBe(200)
    await sql`update catalog_stats set generation = generation + 1 where id = 1`.execute(db)
    const changed = await offers('?limit=3', { headers: { 'If-None-Match': etag } })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('ETag')).not.toBe(etag)
  })
})

describe('bad input is a 400 that names the parameter', () => {
  const cases: [string, string][] = [
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?limit=abc', 'limit'],
    ['?limit=1.5', 'limit'],
    ['?kind=service', 'kind'],
    ['?legalForm=pirate_ship', 'legalForm'],
    ['?minScore=101', 'minScore'],
    ['?country=ITA', 'country'],
    ['?category=no-such-category', 'category'],
    ['?licence=no-such-licence', 'licence'],
    ['?colour=red', 'colour'],
    ['?page=2', 'page'],
    ['?kind=good&kind=commons', 'kind'],
    ['?cursor=not-a-cursor', 'cursor'],
    ['?cursor=%24%24%24', 'cursor'],
  ]
  it.each(cases)('%s', async (qs, parameter) => {
    const r = await offers(qs)
    expect(r.status).toBe(400)
    expect(r.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(r.json.error).toMatchObject({ code: 'invalid_parameter', parameter, message: expect.any(String) })
  })

  it('refuses a cursor used with other filters, or edited', async () => {
    const { next_cursor } = (await offers('?kind=good&limit=2')).json
    const other = await offers(`?kind=commons&cursor=${next_cursor}`)
    expect(other.status).toBe(400)
    expect(other.json.error).toMatchObject({ parameter: 'cursor', message: expect.stringMatching(/other filters/) })
    expect((await offers(`?kind=good&limit=5&cursor=${next_cursor}`)).status).toBe(200)
    const decoded = JSON.parse(Buffer.from(next_cursor, 'base64url').toString())
    decoded.p[1] += 1
    const tampered = Buffer.from(JSON.stringify(decoded)).toString('base64url')
    expect((await offers(`?kind=good&cursor=${tampered}`)).json.error.parameter).toBe('cursor')
    expect((await offers(`?kind=good&cursor=${next_cursor.slice(0, -4)}`)).json.error.parameter).toBe('cursor')
    const orgCursor = (await call(orgsLoader, '/api/v1/organisations?limit=1')).json.next_cursor
    expect((await offers(`?cursor=${orgCursor}`)).json.error.parameter).toBe('cursor')
  })

  it('applies the same rules to organisations, the ledger and the CSV export', async () => {
    expect((await call(orgsLoader, '/api/v1/organisations?legalForm=x')).json.error.parameter).toBe('legalForm')
    expect((await call(orgsLoader, '/api/v1/organisations?q=x')).json.error.parameter).toBe('q')
    expect((await call(orgsLoader, '/api/v1/organisations?limit=101')).status).toBe(400)
    expect((await call(ledgerLoader, '/api/v1/funds/1/ledger?limit=0', { id: '1' })).json.error.parameter).toBe('limit')
    expect((await call(ledgerLoader, '/api/v1/funds/1/ledger?cursor=abc', { id: '1' })).json.error.parameter).toBe('cursor')
    expect((await call(csvLoader, '/api/v1/offers.csv?limit=5')).json.error.parameter).toBe('limit')
    expect((await call(csvLoader, '/api/v1/offers.csv?kind=x')).json.error.parameter).toBe('kind')
    expect((await call(orgLoader, '/api/v1/organisations/x?y=1', { slug: 'x' })).json.error.parameter).toBe('y')
  })
})

describe('404 and 405 are JSON too', () => {
  it('answers an unknown organisation, fund or path with a JSON 404', async () => {
    for (const r of [
      await call(orgLoader, '/api/v1/organisations/no-such-org', { slug: 'no-such-org' }),
      await call(orgLoader, '/api/v1/organisations/BAD%20SLUG', { slug: 'BAD SLUG' }),
      await call(ledgerLoader, '/api/v1/funds/999999/ledger', { id: '999999' }),
      await call(ledgerLoader, '/api/v1/funds/no-such-fund/ledger', { id: 'no-such-fund' }),
      await call(ledgerLoader, '/api/v1/funds/%3Cx%3E/ledger', { id: '<x>' }),
      await call(unknownLoader, '/api/v1/nothing/here', { '*': 'nothing/here' }),
    ]) {
      expect(r.status).toBe(404)
      expect(r.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
      expect(r.json.error.code).toBe('not_found')
    }
  })

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('answers %s with a JSON 405', async (method) => {
    for (const action of [offersAction, indexAction, ledgerAction]) {
      const r = await call(action, '/api/v1/offers', { id: '1' }, { method })
      expect(r.status).toBe(405)
      expect(r.json.error.code).toBe('method_not_allowed')
    }
  })

  it('answers a CORS preflight', async () => {
    const r = await call(offersAction, '/api/v1/offers', {}, { method: 'OPTIONS' })
    expect(r.status).toBe(204)
    expect(r.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(r.headers.get('Access-Control-Allow-Methods')).toMatch(/GET/)
  })
})

describe('GET /api/v1/organisations', () => {
  it('walks every organisation once, filters by legal form and country, and has an ETag', async () => {
    const all = await walk('/api/v1/organisations?limit=7', orgsLoader)
    const count = await db
      .selectFrom('organisations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(all).toHaveLength(count.n)
    expect(new Set(all.map((o) => o.slug)).size).toBe(count.n)
    const coops = await walk('/api/v1/organisations?legalForm=worker_coop&country=it&limit=2', orgsLoader)
    expect(nonEmpty(coops, 'worker co-ops in IT').every((o) => o.legalForm === 'worker_coop' && o.address.country === 'IT')).toBe(true)
    expect(coops).toHaveLength(all.filter((o) => o.legalForm === 'worker_coop' && o.address.country === 'IT').length)
    const first = await call(orgsLoader, '/api/v1/organisations')
    expect(first.json.data[0]).toMatchObject({
      slug: expect.any(String),
      url: expect.stringContaining('/organisations/'),
      legalForm: expect.any(String),
      address: { locality: expect.any(String), country: expect.stringMatching(/^[A-Z]{2}$/) },
    })
    expect((await call(orgsLoader, '/api/v1/organisations', {}, { headers: { 'If-None-Match': first.headers.get('ETag')! } })).status).toBe(304)
  })

  it('gives one organisation with its governance, evidence and offers', async () => {
    const { slug } = await db.selectFrom('organisations').select('slug').orderBy('id').executeTakeFirstOrThrow()
    const r = await call(orgLoader, `/api/v1/organisations/${slug}`, { slug })
    expect(r.status).toBe(200)
    expect(r.json.data).toMatchObject({ slug, governance: expect.any(Object), evidence: expect.any(Array), offers: expect.any(Array) })
  })
})

describe('GET /api/v1/funds/:id/ledger', () => {
  it('lists the fund postings with signed amounts, walks them by cursor and gives the balance', async () => {
    const fund = await db
      .selectFrom('commonsFunds as f')
      .innerJoin('ledgerAccounts as a', (j) => j.onRef('a.commonsFundId', '=', 'f.id').on('a.kind', '=', 'commons_fund'))
      .innerJoin('postings as p', 'p.accountId', 'a.id')
      .select(['f.id', 'f.slug', 'a.id as accountId'])
      .groupBy(['f.id', 'f.slug', 'a.id'])
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('a.id')
      .executeTakeFirstOrThrow()
    const postings = await db
      .selectFrom('postings')
      .select(['id', 'entryId', 'amount'])
      .where('accountId', '=', fund.accountId)
      .orderBy('entryId')
      .orderBy('id')
      .execute()
    expect(postings.length).toBeGreaterThan(1)
    const first = await call(ledgerLoader, `/api/v1/funds/${fund.id}/ledger?limit=1`, { id: String(fund.id) })
    expect(first.status).toBe(200)
    expect(first.json.fund).toMatchObject({ id: fund.id, slug: fund.slug })
    const balance = -postings.reduce((s, p) => s + p.amount, 0)
    expect(first.json.balance).toMatchObject({ amount: balance })
    const all = await walk(`/api/v1/funds/${fund.slug}/ledger?limit=1`, ledgerLoader, { id: fund.slug })
    expect(all.map((p) => p.postingId)).toEqual(postings.map((p) => p.id))
    for (const [i, p] of all.entries()) {
      expect(p.amount).toBe(-postings[i]!.amount)
      expect(p.direction).toBe(p.amount >= 0 ? 'inflow' : 'outflow')
      expect(p).toMatchObject({ entryId: postings[i]!.entryId, at: expect.any(String), currency: expect.any(String), memo: expect.any(String) })
    }
    expect(all.some((p) => p.orderReference?.startsWith('SM-') && ['commoner', 'for_profit'].includes(p.buyerClass))).toBe(true)
    const etag = first.headers.get('ETag')!
    expect(etag).toMatch(/^W\/"p\d+\.\d+-g\d+-/)
    expect((await call(ledgerLoader, `/api/v1/funds/${fund.id}/ledger?limit=1`, { id: String(fund.id) }, { headers: { 'If-None-Match': etag } })).status).toBe(
      304,
    )
  })
})

describe('GET /api/v1/offers.csv', () => {
  it('has a header row, one row per matching offer in ranking order, and escapes quotes, commas and formulas', async () => {
    const target = await db
      .selectFrom('offers as o')
      .innerJoin('offerScores as s', 's.offerId', 'o.id')
      .select(['o.id'])
      .where('s.listed', '=', 1)
      .where('o.kind', '=', 'good')
      .orderBy('o.id')
      .executeTakeFirstOrThrow()
    await db.updateTable('offers').set({ title: '=HYPERLINK("x"), "quoted", comma' }).where('id', '=', target.id).execute()
    const r = await call(csvLoader, '/api/v1/offers.csv?kind=good')
    expect(r.status).toBe(200)
    expect(r.headers.get('Content-Type')).toBe('text/csv; charset=utf-8')
    expect(r.headers.get('X-Export-Truncated')).toBeNull()
    expect(r.text.split('\r\n')[0]).toBe(
      'id,slug,url,title,kind,category,licence,producer_slug,producer_name,producer_legal_form,producer_country,currency,commoner_price,commoner_price_minor,for_profit_price,for_profit_price_minor,access_fee_minor,producer_share_bp,commons_fund_share_bp,infrastructure_share_bp,commons_fund,score,confidence,rules_version,stock,updated_at',
    )
    const rows = parseCsv(r.text, { columns: true }) as Record<string, string>[]
    expect(nonEmpty(rows, 'CSV rows').map((row) => Number(row.id))).toEqual(await listedIds(sql`s.kind = 'good'`))
    const row = rows.find((x) => Number(x.id) === target.id)!
    expect(row.title).toBe(`'=HYPERLINK("x"), "quoted", comma`)
    const stored = await db.selectFrom('offers').selectAll().where('id', '=', target.id).executeTakeFirstOrThrow()
    expect(Number(row.for_profit_price_minor)).toBe(stored.forProfitPrice)
    expect(r.text).toContain('"\'=HYPERLINK(""x""), ""quoted"", comma"')
  })
})

describe('GET /api/v1', () => {
  it('describes every endpoint and every parameter the schemas accept', async () => {
    const r = await call(indexLoader, '/api/v1')
    expect(r.status).toBe(200)
    expect(r.json.version).toBe('v1')
    const paths = r.json.endpoints.map((e: any) => e.path.replace('http://localhost:3000', ''))
    expect(paths).toEqual([
      '/api/v1/offers',
      '/api/v1/offers.csv',
      '/api/v1/organisations',
      '/api/v1/organisations/{slug}',
      '/api/v1/funds/{id or slug}/ledger',
    ])
    for (const names of Object.values(parameterNames)) for (const n of names) expect(describedParameters).toContain(n)
    expect(r.json.endpoints[0].parameters.legalForm).toContain(legalForms[0])
    const sample = (await offers('?limit=1')).json.data[0]
    expect(Object.keys(r.json.endpoints[0].item).sort()).toEqual(Object.keys(sample).sort())
  })
})
