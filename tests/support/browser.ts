import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { expect, onTestFinished } from 'vitest'
import { projectRoot } from './server'

/**
 * How long any one wait in a browser journey may last: an element to appear, a navigation, a
 * poll for new data. Set once, here, for every wait. A loaded 2-core machine (CI, or several
 * test runs at once) can take many seconds for one page; a passing run never waits this long,
 * so the figure only bounds how long a real failure takes to be reported.
 */
export const WAIT_MS = 30_000

/** Polls `read` until the assertion chained on it holds, for at most WAIT_MS. */
export function poll<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: WAIT_MS, interval: 100 })
}

/** Debian's headless Chromium; each test opens its own pages in it with openPage. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: WAIT_MS,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * A page in a browser context of its own, closed when the test ends: no cookie, storage or
 * cache of another test reaches it, whichever ran first. Every wait on it lasts up to WAIT_MS.
 */
export async function openPage(browser: Browser, options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, ...options })
  onTestFinished(() => context.close())
  context.setDefaultTimeout(WAIT_MS)
  context.setDefaultNavigationTimeout(WAIT_MS)
  return context.newPage()
}

/** Logs `email` in through the login form, in a page whose browser forgets any earlier session first. */
export async function logInAs(page: Page, baseUrl: string, email: string, password: string) {
  await page.context().clearCookies()
  await page.goto(`${baseUrl}/login`)
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
}

export const screenshotDir = path.join(projectRoot, 'tests/artifacts')
export const phone = { width: 390, height: 844 }
const written = new Set<string>()

/**
 * Saves tests/artifacts/<test file>-<name>.png. The test file's name is the prefix, so two
 * journeys never overwrite each other's pictures; a name written twice by one file throws.
 * With `on: phone` the picture is taken at a phone's width, and the page gets its size back.
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean; on?: typeof phone } = {}) {
  const file = path.basename(expect.getState().testPath ?? '', '.test.ts')
  if (!file) throw new Error('screenshot() is for use inside a test')
  const target = path.join(screenshotDir, `${file}-${name}.png`)
  if (written.has(target)) throw new Error(`${path.relative(projectRoot, target)} was already written by this test file`)
  written.add(target)
  fs.mkdirSync(screenshotDir, { recursive: true })
  const size = page.viewportSize()
  if (options.on) await page.setViewportSize(options.on)
  await page.screenshot({ path: target, fullPage: options.fullPage ?? false })
  if (options.on && size) await page.setViewportSize(size)
}
