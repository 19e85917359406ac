import { beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import { loader as catalogLoader } from '../../app/routes/_index'
import { atDemoTime, seededDb, useAsAppDb } from '../support/db'
import { nonEmpty } from '../support/lists'
import { initHeaders, thrownStatus, unwrap } from '../support/remix'

let db: Database
beforeAll(async () => {
  db = await seededDb()
  useAsAppDb(db)
})
atDemoTime()

async function visit(url: string, cookie?: string) {
  const request = new Request(new URL(url, 'http://localhost'), cookie ? { headers: { Cookie: cookie } } : undefined)
  const result = await catalogLoader({ request, params: {}, context: {} })
  return { ...unwrap(result), headers: initHeaders(result) }
}
const slugs = (page: { catalog: { offers: { slug: string }[] } }) => page.catalog.offers.map((o) => o.slug)

describe('ranking', () => {
  it('ranks by the community score, highest first, ties by listing order', async () => {
    const { catalog } = await visit('/')
    const scores = catalog.offers.map((o) => o.score)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))
    expect(catalog.view.name).toBe('community')
    expect(nonEmpty(catalog.offers).every((o) => o.viewScore === null)).toBe(true)
  })

  it('is stable: the same query twice gives the same order', async () => {
    expect(slugs(await visit('/?page=3'))).toEqual(slugs(await visit('/?page=3')))
  })

  it('re-ranks with a preset, keeps the public score on every card, and remembers the view', async () => {
    const community = await visit('/')
    const commons = await visit('/?view=commons_first')
    expect(commons.catalog.view.name).toBe('commons_first')
    expect(slugs(commons)).not.toEqual(slugs(community))
    const viewScores = commons.catalog.offers.map((o) => o.viewScore!)
    expect(viewScores).toEqual([...viewScores].sort((a, b) => b - a))
    // Public badges still show the community score.
    const first = commons.catalog.offers[0]!
    const stored = await db
      .selectFrom('offerScores as s')
      .innerJoin('offers as o', 'o.id', 's.offerId')
      .select('s.score')
      .where('o.slug', '=', first.slug)
      .executeTakeFirstOrThrow()
    expect(first.score).toBe(stored.score)

    const cookie = commons.headers.get('Set-Cookie')!
    expect(cookie).toMatch(/^catalog_view=/)
    const again = await visit('/', cookie.split(';')[0])
    expect(again.catalog.view.name).toBe('commons_first')
    expect(slugs(again)).toEqual(slugs(commons))
  })

  it('ranks by custom weights from the form fields', async () => {
    const onlyEnvironment = await visit(
      '/?view=custom&w_ownership=0&w_surplus=0&w_openKnowledge=0&w_fairWork=0&w_transparency=0&w_environment=100&w_cooperation=0',
    )
    expect(onlyEnvironment.catalog.view).toMatchObject({ name: 'custom', weights: { environment: 100, ownership: 0 } })
    const first = onlyEnvironment.catalog.offers[0]!
    const top = await db
      .selectFrom('offerScores')
      .select((eb) => eb.fn.max('earnedEnvironment').as('best'))
      .where('listed', '=', 1)
      .executeTakeFirstOrThrow()
    expect(first.viewScore).toBe(Math.round(Number(top.best) * 1000) / 10)
  })

  it.each([
    ['/?view=custom&weights=25,20,15', /weights must be seven whole numbers/],
    ['/?view=custom&weights=25,20,15,15,10,10,500', /each weight must be a whole number from 0 to 100/],
    ['/?view=custom&weights=0,0,0,0,0,0,0', /at least one weight/],
    ['/?view=custom&w_ownership=-5', /weights must be seven whole numbers/],
    ['/?view=loudest', /view must be one of/],
  ])('rejects %s with a 400', async (url, message) => {
    const { status, message: text } = await thrownStatus(() => visit(url))
    expect(status).toBe(400)
    expect(String(text)).toMatch(message)
  })

  it('forgets a tampered view cookie instead of failing', async () => {
    const { catalog } = await visit('/', 'catalog_view=not-base64-json')
    expect(catalog.view.name).toBe('community')
  })
})

