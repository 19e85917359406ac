import { beforeEach, describe, expect, it } from 'vitest'
import { getOffer, listCatalog } from '../../app/modules/catalog/catalog.server'
import { listTranslations, removeTranslation, saveTranslation, setOriginalLanguage } from '../../app/modules/listings/translations.server'
import { appErrorOf } from '../support/errors'
import { smallMarket, type SmallMarket } from '../support/market'
import { seededDb } from '../support/db'

let m: SmallMarket
const now = '2026-12-03T10:00:00.000Z'
const italian = { language: 'it', title: 'Strofinaccio di lino', description: 'Tessuto a mano con lino coltivato in Brianza.' }

beforeEach(async () => {
  m = await smallMarket()
})
const weaver = () => ({ personId: m.weaver.id, organisationId: m.weavers.id })
const generation = async () => (await m.db.selectFrom('catalogStats').select('generation').executeTakeFirstOrThrow()).generation

describe("a listing's translations", () => {
  it('are saved, replaced, listed in the order of the languages and removed', async () => {
    await saveTranslation(m.db, weaver(), m.towel.id, { language: 'fr', title: 'Torchon en lin', description: '' }, now)
    expect(await saveTranslation(m.db, weaver(), m.towel.id, { ...italian, title: '  Strofinaccio  ' }, now)).toMatchObject({
      language: 'it',
      title: 'Strofinaccio',
    })
    await saveTranslation(m.db, weaver(), m.towel.id, italian, now)

    const texts = await listTranslations(m.db, weaver(), m.towel.id)
    expect(texts.original).toMatchObject({ language: 'en', title: 'Linen tea towel' })
    expect(texts.translations.map((t) => [t.language, t.title])).toEqual([
      ['it', 'Strofinaccio di lino'],
      ['fr', 'Torchon en lin'],
    ])
    expect(texts.missing).toEqual(['de', 'es'])

    await removeTranslation(m.db, weaver(), m.towel.id, 'fr')
    expect((await listTranslations(m.db, weaver(), m.towel.id)).translations.map((t) => t.language)).toEqual(['it'])
    expect((await appErrorOf(() => removeTranslation(m.db, weaver(), m.towel.id, 'fr'))).message).toBe('This listing has no translation into Français.')
  })

  it('refuses languages the marketplace does not speak, the original language and texts past the limits', async () => {
    const refusal = async (input: Record<string, string>) => {
      const error = await appErrorOf(() => saveTranslation(m.db, weaver(), m.towel.id, input, now))
      return { code: error.code, details: error.details }
    }
    expect(await refusal({ ...italian, language: 'pt' })).toEqual({
      code: 'invalid_input',
      details: { language: 'Choose a language this marketplace speaks.' },
    })
    expect(await refusal({ ...italian, language: 'en' })).toEqual({
      code: 'invalid_input',
      details: { language: 'This listing is written in English: choose another language to translate it into.' },
    })
    expect(await refusal({ ...italian, title: ' x ' })).toEqual({
      code: 'invalid_input',
      details: { title: 'Give the translated title at least 3 characters.' },
    })
    expect(await refusal({ ...italian, title: 'x'.repeat(201), description: 'y'.repeat(5001) })).toEqual({
      code: 'invalid_input',
      details: { title: 'Keep the translated title under 200 characters.', description: 'Keep the translated description under 5,000 characters.' },
    })
    expect(await m.db.selectFrom('offerTranslations').selectAll().execute()).toEqual([])
  })

  it('are written only by members of the producer', async () => {
    const outsider = { personId: m.designer.id, organisationId: m.weavers.id }
    expect((await appErrorOf(() => saveTranslation(m.db, outsider, m.towel.id, italian, now))).code).toBe('forbidden')
    const otherOrganisation = { personId: m.designer.id, organisationId: m.designers.id }
    expect((await appErrorOf(() => saveTranslation(m.db, otherOrganisation, m.towel.id, italian, now))).code).toBe('not_found')
  })

  it('keep the original language apart from the translations', async () => {
    await saveTranslation(m.db, weaver(), m.towel.id, italian, now)
    const clash = await appErrorOf(() => setOriginalLanguage(m.db, weaver(), m.towel.id, 'it', now))
    expect(clash).toMatchObject({
      code: 'conflict',
      message: 'This listing has a translation into Italiano: remove it first, or keep English as the original.',
    })
    expect((await appErrorOf(() => setOriginalLanguage(m.db, weaver(), m.towel.id, 'xx', now))).details).toEqual({
      language: 'Choose a language this marketplace speaks.',
    })

    await setOriginalLanguage(m.db, weaver(), m.towel.id, 'de', now)
    expect((await listTranslations(m.db, weaver(), m.towel.id)).original.language).toBe('de')
    expect((await appErrorOf(() => saveTranslation(m.db, weaver(), m.towel.id, { ...italian, language: 'de' }, now))).details).toEqual({
      language: 'This listing is written in Deutsch: choose another language to translate it into.',
    })
  })

  it('move the catalog generation, so cached pages are made again', async () => {
    let before = await generation()
    await saveTranslation(m.db, weaver(), m.towel.id, italian, now)
    expect(await generation()).toBeGreaterThan(before)
    before = await generation()
    await setOriginalLanguage(m.db, weaver(), m.blanket.id, 'it', now)
    expect(await generation()).toBeGreaterThan(before)
    before = await generation()
    await removeTranslation(m.db, weaver(), m.towel.id, 'it')
    expect(await generation()).toBeGreaterThan(before)
  })
})

