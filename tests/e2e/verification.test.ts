import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../db/connection'
import { demoPassword } from '../../db/seed/data'
import { isVerifiedOrganisation } from '../../app/modules/evidence/legal-form.server'
import { startServer, tempDir, type RunningServer } from '../support/server'
import { launchBrowser, logInAs, openPage, screenshot } from '../support/browser'

// The journey of docs/design.md's "Verification": a new worker co-op buys as for-profit until two
// verified co-ops attest it; a steward overturns the attested claim after a challenge.

let server: RunningServer
let browser: Browser
let attesters: string[]
let challenger: string

beforeAll(async () => {
  const databasePath = path.join(tempDir('sm-verify'), 'market.db')
  ;[server, browser] = await Promise.all([startServer({ DATABASE_PATH: databasePath }), launchBrowser()])
  // Two admins of different verified organisations, and someone with no organisation.
  const db = openDatabase(databasePath)
  const admins = await db
    .selectFrom('memberships as m')
    .innerJoin('people as p', 'p.id', 'm.personId')
    .select(['p.email', 'm.organisationId'])
    .where('m.role', '=', 'admin')
    .orderBy('p.id')
    .execute()
  const chosen: string[] = []
  const seenOrgs = new Set<number>()
  for (const a of admins) {
    if (chosen.length === 2) break
    if (seenOrgs.has(a.organisationId) || chosen.includes(a.email)) continue
    if (await isVerifiedOrganisation(db, a.organisationId)) {
      chosen.push(a.email)
      seenOrgs.add(a.organisationId)
    }
  }
  attesters = chosen
  const loner = await db
    .selectFrom('people as p')
    .leftJoin('memberships as m', 'm.personId', 'p.id')
    .select('p.email')
    .where('m.personId', 'is', null)
    .where('p.isSteward', '=', 0)
    .executeTakeFirstOrThrow()
  challenger = loner.email
  await db.destroy()
  expect(attesters).toHaveLength(2)
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

const logIn = (page: Page, email: string, password = demoPassword) => logInAs(page, server.url, email, password)

async function classOnAccount(page: Page, organisation: string) {
  await page.goto(`${server.url}/account`)
  const line = page.locator('.buying-as li', { hasText: `On behalf of ${organisation}` })
  return (await line.locator('.class').textContent())?.trim()
}

describe('verification in a real browser', () => {
  it('a new worker co-op becomes a commoner through two attestations, and back after an upheld challenge', async () => {
    const page = await openPage(browser)
    const email = 'fiorella.founder@example.org'
    const password = 'a long enough passphrase'
    const organisation = 'Officina Comune Bologna'

    // Sign up and register a worker co-op.
    await page.goto(`${server.url}/signup`)
    await page.getByLabel('Email address').fill(email)
    await page.getByLabel('Your name').fill('Fiorella Founder')
    await page.getByLabel('Password', { exact: true }).fill(password)
    await page.getByLabel('Type the password again').fill(password)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(/\/account$/)
    await page.getByRole('link', { name: 'Register an organisation' }).click()
    await page.getByLabel('Name').fill(organisation)
    await page.getByLabel('Legal form').selectOption('worker_coop')
    await page.getByLabel('Country code').fill('IT')
    await page.getByLabel('City or town').fill('Bologna')
    await page.getByRole('button', { name: 'Register' }).click()
    await page.waitForURL(/\/manage\?created=1$/)
    const slug = new URL(page.url()).pathname.split('/')[2]!
    expect(await classOnAccount(page, organisation)).toBe('for-profit')

    // Two admins of verified co-ops attest it.
    for (const attester of attesters) {
      await logIn(page, attester)
      await page.goto(`${server.url}/organisations/${slug}/attest`)
      await page.getByLabel('What you know of them, and how').fill(`We have worked with ${organisation} on shared orders since 2024.`)
      await page.getByRole('button', { name: 'Attest' }).click()
      await page.waitForURL(/notice=attested/)
    }
    await logIn(page, email, password)
    expect(await classOnAccount(page, organisation)).toBe('commoner')
    await screenshot(page, 'account-commoner', { fullPage: true })

    // Someone challenges the peer-attested legal form; a steward upholds the challenge.
    await logIn(page, challenger)
    await page.goto(`${server.url}/organisations/${slug}`)
    await page
      .getByRole('link', { name: /Challenge the claim Legal form: Worker co-op/ })
      .last()
      .click()
    await page.getByLabel('What is wrong with it, and how do you know?').fill('Neither attester has seen their statutes; they met once at a fair.')
    await page.getByRole('button', { name: 'Send the challenge' }).click()
    await page.waitForURL(/notice=challenged/)

    await logIn(page, 'steward@example.org')
    await page.goto(`${server.url}/steward`)
    const item = page.locator('.queue li', { hasText: organisation })
    await item.getByLabel('Reason the organisation will read').fill('The attesters confirmed they never saw the statutes.')
    await item.getByRole('button', { name: 'Uphold: overturn the claim' }).click()
    await page.waitForURL(/notice=decided/)
    await page.getByText('Decision recorded in the organisation’s audit trail.').waitFor()
    await screenshot(page, 'steward-desk', { fullPage: true })

    await logIn(page, email, password)
    expect(await classOnAccount(page, organisation)).toBe('for-profit')
    await page.goto(`${server.url}/organisations/${slug}/manage`)
    await expect(page.locator('.audit').textContent()).resolves.toContain('Challenge upheld: claim overturned')
    await screenshot(page, 'workspace', { fullPage: true })
  })
})
