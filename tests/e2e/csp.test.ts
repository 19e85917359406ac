import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, openPage, poll } from '../support/browser'
import { startServer, type RunningServer } from '../support/server'
import { demoPassword } from '../../db/seed/data'

// The Content-Security-Policy is on (every answer carries it); the pages must still work under
// it: Remix's inline scripts carry the page's nonce, its bundles come from this site, client-side
// navigation and a form posted with JavaScript go through. Any violation fails the test.

describe('pages under the Content-Security-Policy', () => {
  let server: RunningServer
  let browser: Browser
  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  /** A page that records every CSP violation (the DOM event and the console's report). */
  async function watchedPage(): Promise<{ page: Page; violations: string[] }> {
    const page = await openPage(browser)
    const context = page.context()
    const violations: string[] = []
    await context.exposeFunction('reportCspViolation', (text: string) => violations.push(text))
    // Injected by the browser's debugging protocol, so the policy does not apply to it; it runs
    // in every document the page loads from here on.
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        ;(window as unknown as { reportCspViolation: (t: string) => void }).reportCspViolation(
          `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`,
        )
      })
    })
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text())
    })
    return { page, violations }
  }

  /** Marks the document: the mark survives a client-side navigation, not a full page load. */
  const mark = (page: Page) => page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true))
  const stayed = (page: Page) => page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed === true)

  it('catalog, offer, login, a form posted with JavaScript and the cart: no violation, navigation on the client', async () => {
    const { page, violations } = await watchedPage()
    const response = await page.goto(`${server.url}/`)
    expect(response!.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-/)
    await page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined)
    // Hydrated: the inline scripts ran (they need the nonce) and React took the page over.
    await page.waitForFunction(() => (window as unknown as { __remixRouter?: unknown }).__remixRouter !== undefined)
    await mark(page)

    // Client-side navigation to an offer page.
    const offerLink = page.locator('.card h3 a').first()
    const title = (await offerLink.textContent())!.trim()
    await offerLink.click()
    await page.waitForURL(/\/offers\//)
    await poll(() => page.locator('h1').first().textContent()).toContain(title)
    expect(await stayed(page)).toBe(true)

    // Log in through the form (JavaScript submits it with fetch), then back to the offer.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in' }).click()
    await page.waitForURL(/\/login/)
    expect(await stayed(page)).toBe(true)
    await page.getByLabel('Email address').fill('noor.haddad@example.org')
    await page.getByLabel('Password', { exact: true }).fill(demoPassword)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL((url) => !url.pathname.startsWith('/login'))
    expect(await stayed(page)).toBe(true)

    // A good with stock: add it to the cart with the offer page's form.
    await page.goto(`${server.url}/?kind=good`)
    await page.waitForFunction(() => (window as unknown as { __remixRouter?: unknown }).__remixRouter !== undefined)
    await mark(page)
    await page.locator('.card h3 a').first().click()
    await page.waitForURL(/\/offers\//)
    await page.getByRole('button', { name: 'Add to cart' }).click()
    await poll(() => page.locator('.cart-count').textContent()).toContain('1')
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Cart/ }).click()
    await page.waitForURL(/\/cart/)
    await poll(() => page.locator('h1').first().textContent()).toMatch(/cart/i)
    expect(await stayed(page)).toBe(true)

    expect(violations).toEqual([])
  })
})
