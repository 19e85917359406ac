import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../db/connection'
import { demoLogins, demoPassword } from '../../db/seed/data'
import { supportedLanguages } from '../../app/i18n/config'
import { formatMoneyIn } from '../../app/i18n/format'
import { translator } from '../../app/i18n/translator.server'
import { newestMailTo } from '../../app/lib/mail.server'
import { launchBrowser, logInAs, openPage, phone, poll, screenshot } from '../support/browser'
import { startServer, tempDir, type RunningServer } from '../support/server'

// Issue 16 against the production build: the language each request asks for, pages the page
// cache keeps per language, and a buyer who switches to Italian without JavaScript and checks out.

let server: RunningServer
let browser: Browser
let db: Database
const outbox = tempDir('sm-languages-outbox')
const databasePath = path.join(tempDir('sm-languages'), 'market.db')

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startServer({ OUTBOX_DIR: outbox, DATABASE_PATH: databasePath }), launchBrowser()])
  db = openDatabase(databasePath)
})

afterAll(async () => {
  await db?.destroy()
  await browser?.close()
  await server?.stop()
})

/** A listed good with stock to spare; `skip` picks a later one, so journeys buy apart. */
async function pickGood(skip = 0) {
  return db
    .selectFrom('offers as o')
    .innerJoin('offerScores as s', 's.offerId', 'o.id')
    .select(['o.id', 'o.slug', 'o.title', 'o.commonerPrice', 'o.forProfitPrice', 'o.currency'])
    .where('o.kind', '=', 'good')
    .where('o.status', '=', 'active')
    .where('s.listed', '=', 1)
    .where('o.stock', '>=', 5)
    .where('o.currency', '=', 'EUR')
    .orderBy('o.id')
    .offset(skip)
    .limit(1)
    .executeTakeFirstOrThrow()
}

const langOf = (page: Page) => page.locator('html').getAttribute('lang')

async function page(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, { headers })
  const html = await response.text()
  return {
    status: response.status,
    lang: /<html lang="([a-z]+)"/.exec(html)?.[1],
    nav: /<nav aria-label="[^"]*"><ul><li><a[^>]*>([^<]+)<\/a>/.exec(html)?.[1],
    cache: response.headers.get('X-Page-Cache'),
    vary: response.headers.get('Vary'),
    setCookie: response.headers.get('Set-Cookie'),
    html,
  }
}

