import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { projectRoot, tempDir } from './server'

export const screenshotDir = path.join(projectRoot, 'tests/artifacts')

/** Debian's headless Chromium, in a throw-away profile. */
export async function launchBrowser(options: { javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tempDir('sm-chromium'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    ...options,
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

/** Logs `email` in through the login form, in a page whose browser forgets any earlier session first. */
export async function logInAs(page: Page, baseUrl: string, email: string, password: string) {
  await page.context().clearCookies()
  await page.goto(`${baseUrl}/login`)
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
}
