import type { ComponentType } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import type { Language } from '../../app/i18n/config'
import { ReaderLocaleContext } from '../../app/i18n/format'
import { i18nFor } from '../../app/i18n/translator.server'
import Catalog, { loader as catalogLoader } from '../../app/routes/_index'
import OfferPage, { loader as offerLoader } from '../../app/routes/offers.$slug'
import OrganisationPage, { loader as organisationLoader } from '../../app/routes/organisations.$slug'
import { atDemoTime, seededDb, useAsAppDb } from '../support/db'
import { loaderArgs, unwrap } from '../support/remix'

// The catalog, an offer and an organisation as the server renders them, in English (as it always
// read) and in Italian: the words, the counts, the money and the score's explanation.

let db: Database
beforeAll(async () => {
  db = await seededDb()
  useAsAppDb(db)
})
atDemoTime()

type Loader = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>

async function render(path: string, params: Record<string, string>, loader: Loader, Component: ComponentType, language: Language): Promise<string> {
  const data = unwrap(await loader(loaderArgs(path, params)))
  const handler = createStaticHandler([{ id: 'page', path: path.split('?')[0], loader: () => data as Record<string, unknown>, Component }])
  const context = await handler.query(new Request(new URL(path, 'http://localhost')))
  if (context instanceof Response) throw new Error('unexpected response')
  const router = createStaticRouter(handler.dataRoutes, context)
  const html = renderToString(
    <I18nextProvider i18n={i18nFor(language)}>
      <ReaderLocaleContext.Provider value={{ language, timeZone: 'Europe/Rome' }}>
        <StaticRouterProvider router={router} context={context} hydrate={false} />
      </ReaderLocaleContext.Provider>
    </I18nextProvider>,
  )
  return html.replace(/<!-- -->/g, '').replace(/&#x27;/g, "'")
}

const anOffer = async () =>
  (await db.selectFrom('offers').select('slug').where('status', '=', 'active').where('forProfitPrice', '>', 0).orderBy('id').executeTakeFirstOrThrow()).slug

describe('the catalog pages in the reader’s language', () => {
  it('the catalog: counts, filters and prices', async () => {
    const english = await render('/', {}, catalogLoader as Loader, Catalog, 'en')
    expect(english).toMatch(/1–24 of \d+ offers/)
    expect(english).toContain('· ranked by community weights')
    expect(english).toContain('Search offers and producers')
    expect(english).toContain('Commoners pay')
    expect(english).toMatch(/€\d+\.\d\d/)
    const italian = await render('/', {}, catalogLoader as Loader, Catalog, 'it')
    expect(italian).toMatch(/1–24 di \d+ offerte/)
    expect(italian).toContain('Cerca offerte e produttori')
    expect(italian).toContain('Cooperativa di lavoro')
    expect(italian).toContain('I commoner pagano')
    expect(italian).toMatch(/\d+,\d\d\u00a0€/)
    expect(italian).toContain('Successiva →')
    expect(italian).not.toContain('Commoners pay')
  })

  it('a search with one result says "1 offer"', async () => {
    const { catalog } = unwrap(await catalogLoader(loaderArgs('/'))) as { catalog: { offers: { title: string }[] } }
    const title = catalog.offers[0]!.title
    const path = `/?q=${encodeURIComponent(`"${title}"`)}`
    expect(await render(path, {}, catalogLoader as Loader, Catalog, 'en')).toContain('1–1 of 1 offer<')
    expect(await render(path, {}, catalogLoader as Loader, Catalog, 'it')).toContain('1–1 di 1 offerta<')
  })

  it('an offer: facts, the score explained and the evidence', async () => {
    const slug = await anOffer()
    const english = await render(`/offers/${slug}`, { slug }, offerLoader as Loader, OfferPage, 'en')
    expect(english).toContain('What each buyer pays')
    expect(english).toContain('Ethical-preference score')
    expect(english).toMatch(/of 100 with the community weights \(rules version \d+\)/)
    expect(english).toContain('to see which price applies to you and to buy.')
    const german = await render(`/offers/${slug}`, { slug }, offerLoader as Loader, OfferPage, 'de')
    expect(german).toContain('Was jeder Käufer zahlt')
    expect(german).toContain('Ethische Bewertung')
    expect(german).toContain('Melden Sie sich an</a>, um zu sehen')
    expect(german).toContain('Nachweisstufen zählen selbst erklärt ×0,25')
    expect(german).not.toContain('What each buyer pays')
  })

  it('an organisation: governance, evidence and its offers', async () => {
    const { slug } = await db.selectFrom('organisations').select('slug').orderBy('id').executeTakeFirstOrThrow()
    const english = await render(`/organisations/${slug}`, { slug }, organisationLoader as Loader, OrganisationPage, 'en')
    expect(english).toContain('Governance')
    expect(english).toContain('One member, one vote')
    expect(english).toMatch(/Offers \(\d+\)/)
    const french = await render(`/organisations/${slug}`, { slug }, organisationLoader as Loader, OrganisationPage, 'fr')
    expect(french).toContain('Gouvernance')
    expect(french).toContain('Une personne, une voix')
    expect(french).toContain('Déclarations et preuves')
  })
})
