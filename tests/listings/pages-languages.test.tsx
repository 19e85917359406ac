import type { ComponentType } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Language } from '../../app/i18n/config'
import { ReaderLocaleContext } from '../../app/i18n/format'
import { i18nFor } from '../../app/i18n/translator.server'
import EditListing, { loader as editLoader } from '../../app/routes/organisations.$slug_.listings.$offerId'
import ListingsPage, { loader as listLoader } from '../../app/routes/organisations.$slug_.listings._index'
import ImportListings, { loader as importLoader } from '../../app/routes/organisations.$slug_.listings.import'
import NewListing, { loader as newLoader } from '../../app/routes/organisations.$slug_.listings.new'
import { setCommonsResourceLink } from '../../app/modules/listings/resources.server'
import { useAccountsTestEnv } from '../support/accounts'
import { sessionCookieFor } from '../support/auth'
import { useAsAppDb } from '../support/db'
import { unwrap } from '../support/remix'
import { smallMarket, type SmallMarket } from '../support/market'

// The listing pages as the server renders them, in the reader's language: the words, the
// amounts and the counts. English stays as it was (the other listing tests read it).

useAccountsTestEnv()
let m: SmallMarket
let cookie: string

beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
  cookie = await sessionCookieFor(m.weaver.id)
})

type Loader = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>

async function render(path: string, params: Record<string, string>, loader: Loader, Component: ComponentType, language: Language): Promise<string> {
  const request = new Request(new URL(path, 'http://localhost'), { headers: { Cookie: cookie } })
  const data = unwrap(await loader({ request, params, context: {} }))
  const handler = createStaticHandler([{ id: 'page', path: path.split('?')[0], loader: () => data as Record<string, unknown>, Component }])
  const context = await handler.query(new Request(new URL(path, 'http://localhost')))
  if (context instanceof Response) throw new Error('unexpected response')
  const router = createStaticRouter(handler.dataRoutes, context)
  return renderToString(
    <I18nextProvider i18n={i18nFor(language)}>
      <ReaderLocaleContext.Provider value={{ language, timeZone: 'Europe/Rome' }}>
        <StaticRouterProvider router={router} context={context} hydrate={false} />
      </ReaderLocaleContext.Provider>
    </I18nextProvider>,
  )
}

const base = '/organisations/weavers/listings'
const params = { slug: 'weavers' }

describe('the listing pages in the reader’s language', () => {
  it('the list', async () => {
    const english = await render(base, params, listLoader as Loader, ListingsPage, 'en')
    expect(english).toContain('Listings of ')
    expect(english).toContain('Export CSV')
    const italian = await render(base, params, listLoader as Loader, ListingsPage, 'it')
    expect(italian).toContain('Inserzioni di ')
    expect(italian).toContain('Esporta CSV')
    expect(italian).toMatch(/\d+ disponibil[ei]|Esaurito|Nessuna scorta/)
    expect(italian).not.toContain('Export CSV')
  })

  it('a new listing', async () => {
    const german = await render(`${base}/new`, params, newLoader as Loader, NewListing, 'de')
    expect(german).toContain('Neues Angebot')
    expect(german).toContain('Wohin die Zugangsgebühr geht')
    expect(german).not.toContain('Where the access fee goes')
  })

  it('a listing to edit, with its images and stock', async () => {
    const path = `${base}/${m.towel.id}?notice=saved`
    const offerParams = { ...params, offerId: String(m.towel.id) }
    const french = await render(path, offerParams, editLoader as Loader, EditListing, 'fr')
    expect(french).toContain('Détails et prix')
    expect(french).toContain('Ajouter l’image')
    expect(french).toContain('Modifier le stock')
    expect(french).not.toContain('Details and prices')
    // Amounts as the reader writes them: a decimal comma and the euro sign after.
    expect(french).toMatch(/\d+,\d{2}\s€/)
    const english = await render(path, offerParams, editLoader as Loader, EditListing, 'en')
    expect(english).toContain('Details and prices')
    expect(english).toContain('Saved.')
  })

  it('a commons item’s resource, with its time in the reader’s zone', async () => {
    await setCommonsResourceLink(
      m.db,
      { personId: m.designer.id, organisationId: m.designers.id },
      m.beehive.id,
      'https://example.org/hive?a=1&b=2',
      '2026-12-02T13:05:00.000Z',
    )
    cookie = await sessionCookieFor(m.designer.id)
    const path = `/organisations/open-designers/listings/${m.beehive.id}`
    const offerParams = { slug: 'open-designers', offerId: String(m.beehive.id) }
    const italian = await render(path, offerParams, editLoader as Loader, EditListing, 'it')
    expect(italian).toContain('Gli acquirenti ricevono il link <a href="https://example.org/hive?a=1&amp;b=2">https://example.org/hive?a=1&amp;b=2</a>')
    expect(italian).toMatch(/aggiornato il <time dateTime="2026-12-02T13:05:00.000Z">2 dic 2026, 14:05 CET<\/time>/)
    expect(italian).toContain('Oppure condividi un link')
  })

  it('the import page, its counts and its columns', async () => {
    const path = `${base}/import?created=1&updated=3&stockIgnored=2`
    const spanish = await render(path, params, importLoader as Loader, ImportListings, 'es')
    expect(spanish).toContain('1 anuncio creado, 3 actualizados')
    expect(spanish).toContain('Las existencias de 2 bienes del archivo')
    expect(spanish).toContain('<code>precio_comunero</code>')
    const english = await render(path, params, importLoader as Loader, ImportListings, 'en')
    expect(english).toContain('1 listing created, 3 updated; your listings were rescored.')
    expect(english).toContain('The stock of 2 goods in the file')
  })
})