describe('the language of a page', () => {
  it('never serves one language’s cached page to a reader of another', async () => {
    const italian = await page('/', { 'Accept-Language': 'it-IT,it;q=0.9,en;q=0.5' })
    expect(italian).toMatchObject({ status: 200, lang: 'it', nav: 'Catalogo' })
    expect(italian.vary).toContain('Accept-Language')
    // The same address, now cached in Italian, asked for in German: rendered in German.
    const german = await page('/', { 'Accept-Language': 'de-AT,de;q=0.9' })
    expect(german).toMatchObject({ lang: 'de', nav: 'Katalog' })
    // Each language's page is served from the cache to its own readers.
    expect(await page('/', { 'Accept-Language': 'it' })).toMatchObject({ lang: 'it', nav: 'Catalogo', cache: 'hit' })
    expect(await page('/', { 'Accept-Language': 'de' })).toMatchObject({ lang: 'de', nav: 'Katalog', cache: 'hit' })
    // A browser that asks for nothing we speak gets English, a page of its own.
    expect(await page('/', { 'Accept-Language': 'sv-SE' })).toMatchObject({ lang: 'en', nav: 'Catalog' })
    // The cookie outranks the browser, and is a key of its own.
    expect(await page('/', { 'Accept-Language': 'it', Cookie: 'lng=fr' })).toMatchObject({ lang: 'fr', nav: 'Catalogue' })
    expect(await page('/', { 'Accept-Language': 'it', Cookie: 'lng=fr' })).toMatchObject({ lang: 'fr', cache: 'hit' })
    expect(await page('/', { 'Accept-Language': 'it' })).toMatchObject({ lang: 'it', nav: 'Catalogo' })
  })

  it('takes ?lng= over everything, keeps it in a cookie, and links every language’s version', async () => {
    const spanish = await page('/?lng=es&sort=price', { 'Accept-Language': 'de', Cookie: 'lng=fr' })
    expect(spanish).toMatchObject({ lang: 'es', nav: 'Catálogo' })
    expect(spanish.setCookie).toMatch(/^lng=es; Path=\/; Max-Age=\d+; SameSite=Lax$/)
    for (const code of ['en', 'it', 'fr', 'de', 'es'])
      expect(spanish.html).toContain(`<link rel="alternate" hrefLang="${code}" href="${server.url}/?sort=price&amp;lng=${code}"/>`)
    expect(spanish.html).toContain(`<link rel="alternate" hrefLang="x-default" href="${server.url}/?sort=price"/>`)
  })

  it('switches language with a plain form and comes back to the same page', async () => {
    const response = await fetch(`${server.url}/language`, {
      method: 'POST',
      body: new URLSearchParams({ lng: 'de', returnTo: '/?q=honey', timeZone: 'Europe/Vienna' }),
      redirect: 'manual',
    })
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/?q=honey')
    expect(response.headers.getSetCookie()).toEqual([expect.stringMatching(/^lng=de; /), expect.stringMatching(/^tz=Europe%2FVienna; /)])
    // Somewhere else, or a language we do not speak: back home, nothing changed.
    const away = await fetch(`${server.url}/language`, {
      method: 'POST',
      body: new URLSearchParams({ lng: 'de', returnTo: 'https://evil.example/' }),
      redirect: 'manual',
    })
    expect(away.headers.get('Location')).toBe('/')
    const unknown = await fetch(`${server.url}/language`, { method: 'POST', body: new URLSearchParams({ lng: 'xx', returnTo: '/' }), redirect: 'manual' })
    expect(unknown.headers.get('Set-Cookie')).toBeNull()
  })

  it('serves a language’s messages to the browser, kept for as long as their version holds', async () => {
    const version = /data-messages="([0-9a-f]+)"/.exec((await page('/', { 'Accept-Language': 'it' })).html)![1]
    const current = await fetch(`${server.url}/locales/it.json?v=${version}`)
    expect(current.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
    const body = (await current.json()) as Record<string, Record<string, Record<string, Record<string, string>>>>
    expect(body.it!.common!.nav!.catalog).toBe('Catalogo')
    expect((await fetch(`${server.url}/locales/it.json?v=old`)).headers.get('Cache-Control')).toBe('no-cache')
    expect((await fetch(`${server.url}/locales/xx.json`)).status).toBe(404)
  })
})

describe('pages that come alive in the reader’s language', () => {
  it('hydrates an Italian page with the same text the server wrote, and navigates on in Italian', async () => {
    const page = await openPage(browser)
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${server.url}/?lng=it`)
    // React took the page over once the browser had the Italian messages.
    await page.waitForFunction(() => (window as unknown as { __remixRouter?: unknown }).__remixRouter !== undefined)
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true))
    await page.locator('.card h3 a').first().click()
    await page.waitForURL(/\/offers\//)
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true)
    expect(await langOf(page)).toBe('it')
    await poll(() => page.locator('nav[aria-label] a').first().textContent()).toBe('Catalogo')
    // A mismatch between the server's and the browser's text is a console error.
    expect(errors).toEqual([])
  })
})

describe('a buyer in Italian, in a browser without JavaScript', () => {
  it('switches to Italian, checks out, and reads the receipt, the prices and the mail in Italian', async () => {
    const page = await openPage(browser, { javaScriptEnabled: false })
    await logInAs(page, server.url, demoLogins.commoner, demoPassword)
    const good = await pickGood()
    await page.goto(`${server.url}/offers/${good.slug}`)
    expect(await langOf(page)).toBe('en')
    await page.locator('#language-select').selectOption('it')
    await page.locator('.language-switcher button[type=submit]').click()
    await page.waitForURL(`${server.url}/offers/${good.slug}`)
    expect(await langOf(page)).toBe('it')
    // The price in Italian writing, the currency the offer's own.
    await poll(() => page.locator('main').textContent()).toContain(formatMoneyIn('it', good.commonerPrice, good.currency))
    await page.locator('.add-to-cart input[name=quantity]').fill('2')
    await page.locator('.add-to-cart button[type=submit]').click()
    await page.waitForURL(/\/cart/)
    expect(await langOf(page)).toBe('it')
    const total = formatMoneyIn('it', good.commonerPrice * 2, good.currency)
    await poll(() => page.locator('main').textContent()).toContain(total)
    await screenshot(page, 'cart-it-no-js', { fullPage: true })
    await page.locator('input[name=confirmUse]').check()
    await page.locator('form[action="/checkout"] button[type=submit]').click()
    await page.waitForURL(/\/orders\/\d+/)
    expect(await langOf(page)).toBe('it')
    await poll(() => page.locator('.receipt').textContent()).toContain(total)
    await screenshot(page, 'receipt-it-no-js', { fullPage: true })
    await screenshot(page, 'receipt-it-no-js-phone', { fullPage: true, on: phone })

    // The switch was saved on the account, so the mail about the order is Italian too.
    const person = await db.selectFrom('people').select(['language']).where('email', '=', demoLogins.commoner).executeTakeFirstOrThrow()
    expect(person.language).toBe('it')
    const mail = newestMailTo(demoLogins.commoner, outbox)
    expect(mail).not.toBeNull()
    const [before, after] = translator('it', 'mail')('order.buyer.subject', { reference: '\u0000' }).split('\u0000')
    expect(mail!.subject.startsWith(before!) && mail!.subject.endsWith(after!)).toBe(true)
    expect(mail!.text).toContain(total)
  })

  it('shows the catalog, an offer and the cart in each of the five languages', async () => {
    const page = await openPage(browser)
    await logInAs(page, server.url, demoLogins.forProfitBuyer, demoPassword)
    const good = await pickGood(1)
    await page.goto(`${server.url}/offers/${good.slug}`)
    await page.locator('.add-to-cart button[type=submit]').click()
    await page.waitForURL(/\/cart/)
    for (const code of supportedLanguages) {
      const nav = translator(code)('nav.catalog')
      await page.goto(`${server.url}/?lng=${code}`)
      expect(await langOf(page)).toBe(code)
      await poll(() => page.locator('nav[aria-label] a').first().textContent()).toBe(nav)
      await screenshot(page, `catalog-${code}`)
      if (code !== 'en') await screenshot(page, `catalog-${code}-phone`, { on: phone })
      await page.goto(`${server.url}/offers/${good.slug}?lng=${code}`)
      await poll(() => page.locator('main').textContent()).toContain(formatMoneyIn(code, good.forProfitPrice, good.currency))
      await screenshot(page, `offer-${code}`, { fullPage: true })
      await page.goto(`${server.url}/cart?lng=${code}`)
      expect(await langOf(page)).toBe(code)
      await screenshot(page, `cart-${code}`, { fullPage: true })
    }
  })
})
