import fs from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../db/connection'
import { demoLogins, demoPassword } from '../../db/seed/data'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { formatMoney } from '../../app/lib/money'
import { launchBrowser, logInAs, openPage, poll, screenshot } from '../support/browser'
import { startServerWithStripe, type RunningServer } from '../support/server'
import type { LocalStripe } from '../support/stripe-server'

// Issue 5's journey in Debian's Chromium against the production build, with Stripe Checkout
// served by the local Stripe-compatible server: a commoner gets a commons item free and buys a
// good at the commoner price; a for-profit buyer pays the access fee by card, and the commons
// fund's balance rises by exactly its share. The journeys share one server; each buys with
// people and stock no other journey here touches, so they pass in any order and alone.

let server: RunningServer
let browser: Browser
let stripe: LocalStripe
let db: Database

beforeAll(async () => {
  const [started, context] = await Promise.all([startServerWithStripe('sm-checkout'), launchBrowser()])
  ;({ server, stripe } = started)
  browser = context
  db = openDatabase(started.databasePath)
})

afterAll(async () => {
  await db?.destroy()
  await browser?.close()
  await server?.stop()
  await stripe?.close()
})

const logIn = (page: Page, email: string, password = demoPassword) => logInAs(page, server.url, email, password)

/**
 * A listed offer of this kind with stock to spare, and (for commons) a downloadable file: the
 * first one, or with `last` the last one (a good whose stock a journey spends, apart from the
 * others').
 */
async function pickOffer(kind: 'good' | 'commons', { last = false } = {}) {
  let query = db
    .selectFrom('offers as o')
    .innerJoin('offerScores as s', 's.offerId', 'o.id')
    .innerJoin('commonsFunds as f', 'f.id', 'o.commonsFundId')
    .leftJoin('commonsResources as r', 'r.offerId', 'o.id')
    .select([
      'o.id',
      'o.slug',
      'o.title',
      'o.organisationId',
      'o.commonerPrice',
      'o.forProfitPrice',
      'o.stock',
      'f.slug as fundSlug',
      'f.id as fundId',
      'r.fileName',
    ])
    .where('o.kind', '=', kind)
    .where('o.status', '=', 'active')
    .where('s.listed', '=', 1)
    .orderBy('o.id', last ? 'desc' : 'asc')
  query = kind === 'good' ? query.where('o.stock', '>=', 3) : query.where('r.kind', '=', 'file').where('o.forProfitPrice', '>', 0)
  return query.executeTakeFirstOrThrow()
}

async function payOnStripe(page: Page, expectedTotal: string, shot: string) {
  await page.waitForURL((url) => url.href.startsWith(stripe.url))
  await poll(() => page.locator('body').textContent()).toContain(expectedTotal)
  await screenshot(page, shot, { fullPage: true })
  await page.getByRole('button', { name: 'Pay' }).click()
  await page.waitForURL((url) => url.href.startsWith(server.url) && url.pathname.startsWith('/orders/'))
}

/** The checkout whose receipt the page shows (/orders/<checkout id>). */
const checkoutOnPage = (page: Page) => Number(/^\/orders\/(\d+)/.exec(new URL(page.url()).pathname)![1])

