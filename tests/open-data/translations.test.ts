import { beforeAll, describe, expect, it } from 'vitest'
import { loader as offersLoader } from '../../app/routes/api.v1.offers'
import { offerJsonLd } from '../../app/modules/open-data/json-ld'
import { getOffer } from '../../app/modules/catalog/catalog.server'
import { saveTranslation } from '../../app/modules/listings/translations.server'
import { useAsAppDb } from '../support/db'
import { smallMarket, type SmallMarket } from '../support/market'
import { call } from './support'

// The open-data API in the reader's language: ?lng= or Accept-Language chooses the titles; an
// offer without a translation keeps its original and says so.

let m: SmallMarket
beforeAll(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
  const weaver = { personId: m.weaver.id, organisationId: m.weavers.id }
  await saveTranslation(m.db, weaver, m.towel.id, { language: 'it', title: 'Strofinaccio di lino', description: 'Tessuto a mano.' })
})

const towelIn = async (qs: string, headers: Record<string, string> = {}) => {
  const r = await call(offersLoader, `/api/v1/offers${qs}`, {}, { headers })
  expect(r.status).toBe(200)
  return { response: r, towel: r.json.data.find((o: { slug: string }) => o.slug === 'towel') }
}

describe('GET /api/v1/offers in several languages', () => {
  it('gives the Italian title to an Italian reader, by header or by ?lng=', async () => {
    const byHeader = await towelIn('', { 'Accept-Language': 'it-IT,it;q=0.9,en;q=0.5' })
    expect(byHeader.towel).toMatchObject({ title: 'Strofinaccio di lino', inLanguage: 'it', untranslated: false })
    expect(byHeader.response.headers.get('Vary')).toContain('Accept-Language')
    expect((await towelIn('?lng=it')).towel).toMatchObject({ title: 'Strofinaccio di lino', inLanguage: 'it' })
  })

  it('keeps the original, flagged, for a language it has no text in, and English by default', async () => {
    expect((await towelIn('', { 'Accept-Language': 'de' })).towel).toMatchObject({ title: 'Linen tea towel', inLanguage: 'en', untranslated: true })
    expect((await towelIn('')).towel).toMatchObject({ title: 'Linen tea towel', inLanguage: 'en', untranslated: false })
  })

  it('keeps one cached body per language: the same URL answers each reader in theirs', async () => {
    const italian = await towelIn('?limit=5', { 'Accept-Language': 'it' })
    const english = await towelIn('?limit=5', { 'Accept-Language': 'en' })
    expect(italian.towel.title).toBe('Strofinaccio di lino')
    expect(english.towel.title).toBe('Linen tea towel')
    expect(italian.response.headers.get('ETag')).not.toBe(english.response.headers.get('ETag'))
  })

  it('describes the offer page in JSON-LD with the language shown', async () => {
    expect(offerJsonLd(await getOffer(m.db, 'towel', 'it'), 'https://example.org')).toMatchObject({ name: 'Strofinaccio di lino', inLanguage: 'it' })
    expect(offerJsonLd(await getOffer(m.db, 'towel', 'fr'), 'https://example.org')).toMatchObject({ name: 'Linen tea towel', inLanguage: 'en' })
  })
})