describe('search and filters', () => {
  it('finds offers by title, description and producer name, ranked by score', async () => {
    const { catalog } = await visit('/?q=pasta')
    expect(catalog.total).toBeGreaterThan(0)
    expect(catalog.offers.length).toBe(Math.min(24, catalog.total))
    const scores = catalog.offers.map((o) => o.score)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))
    const producer = await db.selectFrom('organisations').select('name').where('name', 'like', '%Pastificio%').executeTakeFirstOrThrow()
    const byProducer = await visit(`/?q=${encodeURIComponent(producer.name)}`)
    expect(nonEmpty(byProducer.catalog.offers).every((o) => o.producer.name === producer.name)).toBe(true)
  })

  it('matches a word prefix and ignores accents', async () => {
    const prefix = await visit('/?q=past')
    expect(prefix.catalog.total).toBeGreaterThanOrEqual((await visit('/?q=pasta')).catalog.total)
  })

  // Through the route, on the demo data: never a 500. Which offers each kind of syntax finds is
  // pinned on a catalog built for it, in tests/catalog/search-syntax.test.ts.
  it.each(['"', '"unbalanced', '*', 'NEAR(a b)', '-pasta', 'pasta OR', 'a AND NOT b', '^title:x', '((((', "'; drop table offers; --"])(
    'treats FTS syntax in %s as plain words, never a 500',
    async (q) => {
      const { catalog } = await visit(`/?q=${encodeURIComponent(q)}`)
      expect(Array.isArray(catalog.offers)).toBe(true)
      expect(catalog.total).toBeGreaterThanOrEqual(0)
    },
  )

  it('says so when a search has no words at all', async () => {
    const { catalog } = await visit(`/?q=${encodeURIComponent('"*-()')}`)
    expect(catalog.offers).toEqual([])
    expect(catalog.notice).toMatch(/no letters or digits/)
  })

  it('filters by kind, category, legal form, licence, minimum score and country together with search', async () => {
    const commons = await visit('/?kind=commons')
    expect(nonEmpty(commons.catalog.offers, 'kind=commons').every((o) => o.kind === 'commons')).toBe(true)
    const category = await visit('/?category=software')
    expect(category.catalog.total).toBeGreaterThan(0)
    expect(nonEmpty(category.catalog.offers, 'category=software').every((o) => o.category.slug === 'software')).toBe(true)
    const coops = await visit('/?legalForm=worker_coop&minScore=40')
    expect(nonEmpty(coops.catalog.offers, 'legalForm=worker_coop&minScore=40').every((o) => o.producer.legalForm === 'worker_coop' && o.score >= 40)).toBe(true)
    const licence = await visit('/?licence=gpl-3.0')
    expect(nonEmpty(licence.catalog.offers, 'licence=gpl-3.0').every((o) => o.licence?.code === 'gpl-3.0')).toBe(true)
    const country = await visit('/?country=it&q=pasta')
    expect(country.catalog.total).toBeGreaterThan(0)
    expect(nonEmpty(country.catalog.offers, 'country=it&q=pasta').every((o) => o.producer.countryCode === 'IT')).toBe(true)
    const none = await visit('/?kind=good&licence=gpl-3.0&minScore=100')
    expect(none.catalog).toMatchObject({ offers: [], total: 0, pageCount: 1 })
  })

  it.each([
    ['/?kind=service', /kind must be "good" or "commons"/],
    ['/?category=no-such-category', /no category "no-such-category"/],
    ['/?licence=wtfpl', /no licence "wtfpl"/],
    ['/?legalForm=megacorp', /legalForm is not a legal form/],
    ['/?minScore=101', /minScore must be at most 100/],
    ['/?minScore=high', /minScore must be a whole number/],
    ['/?country=Italy', /two-letter country code/],
    ['/?page=10001', /page must be at most 10000/],
    [`/?q=${'x'.repeat(201)}`, /200 characters or fewer/],
  ])('answers %s with a 400 and a message', async (url, message) => {
    const { status, message: text } = await thrownStatus(() => visit(url))
    expect(status).toBe(400)
    expect(String(text)).toMatch(message)
  })

  it('paginates a filtered result and keeps every filter in the page links', async () => {
    const first = await visit('/?kind=good')
    expect(first.catalog.pageCount).toBeGreaterThan(1)
    const second = await visit('/?kind=good&page=2')
    expect(nonEmpty(second.catalog.offers, 'kind=good&page=2').every((o) => o.kind === 'good')).toBe(true)
    expect(new Set([...slugs(first), ...slugs(second)]).size).toBe(first.catalog.offers.length + second.catalog.offers.length)
  })
})
