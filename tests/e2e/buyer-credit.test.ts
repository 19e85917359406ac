import type { Browser, Page } from 'playwright-core'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../db/connection'
import { demoLogins, demoPassword } from '../../db/seed/data'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { formatMoney } from '../../app/lib/money'
import { recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { reviewEvidence, submitEvidence } from '../../app/modules/orders/reclassification.server'
import { launchBrowser, logInAs, openPage, phone, poll, screenshot } from '../support/browser'
import { startServerWithStripe, type RunningServer } from '../support/server'
import type { LocalStripe } from '../support/stripe-server'

// Issue 12's credit journey in Chromium against the production build: a worker co-op that paid
// access fees while its legal form awaited verification is verified; the credit it is owed
// pays its next order by itself, and what is left is paid out once a steward approves.

let server: RunningServer
let browser: Browser
let stripe: LocalStripe
let db: Database

beforeAll(async () => {
  const [started, context] = await Promise.all([startServerWithStripe('sm-credit'), launchBrowser()])
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

const logIn = (page: Page, email: string) => logInAs(page, server.url, email, demoPassword)
const personId = async (email: string) => (await db.selectFrom('people').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id

describe('a buyer credit in a real browser', () => {
  it('pays the co-op’s next order by itself, and the rest is paid out after a steward approves', async () => {
    // A good whose access fee on three units is more than one unit's commoner price.
    const offer = await db
      .selectFrom('offers as o')
      .innerJoin('offerScores as s', 's.offerId', 'o.id')
      .innerJoin('memberships as m', (j) => j.onRef('m.organisationId', '=', 'o.organisationId').on('m.role', '=', 'admin'))
      .select(['o.id', 'o.slug', 'o.title', 'o.commonerPrice', 'o.forProfitPrice', 'm.personId as sellerId'])
      .where('o.kind', '=', 'good')
      .where('o.status', '=', 'active')
      .where('o.currency', '=', 'EUR')
      .where('o.stock', '>=', 10)
      .where('s.listed', '=', 1)
      .where('o.commonerPrice', '>', 0)
      .where(sql<boolean>`(o.for_profit_price - o.commoner_price) * 3 > o.commoner_price`)
      .orderBy('o.id')
      .executeTakeFirstOrThrow()
    const noor = await personId(demoLogins.commoner)
    const org = await db
      .insertInto('organisations')
      .values({ slug: 'riverside-bakers', name: 'Riverside Bakers', legalForm: 'worker_coop', countryCode: 'IT', city: 'Turin' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.insertInto('memberships').values({ organisationId: org.id, personId: noor, role: 'admin' }).execute()
    // Bought while its form awaited verification: for-profit price, paid by transfer.
    const first = await placeOrder(db, {
      buyer: { personId: noor, use: { kind: 'organisation', organisationId: org.id } },
      lines: [{ offerId: offer.id, quantity: 3 }],
      idempotencyKey: `credit-journey-${Date.now()}`,
      paymentProvider: 'invoice',
    })
    await recordInvoicePayment(db, { orderId: first.orderIds[0]!, personId: offer.sellerId })
    const claim = await submitEvidence(db, noor, org.id, { claim: 'legal_form', value: 'worker_coop', source: 'Registro imprese TO-4471' })
    await reviewEvidence(db, await personId(demoLogins.steward), claim.id, { approve: true, reason: 'Checked the registry entry.' })
    const credit = (offer.forProfitPrice - offer.commonerPrice) * 3
    const left = credit - offer.commonerPrice

    const page = await openPage(browser)
    await logIn(page, demoLogins.commoner)
    await page.goto(`${server.url}/account`)
    await poll(() => page.locator('main').textContent()).toContain(`${formatMoney(credit, 'EUR')} is owed back to Riverside Bakers`)
    await page.getByRole('link', { name: 'See why, and what it has paid' }).click()
    await page.waitForURL(`${server.url}/organisations/riverside-bakers/credit`)
    await poll(() => page.locator('main').textContent()).toContain('Riverside Bakers is now a commoner')

    // The next order, for the co-op: its credit pays it in full, nothing goes to Stripe.
    await page.goto(`${server.url}/offers/${offer.slug}`)
    await page.getByRole('button', { name: /Add to cart/ }).click()
    await page.waitForURL(`${server.url}/cart?notice=added`)
    await page.getByLabel('Buying for').selectOption({ label: 'Riverside Bakers' })
    await page.getByRole('button', { name: 'Show my prices' }).click()
    await page.waitForURL(/notice=buying-for/)
    await poll(() => page.locator('.cart-summary').textContent()).toContain(
      `Riverside Bakers’s credit pays ${formatMoney(offer.commonerPrice, 'EUR')} of it: all of it, nothing is left to pay.`,
    )
    await page.getByLabel(/I confirm that I buy these/).check()
    await page.getByRole('button', { name: 'Place order (paid from the credit)' }).click()
    await page.waitForURL((url) => url.pathname.startsWith('/orders/'))
    await poll(() => page.locator('.receipt__totals').textContent()).toContain(`Paid from Riverside Bakers’s credit${formatMoney(offer.commonerPrice, 'EUR')}`)
    await screenshot(page, 'receipt-paid-from-credit', { fullPage: true })

    // The rest is paid out: the admin asks, a steward from outside the co-op approves.
    await page.goto(`${server.url}/organisations/riverside-bakers/credit`)
    await page.getByLabel('Amount (EUR)').fill('abc')
    await page.getByLabel(/Pay to/).fill('Riverside Bakers, IT60 X054 2811 1010 0000 0123 456')
    await page.getByRole('button', { name: 'Ask a steward to pay it out' }).click()
    await poll(() => page.locator('.field-error').first().textContent()).toContain('Enter the amount to pay out')
    await page.getByLabel('Amount (EUR)').fill((left / 100).toFixed(2))
    await page.getByRole('button', { name: 'Ask a steward to pay it out' }).click()
    await page.waitForURL(/notice=requested/)
    await poll(() => page.locator('main').textContent()).toContain('Awaiting a steward')
    await screenshot(page, 'credit-page', { fullPage: true })
    await screenshot(page, 'credit-page-phone', { fullPage: true, on: phone })

    await logIn(page, demoLogins.steward)
    await page.goto(`${server.url}/steward`)
    const request = page.locator('li', { hasText: 'Riverside Bakers asks for' })
    await request.getByLabel('Reason the organisation will read').fill('Matches the credit entries on its page.')
    await request.getByRole('button', { name: 'Approve and post the payout' }).click()
    await page.waitForURL(/notice=credit-paid/)

    const org2 = await db.selectFrom('creditPayouts').select(['status', 'amount']).executeTakeFirstOrThrow()
    expect(org2).toEqual({ status: 'approved', amount: left })
    expect(await checkLedger(db)).toMatchObject({ ok: true, problems: [] })
  })
})
