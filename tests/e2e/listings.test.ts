import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../db/connection'
import { demoLogins, demoPassword } from '../../db/seed/data'
import { formatMoney } from '../../app/lib/money'
import { priceLine } from '../../app/modules/pricing/pricing'
import { createListing } from '../../app/modules/listings/listings.server'
import { listingActor } from '../../app/modules/listings/listings-queries.server'
import { launchBrowser, logInAs, openPage, phone, poll, screenshot } from '../support/browser'
import { startServer, tempDir, type RunningServer } from '../support/server'

// Issue 6's listing journey in Debian's Chromium against the production build: a co-op member
// lists a good through the form, watching the preview price it while typing, adds an image,
// reads the score on the saved page, and finds the listing in the catalog with its badge and
// its image. The journeys share one server; each works on a listing of its own, so they pass in
// any order and alone.

let server: RunningServer
let browser: Browser
let db: Database
let uploadDir: string

const slug = 'cooperativa-tessile-aurora'

beforeAll(async () => {
  const dir = tempDir('sm-listings')
  uploadDir = path.join(dir, 'uploads')
  ;[server, browser] = await Promise.all([startServer({ DATABASE_PATH: path.join(dir, 'market.db'), UPLOAD_DIR: uploadDir }), launchBrowser()])
  db = openDatabase(path.join(dir, 'market.db'))
})

afterAll(async () => {
  await db?.destroy()
  await browser?.close()
  await server?.stop()
})

const logIn = (page: Page, email: string, password = demoPassword) => logInAs(page, server.url, email, password)

/** A photo-like picture of an apron: stripes of indigo behind a lighter shape. */
function apronPhoto() {
  const stripes = Array.from({ length: 12 }, (_, i) => `<rect x="0" y="${i * 75}" width="1200" height="38" fill="${i % 2 ? '#1f3a68' : '#2b4c86'}"/>`).join('')
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900">${stripes}<path d="M480 120h240v120l120 60v480H360V300l120-60z" fill="#d9e2f1" stroke="#0f1f3a" stroke-width="10"/><rect x="520" y="420" width="160" height="120" rx="12" fill="#b8c7e0"/></svg>`
  return sharp(Buffer.from(svg)).png().toBuffer()
}

const money = (amount: number) => (amount === 0 ? 'Free' : formatMoney(amount, 'EUR'))
const preview = (page: Page, id: string) => page.getByTestId(id).textContent()

