import { renderToString } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Language } from '../../app/i18n/config'
import { ReaderLocaleContext } from '../../app/i18n/format'
import { i18nFor } from '../../app/i18n/translator.server'
import Translations, * as page from '../../app/routes/organisations.$slug_.listings.$offerId_.translations'
import { useAccountsTestEnv } from '../support/accounts'
import { request, sessionCookieFor, statusOf } from '../support/auth'
import { useAsAppDb } from '../support/db'
import { unwrap } from '../support/remix'
import { smallMarket, type SmallMarket } from '../support/market'

// The workspace page where a member gives a listing's text in other languages: plain forms
// (no JavaScript needed), a refusal shown beside its field, a notice after each change.

useAccountsTestEnv()
let m: SmallMarket
let cookies: { weaver: string; designer: string }

beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
  cookies = { weaver: await sessionCookieFor(m.weaver.id), designer: await sessionCookieFor(m.designer.id) }
})

const url = (offerId: number, query = '') => `/organisations/weavers/listings/${offerId}/translations${query}`
const params = (offerId: number) => ({ slug: 'weavers', offerId: String(offerId) })
const post = (offerId: number, form: Record<string, string>, cookie = cookies.weaver) =>
  statusOf(() => page.action({ request: request(url(offerId), { cookie, form }), params: params(offerId), context: {} }))
const translations = () => m.db.selectFrom('offerTranslations').select(['offerId', 'language', 'title', 'description']).orderBy('language').execute()

/** The page as the server renders it, after `reply` (a refused form's answer) if any. */
async function render(offerId: number, language: Language, query = '', reply?: unknown): Promise<string> {
  const path = url(offerId, query)
  const data = unwrap(await page.loader({ request: request(path, { cookie: cookies.weaver }), params: params(offerId), context: {} }))
  const handler = createStaticHandler([{ id: 'page', path: url(offerId), loader: () => data, action: () => reply ?? null, Component: Translations }])
  const method = reply ? 'POST' : 'GET'
  const context = await handler.query(new Request(new URL(path, 'http://localhost'), { method, ...(reply ? { body: new URLSearchParams() } : {}) }))
  if (context instanceof Response) throw new Error('unexpected response')
  return renderToString(
    <I18nextProvider i18n={i18nFor(language)}>
      <ReaderLocaleContext.Provider value={{ language, timeZone: 'Europe/Rome' }}>
        <StaticRouterProvider router={createStaticRouter(handler.dataRoutes, context)} context={context} hydrate={false} />
      </ReaderLocaleContext.Provider>
    </I18nextProvider>,
  )
}

describe('the translations page', () => {
  it('sends visitors to log in and outsiders away', async () => {
    const anonymous = await statusOf(() => page.loader({ request: request(url(m.towel.id)), params: params(m.towel.id), context: {} }))
    expect(anonymous.status).toBe(302)
    expect(anonymous.location).toMatch(/^\/login\?redirectTo=/)
    const outsider = await statusOf(() =>
      page.loader({ request: request(url(m.towel.id), { cookie: cookies.designer }), params: params(m.towel.id), context: {} }),
    )
    expect(outsider.status).toBe(403)
    expect((await post(m.towel.id, { intent: 'save', language: 'it', title: 'Strofinaccio', description: '' }, cookies.designer)).status).toBe(403)
    expect(await translations()).toEqual([])
  })

  it('adds, edits and removes a language’s text, with a notice each time', async () => {
    const added = await post(m.towel.id, { intent: 'save', language: 'it', title: 'Strofinaccio di lino', description: 'Tessuto a mano.' })
    expect(added).toMatchObject({ status: 302, location: `${url(m.towel.id)}?notice=saved&language=it#translation-it` })
    expect(await translations()).toEqual([{ offerId: m.towel.id, language: 'it', title: 'Strofinaccio di lino', description: 'Tessuto a mano.' }])

    const html = await render(m.towel.id, 'en', '?notice=saved&language=it')
    expect(html).toContain('Saved: readers of Italiano now see this text.')
    expect(html).toContain('value="Strofinaccio di lino"')
    expect(html).toContain('Remove the Italiano text')
    expect(html).toContain(`href="/organisations/weavers/listings/${m.towel.id}"`)
    expect(html).toContain('Back to the listing')
    // Italian is taken: the new translation offers the others.
    expect(html).toContain('<select id="add-language-field" name="language"><option value="fr" lang="fr" selected="">Français</option><option value="de"')

    await post(m.towel.id, { intent: 'save', language: 'it', title: 'Strofinaccio', description: '' })
    expect((await translations())[0]).toMatchObject({ title: 'Strofinaccio', description: '' })

    expect(await post(m.towel.id, { intent: 'remove', language: 'it' })).toMatchObject({
      status: 302,
      location: `${url(m.towel.id)}?notice=removed&language=it`,
    })
    expect(await translations()).toEqual([])
  })

  it('shows a refusal beside the field it is about, keeping what was typed', async () => {
    const refused = await post(m.towel.id, { intent: 'save', language: 'de', title: 'x', description: 'Handgewebt.' })
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ fieldErrors: { title: 'Give the translated title at least 3 characters.' } })
    const html = await render(m.towel.id, 'it', '', refused.body)
    expect(html).toContain('Il titolo tradotto deve avere almeno 3 caratteri.')
    expect(html).toContain('Handgewebt.')
    expect(html).toContain('aria-invalid="true"')

    const original = await post(m.towel.id, { intent: 'save', language: 'en', title: 'Linen towel', description: '' })
    expect(original.body).toMatchObject({ fieldErrors: { language: 'This listing is written in English: choose another language to translate it into.' } })
    expect(await translations()).toEqual([])
  })

  it('sets the language of the original, and says so in the reader’s language', async () => {
    expect(await post(m.blanket.id, { intent: 'original', language: 'it' })).toMatchObject({
      status: 302,
      location: `${url(m.blanket.id)}?notice=original&language=it`,
    })
    expect((await m.db.selectFrom('offers').select('language').where('id', '=', m.blanket.id).executeTakeFirstOrThrow()).language).toBe('it')
    const html = await render(m.blanket.id, 'fr', '?notice=original&language=it')
    expect(html).toContain('Enregistré : l’annonce est rédigée en Italiano.')
    expect(html).toContain('<option value="it" lang="it" selected="">Italiano</option>')
    expect(html).toContain('Ajouter une traduction')
    expect(html).not.toContain('Add a translation')
  })
})
