import type { LoaderFunctionArgs } from '@remix-run/node'
import type { ComponentType } from 'react'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import { renderToString } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import { getOptionalUser } from '../../app/lib/session.server'
import { ReaderLocaleContext } from '../../app/i18n/format'
import { i18nFor } from '../../app/i18n/translator.server'
import { isLanguage } from '../../app/i18n/config'
import { loader as rootLoader } from '../../app/root'
import Account, { action as accountAction, loader as accountLoader } from '../../app/routes/account._index'
import SignUp, { action as signUpAction, loader as signUpLoader } from '../../app/routes/signup'
import LogIn, { action as logInAction, loader as logInLoader } from '../../app/routes/login'
import { testDb, useAsAppDb } from '../support/db'
import { cookieOf, formRequest, getRequest, outcome, useAccountsTestEnv } from '../support/accounts'
import { unwrap } from '../support/remix'

useAccountsTestEnv()
process.env.APP_URL = 'http://market.test'

const args = (request: Request) => ({ request, params: {}, context: {} })
const password = 'lichen on the north wall'
let db: Database
let counter = 0
let address: string

beforeAll(async () => {
  db = await testDb()
  useAsAppDb(db)
})
beforeEach(() => {
  address = `198.51.100.${++counter}`
})

async function signUp(email: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const request = formRequest('/signup', { email, displayName: 'Giulia Rossi', password, confirmPassword: password, ...extra }, { address })
  for (const [k, v] of Object.entries(headers)) request.headers.set(k, v)
  const result = await outcome(() => signUpAction(args(request)))
  expect(result.status).toBe(302)
  return cookieOf(result.setCookie)
}

const person = (email: string) => db.selectFrom('people').select(['language', 'timeZone']).where('email', '=', email).executeTakeFirstOrThrow()

/** The account page as the server renders its body, in the language the root loader chose. */
async function renderAccount(cookie: string, reply?: unknown): Promise<string> {
  return renderPage('/account', accountLoader, Account, cookie, reply)
}

type Loader = (args: LoaderFunctionArgs) => Promise<unknown>

/** A page's body as the server renders it, in the language the root loader chose; with `reply`, as an action answered it. */
async function renderPage(path: string, loader: Loader, Component: ComponentType, cookie = '', reply?: unknown): Promise<string> {
  const root = unwrap(await rootLoader(args(getRequest(path, { cookie }))))
  const data = unwrap(await loader(args(getRequest(path, { cookie }))))
  const language = isLanguage(root.locale) ? root.locale : 'en'
  const handler = createStaticHandler([
    { id: 'page', path: path.split('?')[0], loader: () => data as Record<string, unknown>, action: () => reply ?? null, Component },
  ])
  const context = await handler.query(new Request(new URL(path, 'http://localhost'), reply ? { method: 'POST', body: new URLSearchParams() } : {}))
  if (context instanceof Response) throw new Error('unexpected response')
  const router = createStaticRouter(handler.dataRoutes, context)
  return renderToString(
    <I18nextProvider i18n={i18nFor(language)}>
      <ReaderLocaleContext.Provider value={{ language, timeZone: root.timeZone }}>
        <StaticRouterProvider router={router} context={context} hydrate={false} />
      </ReaderLocaleContext.Provider>
    </I18nextProvider>,
  )
}