describe('readers of a translated listing', () => {
  const card = async (language?: string, q?: string) => (await listCatalog(m.db, q ? { q } : {}, undefined, language)).offers.find((o) => o.slug === 'towel')

  it('find it by a word only its translation has, and no longer once it is removed', async () => {
    expect(await card(undefined, 'Brianza')).toBeUndefined()
    await saveTranslation(m.db, weaver(), m.towel.id, italian, now)
    // Accents folded and the last word as a prefix, as for the original's words.
    expect(await card(undefined, 'strofinaccio')).toBeDefined()
    expect(await card(undefined, 'brianz')).toBeDefined()
    expect(await card(undefined, 'linen')).toBeDefined()
    await saveTranslation(m.db, weaver(), m.towel.id, { ...italian, description: 'Tessuto a mano.' }, now)
    expect(await card(undefined, 'Brianza')).toBeUndefined()
    await removeTranslation(m.db, weaver(), m.towel.id, 'it')
    expect(await card(undefined, 'strofinaccio')).toBeUndefined()
    // The producer's name still finds it after the index was made again.
    await m.db.updateTable('organisations').set({ name: 'Tessitori Uniti' }).where('id', '=', m.weavers.id).execute()
    expect(await card(undefined, 'tessitori')).toBeDefined()
  })

  it('read it in their language when it has one, else in the original with a flag', async () => {
    await saveTranslation(m.db, weaver(), m.towel.id, italian, now)
    expect(await card('it')).toMatchObject({ title: 'Strofinaccio di lino', language: 'it', untranslated: false })
    expect(await card('de')).toMatchObject({ title: 'Linen tea towel', language: 'en', untranslated: true })
    expect(await card('en')).toMatchObject({ title: 'Linen tea towel', language: 'en', untranslated: false })
    // Without a language the catalog reads as it always did: English.
    expect(await card()).toMatchObject({ title: 'Linen tea towel', language: 'en', untranslated: false })

    expect(await getOffer(m.db, 'towel', 'it')).toMatchObject({
      title: 'Strofinaccio di lino',
      description: italian.description,
      language: 'it',
      untranslated: false,
    })
    expect(await getOffer(m.db, 'towel', 'es')).toMatchObject({ title: 'Linen tea towel', language: 'en', untranslated: true })
  })

  it('read an Italian original in Italian, and in English when translated', async () => {
    await setOriginalLanguage(m.db, weaver(), m.blanket.id, 'it', now)
    await saveTranslation(m.db, weaver(), m.blanket.id, { language: 'en', title: 'Wool blanket (English)', description: 'Woven in Biella.' }, now)
    const blanket = async (language: string) => (await listCatalog(m.db, {}, undefined, language)).offers.find((o) => o.slug === 'blanket')
    expect(await blanket('it')).toMatchObject({ title: 'Wool blanket', language: 'it', untranslated: false })
    expect(await blanket('en')).toMatchObject({ title: 'Wool blanket (English)', language: 'en', untranslated: false })
    expect(await blanket('fr')).toMatchObject({ title: 'Wool blanket', language: 'it', untranslated: true })
  })
})

describe('the demo marketplace', () => {
  it('has listings written in Italian and many translated, each into languages other than its own', async () => {
    const db = await seededDb()
    const offers = await db.selectFrom('offers').select(['id', 'language']).execute()
    const rows = await db.selectFrom('offerTranslations').select(['offerId', 'language']).execute()
    const translated = new Set(rows.map((r) => r.offerId))
    expect(translated.size / offers.length).toBeGreaterThan(0.35)
    expect(offers.filter((o) => o.language === 'it').length).toBeGreaterThanOrEqual(15)
    const original = new Map(offers.map((o) => [o.id, o.language]))
    expect(rows.filter((r) => r.language === original.get(r.offerId))).toEqual([])
    expect((await listCatalog(db, { q: 'strofinaccio' }, undefined, 'it')).offers.map((o) => o.title)).toContain('Strofinaccio in lino tessuto a mano')
    await db.destroy()
  })
})