describe('checkout in a real browser', () => {
  it('a commoner gets a commons item free and buys a good at the commoner price', async () => {
    const page = await openPage(browser)
    await logIn(page, demoLogins.commoner)
    const commons = await pickOffer('commons')
    await page.goto(`${server.url}/offers/${commons.slug}`)
    await page.getByRole('button', { name: 'Get this commons item' }).click()
    await page.waitForURL(`${server.url}/cart?notice=added`)
    await poll(() => page.locator('.cart-total').textContent()).toContain('Free')
    await page.getByLabel(/I confirm that I buy these/).check()
    await page.getByRole('button', { name: 'Get it now, free' }).click()
    await page.waitForURL(/\/orders\/\d+\?notice=placed$/)
    await poll(() => page.locator('.receipt__order .status').first().textContent()).toBe('Paid')
    const download = page.getByRole('link', { name: `Download ${commons.fileName}` })
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()])
    expect(file.suggestedFilename()).toBe(commons.fileName)
    expect(fs.readFileSync((await file.path())!, 'utf8')).toContain(`# ${commons.title}`)
    await screenshot(page, 'receipt-commons-free', { fullPage: true })

    const good = await pickOffer('good')
    await page.goto(`${server.url}/offers/${good.slug}`)
    await page.getByLabel(/Quantity/).fill('2')
    await screenshot(page, 'offer-add-to-cart', { fullPage: true })
    await page.getByRole('button', { name: 'Add to cart' }).click()
    await page.waitForURL(`${server.url}/cart?notice=added`)
    const total = formatMoney(good.commonerPrice * 2, 'EUR')
    await poll(() => page.locator('.cart-total').textContent()).toContain(total)
    await screenshot(page, 'cart-commoner', { fullPage: true })
    await page.getByLabel(/I confirm that I buy these/).check()
    await page.getByRole('button', { name: 'Check out and pay by card' }).click()
    await payOnStripe(page, total, 'stripe-commoner')
    // The webhook has been answered before Stripe's page redirects back.
    await page.reload()
    await poll(() => page.locator('.receipt__order .status').first().textContent()).toBe('Paid')
    const order = await db.selectFrom('orders').selectAll().where('checkoutId', '=', checkoutOnPage(page)).executeTakeFirstOrThrow()
    expect(order).toMatchObject({ status: 'paid', reciprocityClass: 'commoner', total: good.commonerPrice * 2, accessFeeTotal: 0 })
  })

  it('a for-profit buyer pays the access fee through Stripe Checkout and the fund rises by exactly its share', async () => {
    const page = await openPage(browser)
    await logIn(page, demoLogins.forProfitBuyer)
    const commons = await pickOffer('commons')
    const fundPage = `${server.url}/funds/${commons.fundSlug}`
    const balance = async () => {
      await page.goto(fundPage)
      return (await page.getByTestId('fund-balance').textContent())!.trim()
    }
    const before = await balance()
    const account = await db
      .selectFrom('ledgerAccounts')
      .select('id')
      .where('kind', '=', 'commons_fund')
      .where('commonsFundId', '=', commons.fundId)
      .executeTakeFirst()
    const ledgerBefore = account
      ? -Number(
          (
            await db
              .selectFrom('postings')
              .select((eb) => eb.fn.sum<number>('amount').as('s'))
              .where('accountId', '=', account.id)
              .executeTakeFirstOrThrow()
          ).s ?? 0,
        )
      : 0
    expect(before).toBe(formatMoney(ledgerBefore, 'EUR'))

    await page.goto(`${server.url}/offers/${commons.slug}`)
    await page.getByRole('button', { name: 'Get this commons item' }).click()
    await page.waitForURL(`${server.url}/cart?notice=added`)
    await page.getByLabel('Buying for').selectOption({ label: 'Northmoor Retail Group Ltd' })
    await page.getByRole('button', { name: 'Show my prices' }).click()
    await page.waitForURL(`${server.url}/cart?notice=buying-for`)
    const price = formatMoney(commons.forProfitPrice, 'EUR')
    await poll(() => page.locator('.cart-total').textContent()).toContain(price)
    await screenshot(page, 'cart-for-profit', { fullPage: true })
    await page.getByLabel(/I confirm that I buy these/).check()
    await page.getByRole('button', { name: 'Check out and pay by card' }).click()
    await payOnStripe(page, price, 'stripe-for-profit')
    await page.reload()
    await poll(() => page.locator('.receipt__order .status').first().textContent()).toBe('Paid')
    await expect(page.getByRole('heading', { name: 'Where your access fee went' }).isVisible()).resolves.toBe(true)
    await screenshot(page, 'receipt-for-profit', { fullPage: true })

    const line = await db
      .selectFrom('orderLines as l')
      .innerJoin('orders as o', 'o.id', 'l.orderId')
      .select(['l.commonsFundAmount', 'o.reciprocityClass', 'o.status'])
      .where('l.offerId', '=', commons.id)
      .where('o.checkoutId', '=', checkoutOnPage(page))
      .executeTakeFirstOrThrow()
    expect(line).toMatchObject({ reciprocityClass: 'for_profit', status: 'paid' })
    expect(line.commonsFundAmount).toBeGreaterThan(0)
    expect(await balance()).toBe(formatMoney(ledgerBefore + line.commonsFundAmount, 'EUR'))
    await poll(() => page.locator('section[aria-labelledby="movements-title"] tbody tr').first().textContent()).toContain(commons.title)
    await screenshot(page, 'fund-after-purchase', { fullPage: true })
    expect(await checkLedger(db)).toMatchObject({ ok: true, problems: [] })
  })
})

describe('the last units under a rush of checkouts', () => {
  it('many simultaneous checkouts over HTTP for the last 3 units sell exactly 3, and the ledger balances', async () => {
    // Ten buyers whose carts no other journey here fills, none of them of the selling
    // organisation, for a good the other journeys do not buy.
    const good = await pickOffer('good', { last: true })
    expect(good.id).not.toBe((await pickOffer('good')).id)
    const people = await db
      .selectFrom('people')
      .select('email')
      .where('email', 'not in', [demoLogins.commoner, demoLogins.forProfitBuyer])
      .where('id', 'not in', (eb) => eb.selectFrom('memberships').select('personId').where('organisationId', '=', good.organisationId))
      .orderBy('id')
      .limit(10)
      .execute()
    expect(people).toHaveLength(10)
    await db.updateTable('offers').set({ stock: 3 }).where('id', '=', good.id).execute()
    const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' as const })
    const cookies = await Promise.all(
      people.map(async ({ email }) => {
        const res = await fetch(`${server.url}/login`, form({ email, password: demoPassword, redirectTo: '/' }))
        const cookie = res.headers.get('set-cookie')!.split(';')[0]!
        const added = await fetch(`${server.url}/cart`, { ...form({ intent: 'add', offerId: String(good.id), quantity: '1' }), headers: { Cookie: cookie } })
        expect(added.status).toBe(302)
        return cookie
      }),
    )
    const results = await Promise.all(
      cookies.map((cookie, i) =>
        fetch(`${server.url}/checkout`, {
          ...form({ idempotencyKey: `rush-${Date.now()}-${i}`, declaredUse: 'personal', confirmUse: 'yes' }),
          headers: { Cookie: cookie },
        }),
      ),
    )
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 302)).toHaveLength(3)
    expect(statuses.filter((s) => s === 409)).toHaveLength(people.length - 3)
    expect((await db.selectFrom('offers').select('stock').where('id', '=', good.id).executeTakeFirstOrThrow()).stock).toBe(0)
    const sold = await db
      .selectFrom('orderLines')
      .select((eb) => eb.fn.sum<number>('quantity').as('n'))
      .where('offerId', '=', good.id)
      .where('orderId', 'in', (eb) => eb.selectFrom('orders').select('id').where('status', '=', 'pending_payment'))
      .executeTakeFirstOrThrow()
    expect(Number(sold.n)).toBe(3)
    expect(await checkLedger(db)).toMatchObject({ ok: true, problems: [] })
  })
})