describe('listing an offer in a real browser', () => {
  it('a co-op member lists a good with a live price preview, adds an image, sees its score, and finds it in the catalog', async () => {
    const title = 'Indigo-dyed linen apron'
    const page = await openPage(browser, { viewport: { width: 1280, height: 900 } })
    await logIn(page, demoLogins.coopMember)

    await page.goto(`${server.url}/organisations/${slug}/listings`)
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Listings of Cooperativa Tessile Aurora')
    await screenshot(page, 'list', { fullPage: true })
    await screenshot(page, 'list-mobile', { fullPage: true, on: phone })
    await page.getByRole('link', { name: 'New listing' }).click()
    await page.waitForURL(`${server.url}/organisations/${slug}/listings/new`)
    await page.getByRole('heading', { name: 'New listing', level: 1 }).waitFor()
    // The form's fields are React state once it runs: what is typed before that is reset when it
    // takes over (and the empty required title then stops the form). The server-side preview
    // button goes at that moment, so its absence says the form is live.
    await page.getByRole('button', { name: 'Update the preview' }).waitFor({ state: 'detached' })

    await page.getByLabel('Title').fill(title)
    await page.getByLabel('Description').fill('Heavy linen, dyed with organic indigo in our Biella workshop. Adjustable neck strap, two deep pockets.')
    await page.getByLabel('Category').selectOption('textiles-clothing')
    await page.getByLabel('Unit', { exact: true }).fill('piece')
    await page.getByLabel('Delivery').selectOption('shipping_or_pickup')
    await page.getByLabel('Initial stock').fill('7')
    await page.getByLabel('Commons fund', { exact: true }).selectOption('textile-pattern-commons')
    await page.getByLabel(/^Commoner price/).fill('38.50')
    await page.getByLabel(/^For-profit price/).pressSequentially('52', { delay: 20 })

    // The preview prices with the same pure function the checkout uses, as the person types.
    const split = { producerBp: 4500, commonsFundBp: 4500, infrastructureBp: 1000 }
    const forProfit = priceLine({ kind: 'good', commonerPrice: 3850, forProfitPrice: 5200, ...split }, 'for_profit', 1)
    await poll(() => preview(page, 'preview-for-profit-pays')).toBe(money(5200))
    expect(await preview(page, 'preview-commoner-pays')).toBe(money(3850))
    expect(await preview(page, 'preview-producer')).toBe(money(forProfit.producerAmount))
    expect(await preview(page, 'preview-fund')).toBe(money(forProfit.commonsFundAmount))
    expect(await preview(page, 'preview-infrastructure')).toBe(money(forProfit.infrastructureAmount))
    expect(forProfit).toMatchObject({ producerAmount: 3850 + 608, commonsFundAmount: 607, infrastructureAmount: 135 })

    // More of the access fee to the commons fund: the preview follows.
    await page.getByLabel('To the producer').fill('35')
    await page.getByLabel('To the commons fund').fill('55')
    const shifted = priceLine(
      { kind: 'good', commonerPrice: 3850, forProfitPrice: 5200, producerBp: 3500, commonsFundBp: 5500, infrastructureBp: 1000 },
      'for_profit',
      1,
    )
    await poll(() => preview(page, 'preview-fund')).toBe(money(shifted.commonsFundAmount))
    expect(await preview(page, 'preview-producer')).toBe(money(shifted.producerAmount))
    // a price the form cannot read says so in the preview at once
    await page.getByLabel(/^Commoner price/).fill('38.505')
    await poll(() => page.locator('.price-preview__problems').textContent()).toMatch(/at most 2 decimals/)
    await page.getByLabel(/^Commoner price/).fill('38.50')
    await poll(() => preview(page, 'preview-commoner-pays')).toBe(money(3850))
    await screenshot(page, 'form', { fullPage: true })
    await screenshot(page, 'form-mobile', { fullPage: true, on: phone })

    await page.getByRole('button', { name: 'List it' }).click()
    await page.waitForURL(/\/listings\/\d+\?notice=listed$/)
    // the address changes a moment before the saved listing's page shows
    await page.getByText('Listed: it is in the catalog now.').waitFor()
    const offer = await db
      .selectFrom('offers as o')
      .innerJoin('offerScores as s', 's.offerId', 'o.id')
      .select(['o.id', 'o.slug', 'o.commonerPrice', 'o.forProfitPrice', 'o.stock', 'o.accessFeeProducerBp', 'o.accessFeeCommonsFundBp', 's.score', 's.listed'])
      .where('o.title', '=', title)
      .executeTakeFirstOrThrow()
    expect(offer).toMatchObject({ commonerPrice: 3850, forProfitPrice: 5200, stock: 7, accessFeeProducerBp: 3500, accessFeeCommonsFundBp: 5500, listed: 1 })
    // The score is there the moment it is saved, with why.
    expect(await page.getByRole('status').textContent()).toContain('Listed: it is in the catalog now.')
    expect(Number(await page.getByTestId('saved-score').textContent())).toBe(offer.score)
    expect(await page.getByRole('table', { name: 'Score by criterion' }).locator('tbody tr').count()).toBe(7)

    await page.locator('#field-image').setInputFiles({ name: 'apron.png', mimeType: 'image/png', buffer: await apronPhoto() })
    await page.getByLabel('Describe the image').fill('Indigo linen apron with two pockets, laid flat')
    await page.getByRole('button', { name: 'Add the image' }).click()
    await page.waitForURL(/\?notice=image-added#images$/)
    const managed = page.locator('.image-list img').first()
    await poll(() => managed.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(400)
    const image = await db.selectFrom('offerImages').selectAll().where('offerId', '=', offer.id).executeTakeFirstOrThrow()
    expect(image).toMatchObject({ width: 1200, height: 900, altText: 'Indigo linen apron with two pockets, laid flat' })
    expect(fs.readdirSync(uploadDir).sort()).toEqual([`${image.storageKey}-large.webp`, `${image.storageKey}-thumb.webp`])

    await page.goto(`${server.url}/organisations/${slug}/listings/${offer.id}?notice=saved`)
    await screenshot(page, 'saved', { fullPage: true })
    await screenshot(page, 'saved-mobile', { fullPage: true, on: phone })

    // In the catalog: found by search, with its score badge and its image.
    await page.goto(`${server.url}/?q=${encodeURIComponent('indigo apron')}`)
    const card = page.locator('.card', { has: page.getByRole('link', { name: title }) })
    await poll(() => card.count()).toBe(1)
    expect(await card.locator('.score').textContent()).toContain(String(Math.round(offer.score)))
    const cardImage = card.locator('.card__image img')
    expect(await cardImage.getAttribute('alt')).toBe('Indigo linen apron with two pockets, laid flat')
    await poll(() => cardImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(400)
    await screenshot(page, 'in-catalog')

    const served = await fetch(`${server.url}/images/${image.storageKey}-large.webp`)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/webp')
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect((await fetch(`${server.url}/images/${'x'.repeat(24)}-large.webp`)).status).toBe(404)

    await page.goto(`${server.url}/offers/${offer.slug}`)
    await poll(() => page.locator('.gallery__main img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1200)
    await screenshot(page, 'offer-with-image')
  })

  it('without JavaScript, the preview button prices what was typed on the server', async () => {
    const page = await openPage(browser, { javaScriptEnabled: false })
    await logIn(page, demoLogins.coopMember)
    await page.goto(`${server.url}/organisations/${slug}/listings/new`)
    await page.getByLabel(/^Commoner price/).fill('10')
    await page.getByLabel(/^For-profit price/).fill('20')
    await page.getByRole('button', { name: 'Update the preview' }).click()
    // the server's answer is a new page: it shows once the preview has the typed prices
    await poll(() => preview(page, 'preview-for-profit-pays')).toBe(money(2000))
    expect(await preview(page, 'preview-fund')).toBe(money(450))
    expect(await page.getByLabel(/^For-profit price/).inputValue()).toBe('20')
    await screenshot(page, 'form-no-js', { fullPage: true })
  })

  it('a commoner orders the new listing; the co-op records the payment, fulfils it and sees it on its dashboard', async () => {
    // A listing of this journey's own, so that what it sells and sees on the dashboard is its own.
    const title = 'Hand-loomed wool scarf'
    const member = await db.selectFrom('people').select('id').where('email', '=', demoLogins.coopMember).executeTakeFirstOrThrow()
    const listed = await createListing(db, await listingActor(db, member.id, slug), {
      kind: 'good',
      title,
      description: 'Merino from the Biella hills, loomed in our workshop.',
      category: 'textiles-clothing',
      unit: 'piece',
      delivery: 'shipping_or_pickup',
      stock: 5,
      commonerPrice: 4200,
      forProfitPrice: 6000,
      commonsFund: 'textile-pattern-commons',
    })
    const offer = await db.selectFrom('offers').select(['id', 'slug', 'commonerPrice']).where('id', '=', listed.id).executeTakeFirstOrThrow()
    const page = await openPage(browser)
    await logIn(page, demoLogins.commoner)
    await page.goto(`${server.url}/offers/${offer.slug}`)
    await page.getByLabel(/Quantity/).fill('2')
    await page.getByRole('button', { name: 'Add to cart' }).click()
    await page.waitForURL(`${server.url}/cart?notice=added`)
    await page.getByLabel(/I confirm that I buy these/).check()
    await page.getByRole('button', { name: 'Place order (pay by bank transfer)' }).click()
    await page.waitForURL(/\/orders\/\d+\?notice=placed$/)
    const reference = (await page.locator('.receipt__order h2 .small').first().textContent())!.trim()
    await poll(() => page.locator('.payment-box').textContent()).toContain(reference)

    await logIn(page, demoLogins.coopMember)
    await page.goto(`${server.url}/organisations/${slug}/orders?q=${reference}`)
    const row = page.locator('.order-list__item', { hasText: reference })
    await poll(() => row.textContent()).toContain('Noor Haddad')
    await row.getByRole('button', { name: 'Mark payment received' }).click()
    await page.waitForURL(/notice=paid/)
    await page.goto(`${server.url}/organisations/${slug}/orders?q=${reference}`)
    await page.locator('.order-list__item', { hasText: reference }).getByRole('button', { name: 'Mark fulfilled' }).click()
    await page.waitForURL(/notice=fulfilled/)
    await page.goto(`${server.url}/organisations/${slug}/orders?q=${reference}`)
    await poll(() => page.locator('.order-list__item', { hasText: reference }).locator('.status').textContent()).toBe('Fulfilled')
    await screenshot(page, 'co-op-orders', { fullPage: true })

    await page.goto(`${server.url}/organisations/${slug}/dashboard`)
    const best = page.locator('section', { has: page.getByRole('heading', { name: 'Best-selling offers' }) })
    const line = best.locator('tr', { hasText: title })
    await poll(() => line.textContent()).toContain(formatMoney(offer.commonerPrice * 2, 'EUR'))
    await poll(() => line.textContent()).toContain('2 sold')
    expect(await page.locator('svg[role="img"] rect').count()).toBeGreaterThan(0)
    await screenshot(page, 'sales-dashboard', { fullPage: true })
    await screenshot(page, 'sales-dashboard-mobile', { fullPage: true, on: phone })
  })
})
