import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../db/connection'
import { demoLogins, demoPassword } from '../../db/seed/data'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { formatMoney } from '../../app/lib/money'
import { launchBrowser, logInAs, openPage, poll, screenshot } from '../support/browser'
import { startServerWithStripe, type RunningServer } from '../support/server'
import type { LocalStripe } from '../support/stripe-server'

// Issue 7's journey in Chromium against the production build: a for-profit purchase shows up
// as an inflow on its commons fund's page and in its chart; the fund's admin asks for a payout,
// a steward approves it, and the balance drops by exactly that amount.

let server: RunningServer
let browser: Browser
let stripe: LocalStripe
let db: Database

beforeAll(async () => {
  const [started, context] = await Promise.all([startServerWithStripe('sm-funds'), launchBrowser()])
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

const balanceText = async (page: Page) => (await page.getByTestId('fund-balance').textContent())!.trim()

describe('commons funds in a real browser', () => {
  it('a for-profit purchase flows into the fund page and its chart; a payout is asked, approved, and the balance drops', async () => {
    // A commons item whose fund is stewarded by an organisation with an admin (the fund admin).
    const offer = await db
      .selectFrom('offers as o')
      .innerJoin('offerScores as s', 's.offerId', 'o.id')
      .innerJoin('commonsFunds as f', 'f.id', 'o.commonsFundId')
      .innerJoin('memberships as m', (j) => j.onRef('m.organisationId', '=', 'f.stewardOrganisationId').on('m.role', '=', 'admin'))
      .innerJoin('people as p', 'p.id', 'm.personId')
      .select(['o.id', 'o.slug', 'o.title', 'o.forProfitPrice', 'f.slug as fundSlug', 'p.email as fundAdmin'])
      .where('o.kind', '=', 'commons')
      .where('o.status', '=', 'active')
      .where('s.listed', '=', 1)
      .where('p.isSteward', '=', 0)
      .orderBy('o.id')
      .executeTakeFirstOrThrow()
    const page = await openPage(browser)
    await page.goto(`${server.url}/funds/${offer.fundSlug}`)
    const before = await balanceText(page)

    await logIn(page, demoLogins.forProfitBuyer)
    await page.goto(`${server.url}/offers/${offer.slug}`)
    await page.getByRole('button', { name: 'Get this commons item' }).click()
    await page.waitForURL(`${server.url}/cart?notice=added`)
    await page.getByLabel('Buying for').selectOption({ label: 'Northmoor Retail Group Ltd' })
    await page.getByRole('button', { name: 'Show my prices' }).click()
    await page.waitForURL(/notice=buying-for/)
    await poll(() => page.locator('.cart-total').textContent()).toContain(formatMoney(offer.forProfitPrice, 'EUR'))
    await page.getByLabel(/I confirm that I buy these/).check()
    await page.getByRole('button', { name: 'Check out and pay by card' }).click()
    await page.waitForURL((url) => url.href.startsWith(stripe.url))
    await page.getByRole('button', { name: 'Pay' }).click()
    await page.waitForURL((url) => url.href.startsWith(server.url) && url.pathname.startsWith('/orders/'))
    await page.getByRole('link', { name: /Follow it into the funds/ }).click()
    await page.waitForURL(/\/fee$/)
    const line = await db
      .selectFrom('orderLines as l')
      .innerJoin('orders as o', 'o.id', 'l.orderId')
      .select(['l.commonsFundAmount', 'o.status', 'o.paidAt'])
      .where('l.offerId', '=', offer.id)
      .orderBy('l.id', 'desc')
      .executeTakeFirstOrThrow()
    expect(line.status).toBe('paid')
    await poll(() => page.locator('h2', { hasText: formatMoney(line.commonsFundAmount, 'EUR') }).count()).toBe(1)
    await screenshot(page, 'fee-trail', { fullPage: true })

    // The fund page: the new inflow on top, and in this month's column of the chart.
    await page.goto(`${server.url}/funds/${offer.fundSlug}`)
    const firstMovement = page.locator('section[aria-labelledby="movements-title"] tbody tr').first()
    expect(await firstMovement.textContent()).toContain(offer.title)
    expect(await firstMovement.textContent()).toContain('bought by a for-profit buyer')
    expect(await firstMovement.textContent()).toContain(formatMoney(line.commonsFundAmount, 'EUR'))
    const month = line.paidAt!.slice(0, 7)
    const account = await db
      .selectFrom('ledgerAccounts')
      .select('id')
      .where('kind', '=', 'commons_fund')
      .where('commonsFundId', '=', (eb) => eb.selectFrom('commonsFunds').select('id').where('slug', '=', offer.fundSlug))
      .executeTakeFirstOrThrow()
    const monthInflow = await db
      .selectFrom('postings as p')
      .innerJoin('journalEntries as e', 'e.id', 'p.entryId')
      .select((eb) => eb.fn.sum<number>('p.amount').as('s'))
      .where('p.accountId', '=', account.id)
      .where('p.amount', '<', 0)
      .where('e.createdAt', 'like', `${month}%`)
      .executeTakeFirstOrThrow()
    expect(-Number(monthInflow.s)).toBeGreaterThanOrEqual(line.commonsFundAmount)
    // The bar's title names the month as the reader's language does ("December 2026").
    const monthName = new Intl.DateTimeFormat('en-IE', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`))
    const bar = page.locator('figure', { hasText: 'Money in per month' }).locator('rect title', { hasText: monthName })
    expect(await bar.textContent()).toContain(formatMoney(-Number(monthInflow.s), 'EUR'))
    const afterPurchase = await balanceText(page)
    expect(afterPurchase).not.toBe(before)
    await screenshot(page, 'after-purchase', { fullPage: true })

    // The fund's admin asks for a payout; a steward approves it.
    await logIn(page, offer.fundAdmin)
    await page.goto(`${server.url}/funds/${offer.fundSlug}`)
    await page.getByText('Ask for a payout').click()
    await page.getByLabel(/^Amount/).fill('5.00')
    await page.getByLabel('Who receives it').fill('Pattern testers’ circle')
    await page.getByLabel('What it is for').fill('Test-knitting the new winter patterns')
    await page.getByRole('button', { name: 'Ask a steward to approve it' }).click()
    await page.waitForURL(/notice=requested/)
    await page.getByText(/^Requested\. A steward other than you decides/).waitFor()
    expect(await balanceText(page)).toBe(afterPurchase)

    await logIn(page, demoLogins.steward)
    await page.goto(`${server.url}/steward`)
    await page.getByRole('link', { name: /Pattern testers’ circle/ }).click()
    const request = page.locator('.order-list__item', { hasText: 'Pattern testers’ circle' })
    await request.getByLabel(/Reason/).fill('Within the fund’s purpose')
    await request.getByRole('button', { name: 'Approve and pay out' }).click()
    await page.waitForURL(/notice=approved/)
    const ledgerBalance = -Number(
      (
        await db
          .selectFrom('postings')
          .select((eb) => eb.fn.sum<number>('amount').as('s'))
          .where('accountId', '=', account.id)
          .executeTakeFirstOrThrow()
      ).s,
    )
    // the client-side navigation updates the address a moment before the page shows the new data
    await poll(() => balanceText(page)).toBe(formatMoney(ledgerBalance, 'EUR'))
    const afterText = afterPurchase.replace(/[^\d.]/g, '')
    expect(Math.round(Number(afterText) * 100) - 500).toBe(ledgerBalance)
    await poll(() => page.locator('.audit li').first().textContent()).toContain('disbursement approved')
    await screenshot(page, 'after-payout', { fullPage: true })
    await page.getByRole('link', { name: /annual report/ }).click()
    await page.waitForURL(/\/report\/\d{4}$/)
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/annual report/)
    await poll(() => page.locator('.report').textContent()).toContain('Pattern testers’ circle')
    await screenshot(page, 'annual-report', { fullPage: true })
    expect(await checkLedger(db)).toMatchObject({ ok: true, problems: [] })
  })
})
