import { beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import { listCatalog } from '../../app/modules/catalog/catalog.server'
import { CatalogQuery, type RankingView } from '../../app/modules/catalog/query'
import { presets } from '../../app/modules/scoring/rules'
import { listOffers } from '../../app/modules/open-data/offers.server'
import { OffersQuery } from '../../app/modules/open-data/schema'
import { refreshScores } from '../../app/modules/scoring/scores.server'
import { createOffer, createOrganisation } from '../support/fixtures'
import { smallMarket } from '../support/market'

// README, "Search": the last word matches as a prefix; quotes, `*`, NEAR, `-` and other
// search syntax are read as plain words. Each case below runs on a small catalog whose titles
// are chosen so that reading the syntax as FTS5 operators would give a different answer (or an
// error), and names the offers that must come back. The catalog, a re-ranked view of it and
// the open-data API share the search, so each case is asked of all three.

let db: Database

beforeAll(async () => {
  const m = await smallMarket() // Linen tea towel, Wool blanket, Open beehive design
  db = m.db
  const kitchen = await createOrganisation(db, { name: 'Cucina Collettiva', slug: 'cucina' })
  const refs = { categoryId: m.towel.categoryId, commonsFundId: m.fund.id }
  const offers: [number, string, string][] = [
    [kitchen.id, 'Bread baked near Bologna', 'Sourdough from the hills.'],
    [kitchen.id, 'Bologna bread rolls', 'Soft rolls, baked each morning.'],
    [kitchen.id, 'Organic pasta', 'Durum wheat, bronze-drawn.'],
    [kitchen.id, 'Fresh pasta', 'Egg tagliatelle.'],
    [m.weavers.id, 'Warm wool socks', 'Soft and not itchy.'],
    [m.weavers.id, 'Drop-leaf table', 'Solid oak; offers welcome.'],
  ]
  for (const [organisationId, title, description] of offers) await createOffer(db, { ...refs, organisationId, title, description })
  await refreshScores(db, 'all')
})

const community: RankingView = { name: 'community', weights: null }
const reranked: RankingView = { name: 'commons_first', weights: presets.commons_first.weights }

async function titlesFor(q: string) {
  const [catalog, view, api] = await Promise.all([
    listCatalog(db, CatalogQuery.parse({ q }), community),
    listCatalog(db, CatalogQuery.parse({ q }), reranked),
    listOffers(db, OffersQuery.parse({ q }), 'http://localhost'),
  ])
  const sorted = (titles: string[]) => [...titles].sort()
  // The three must agree before the answer counts.
  expect(sorted(view.offers.map((o) => o.title))).toEqual(sorted(catalog.offers.map((o) => o.title)))
  expect(sorted(api.data.map((o) => o.title))).toEqual(sorted(catalog.offers.map((o) => o.title)))
  expect(catalog.total).toBe(catalog.offers.length)
  return sorted(catalog.offers.map((o) => o.title))
}

describe('search reads what people type as plain words', () => {
  it.each([
    // quotes: not a phrase ("tea" stands between the words)
    ['"linen towel"', ['Linen tea towel']],
    ['"linen', ['Linen tea towel']],
    // a star on its own or after a word is not an operator
    ['*towel', ['Linen tea towel']],
    ['linen * towel', ['Linen tea towel']],
    ['towel*', ['Linen tea towel']],
    // NEAR(...) is the word "near": only the bread baked *near* Bologna, not the rolls
    ['NEAR(bread bologna)', ['Bread baked near Bologna']],
    // a minus is no NOT: "-fresh" asks for fresh pasta, and "-wool" for wool
    ['pasta -fresh', ['Fresh pasta']],
    ['-wool', ['Warm wool socks', 'Wool blanket']],
    // OR, AND and NOT are words too; a trailing "OR" is a prefix like any last word
    ['pasta OR', ['Organic pasta']],
    ['wool AND NOT itchy', ['Warm wool socks']],
    // no initial-token caret (towel is not the first word), no column filter, no grouping
    ['^towel', ['Linen tea towel']],
    ['tea:linen', ['Linen tea towel']],
    ['(bread)', ['Bologna bread rolls', 'Bread baked near Bologna']],
    // what looks like SQL is words as well
    ["'; drop table offers; --", ['Drop-leaf table']],
  ])('%s finds %j', async (q, expected) => {
    expect(expected.length).toBeGreaterThan(0)
    expect(await titlesFor(q)).toEqual([...expected].sort())
  })

  it('matches the last word as a prefix, and only the last', async () => {
    expect(await titlesFor('linen tow')).toEqual(['Linen tea towel'])
    expect(await titlesFor('bolo')).toEqual(['Bologna bread rolls', 'Bread baked near Bologna'])
    expect(await titlesFor('tow linen')).toEqual([])
  })

  it('searches descriptions and producer names too', async () => {
    expect(await titlesFor('sourdough')).toEqual(['Bread baked near Bologna'])
    expect(await titlesFor('cucina collettiva')).toEqual(['Bologna bread rolls', 'Bread baked near Bologna', 'Fresh pasta', 'Organic pasta'])
  })
})
