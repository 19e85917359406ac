import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../support/browser'
import { startServer, tempDir, type RunningServer } from '../support/server'

// Issue 16 against the production build: the language each request asks for, pages the page
// cache keeps per language, and a buyer who switches to Italian without JavaScript and checks out.

let server: RunningServer
let browser: Browser
const outbox = tempDir('sm-languages-outbox')

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startServer({ OUTBOX_DIR: outbox }), launchBrowser()])
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

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
