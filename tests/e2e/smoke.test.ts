import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, openPage, phone, screenshot } from '../support/browser'
import { startServer, type RunningServer } from '../support/server'

// Both journeys only read the demo catalog, each in a browser context of its own (the ranking
// a visitor chose is a cookie), so they pass in any order and alone.
describe('browsing the catalog in a real browser', () => {
  let server: RunningServer
  let browser: Browser
  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('opens the catalog, follows an offer and shows what each buyer pays', async () => {
    const page = await openPage(browser)
    await page.goto(`${server.url}/`)
    await expect(page.title()).resolves.toBe('Catalog · Solidarity Market')
    const cards = page.locator('.card')
    expect(await cards.count()).toBe(24)
    await screenshot(page, 'catalog')

    // Follow the first commons item: it must be free for commoners.
    const commonsCard = cards.filter({ hasText: 'Commons item' }).first()
    const title = (await commonsCard.locator('h3 a').textContent())!.trim()
    await commonsCard.locator('h3 a').click()
    await page.waitForURL(/\/offers\//)
    await page.locator('h1', { hasText: title }).waitFor()
    const prices = page.getByRole('complementary', { name: 'What each buyer pays' })
    await expect(prices.getByRole('row', { name: /Commoner/ }).textContent()).resolves.toContain('Free')
    await expect(prices.getByRole('row', { name: /For-profit buyer/ }).textContent()).resolves.toMatch(/€\d/)
    await expect(prices.textContent()).resolves.toContain('Where the access fee goes')
    // The score breakdown explains each criterion and links to evidence.
    await page.getByRole('heading', { name: /Ethical-preference score/ }).waitFor()
    expect(await page.locator('.breakdown tbody tr').count()).toBe(7)
    await screenshot(page, 'offer', { fullPage: true })

    // The producer link leads to the organisation page with its governance facts.
    await page.locator('.offer__producer a').first().click()
    await page.waitForURL(/\/organisations\//)
    await page.getByRole('heading', { name: 'Governance' }).waitFor()
    await screenshot(page, 'organisation', { fullPage: true })

    // Back to the catalog, then page 2 through the pagination links.
    await page.getByRole('link', { name: '← Back to the catalog' }).click()
    await page.getByRole('link', { name: 'Next →' }).click()
    await page.waitForURL(/\?page=2/)
    await page.locator('[aria-current="page"]', { hasText: '2' }).waitFor()

    const missing = await page.goto(`${server.url}/offers/does-not-exist`)
    expect(missing?.status()).toBe(404)
    await expect(page.locator('h1').textContent()).resolves.toBe('Page not found')
    await page.setViewportSize(phone)
    await page.goto(`${server.url}/`)
    await screenshot(page, 'catalog-mobile')
  })

  it('searches, filters and re-ranks without JavaScript, every state a shareable URL', async () => {
    const page = await openPage(browser, { javaScriptEnabled: false })
    await page.goto(`${server.url}/`)
    await page.getByLabel('Search offers and producers').fill('pasta')
    await page.getByLabel('Kind').selectOption('good')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(/q=pasta/)
    expect(page.url()).toContain('kind=good')
    const summary = await page.locator('#results-title').textContent()
    expect(summary).toMatch(/of \d+ offers/)
    const kinds = await page.locator('.card .badge--good, .card .badge--commons').allTextContents()
    expect(kinds.length).toBeGreaterThan(0)
    expect(kinds.every((k) => k === 'Good')).toBe(true)

    // Re-rank with a preset; the choice is remembered on the next visit.
    await page.getByLabel('Fair work first').check()
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.waitForURL(/view=fair_work_first/)
    await page.locator('.card__view-score').first().waitFor()
    await screenshot(page, 'catalog-search')
    await page.goto(`${server.url}/`)
    await expect(page.locator('#results-title').textContent()).resolves.toContain('ranked by fair work first')

    // Hostile input gets a readable 400, not a 500.
    const bad = await page.goto(`${server.url}/?minScore=lots`)
    expect(bad?.status()).toBe(400)
    await expect(page.locator('h1').textContent()).resolves.toBe('That request did not make sense')
  })
})