describe('language and time zone on the account page', () => {
  it('saves both, sets the language cookie, and the page after it is in the new language', async () => {
    const cookie = await signUp('giulia@example.org')
    expect(await renderAccount(cookie)).toContain('Hello, Giulia Rossi')
    const saved = await outcome(() =>
      accountAction(args(formRequest('/account', { intent: 'preferences', language: 'it', timeZone: 'Europe/Rome' }, { cookie }))),
    )
    expect(saved.status).toBe(302)
    expect(saved.location).toBe('/account?notice=preferences-saved#preferences-title')
    expect(saved.setCookie).toMatch(/^lng=it; Path=\/;/)
    await expect(person('giulia@example.org')).resolves.toEqual({ language: 'it', timeZone: 'Europe/Rome' })

    const page = await renderAccount(`${cookie}; ${cookieOf(saved.setCookie)}`)
    expect(page).toContain('Ciao, Giulia Rossi')
    expect(page).toContain('Lingua e fuso orario')
    expect(page).toContain('<option value="Europe/Rome" selected="">Europe/Rome</option>')
    // Without the cookie (another browser), the account's choice holds.
    expect(await renderAccount(cookie)).toContain('Ciao, Giulia Rossi')
  })

  it('shows a success notice after saving', async () => {
    const cookie = await signUp('notice@example.org')
    const data = unwrap(await accountLoader(args(getRequest('/account?notice=preferences-saved', { cookie }))))
    expect(data.preferences.saved).toBe(true)
  })

  it('goes back to the browser’s zone when "As my browser says" is chosen', async () => {
    const cookie = await signUp('browser@example.org', { timeZone: 'Europe/Berlin' })
    await expect(person('browser@example.org')).resolves.toMatchObject({ timeZone: 'Europe/Berlin' })
    const saved = await outcome(() => accountAction(args(formRequest('/account', { intent: 'preferences', language: 'de', timeZone: '' }, { cookie }))))
    expect(saved.status).toBe(302)
    await expect(person('browser@example.org')).resolves.toEqual({ language: 'de', timeZone: null })
  })

  it('refuses an unknown zone or language with a 400 and a message, changing nothing', async () => {
    const cookie = await signUp('refused@example.org')
    const before = await person('refused@example.org')
    const zone = await outcome(() =>
      accountAction(args(formRequest('/account', { intent: 'preferences', language: 'fr', timeZone: 'Mars/Olympus' }, { cookie }))),
    )
    expect(zone.status).toBe(400)
    expect(zone.body.fieldErrors).toEqual({ timeZone: 'Choose a time zone from the list.' })
    expect(zone.body.values).toMatchObject({ language: 'fr', timeZone: 'Mars/Olympus' })
    expect(zone.setCookie).toBeNull()
    // The refusal beside the field, in the language of the page.
    const page = await renderAccount(`${cookie}; lng=it`, zone.body)
    expect(page).toContain('Scegli un fuso orario dall&#x27;elenco.')
    expect(page).toContain('aria-invalid="true"')
    const language = await outcome(() => accountAction(args(formRequest('/account', { intent: 'preferences', language: 'xx', timeZone: '' }, { cookie }))))
    expect(language.status).toBe(400)
    expect(language.body.fieldErrors).toEqual({ language: 'Choose a language.' })
    await expect(person('refused@example.org')).resolves.toEqual(before)
  })

  it('asks for a log-in before saving anything', async () => {
    const result = await outcome(() => accountAction(args(formRequest('/account', { intent: 'preferences', language: 'it', timeZone: '' }))))
    expect(result.status).toBe(302)
    expect(result.location).toMatch(/^\/login/)
  })
})

describe('language and time zone from signing up and logging in', () => {
  it('renders the log-in and sign-up pages in the visitor’s language, with the browser-zone field', async () => {
    const login = await renderPage('/login?lng=it', logInLoader, LogIn)
    expect(login).toContain('<h1 id="login-title">Accedi</h1>')
    expect(login).toMatch(/Sei nuovo\? <a [^>]*href="\/signup\?redirectTo=%2Faccount">Crea un account<\/a>\./)
    expect(login).toMatch(/<input type="hidden" name="timeZone"[^>]*data-browser-zone=""/)
    const signup = await renderPage('/signup?lng=fr', signUpLoader, SignUp)
    expect(signup).toContain('Créez votre compte')
    expect(signup).toContain('Au moins 10 caractères')
    expect(signup).toMatch(/name="timeZone"[^>]*data-browser-zone=""/)
  })

  it('keeps the language the sign-up page was read in and the browser’s zone', async () => {
    await signUp('marie@example.org', { timeZone: 'Europe/Paris' }, { 'Accept-Language': 'fr-FR,fr;q=0.9,en;q=0.5' })
    await expect(person('marie@example.org')).resolves.toEqual({ language: 'fr', timeZone: 'Europe/Paris' })
  })

  it('ignores a zone Intl does not know', async () => {
    await signUp('nozone@example.org', { timeZone: 'Not/A_Zone' })
    await expect(person('nozone@example.org')).resolves.toEqual({ language: 'en', timeZone: null })
  })

  it('gives an account without a zone the browser’s zone at log-in, and never replaces a chosen one', async () => {
    await signUp('ana@example.org')
    const logIn = (timeZone: string) => outcome(() => logInAction(args(formRequest('/login', { email: 'ana@example.org', password, timeZone }, { address }))))
    const first = await logIn('America/Mexico_City')
    expect(first.status).toBe(302)
    await expect(getOptionalUser(getRequest('/', { cookie: cookieOf(first.setCookie) }))).resolves.toMatchObject({ timeZone: 'America/Mexico_City' })
    await expect(person('ana@example.org')).resolves.toMatchObject({ timeZone: 'America/Mexico_City' })
    await logIn('Europe/Madrid')
    await expect(person('ana@example.org')).resolves.toMatchObject({ timeZone: 'America/Mexico_City' })
  })
})
