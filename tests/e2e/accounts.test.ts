import path from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newestMailTo } from '../../app/lib/mail.server'
import { demoLogins, demoPassword } from '../../db/seed/data'
import { startServer, tempDir, type RunningServer } from '../support/server'
import { launchBrowser, screenshotDir } from '../support/browser'

// Accounts in a real browser with JavaScript off: every form must work as plain HTML.
describe('accounts in a browser without JavaScript', () => {
  let server: RunningServer
  let browser: BrowserContext
  const outbox = tempDir('sm-e2e-outbox')
  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startServer({ OUTBOX_DIR: outbox }), launchBrowser({ javaScriptEnabled: false })])
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  const header = (page: Page) => page.getByRole('navigation', { name: 'Main' })

  it('signs up with field messages, logs out, and logs back in', async () => {
    const page = await browser.newPage()
    await page.goto(`${server.url}/signup?redirectTo=/`)
    await expect(page.title()).resolves.toBe('Sign up · Solidarity Market')
    await page.screenshot({ path: path.join(screenshotDir, 'signup.png'), fullPage: true })

    await page.getByLabel('Email address').fill('river@example.org')
    await page.getByLabel('Your name').fill('River Stone')
    await page.getByLabel('Password', { exact: true }).fill('password123')
    await page.getByLabel('Type the password again').fill('something else')
    await page.getByRole('button', { name: 'Create account' }).click()
    const passwordField = page.getByLabel('Password', { exact: true })
    await expect(passwordField.getAttribute('aria-invalid')).resolves.toBe('true')
    await expect(passwordField.getAttribute('aria-describedby')).resolves.toContain('field-password-error')
    await expect(page.locator('#field-password-error').textContent()).resolves.toMatch(/attackers try first/)
    await expect(page.locator('#field-confirmPassword-error').textContent()).resolves.toMatch(/not the same/)
    // What was typed stays, except the passwords.
    await expect(page.getByLabel('Email address').inputValue()).resolves.toBe('river@example.org')
    await expect(passwordField.inputValue()).resolves.toBe('')
    await page.screenshot({ path: path.join(screenshotDir, 'signup-errors.png'), fullPage: true })

    await passwordField.fill('river stones in the rain')
    await page.getByLabel('Type the password again').fill('river stones in the rain')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(`${server.url}/`)
    await header(page).getByRole('link', { name: /River Stone/ }).waitFor()

    await header(page).getByRole('button', { name: 'Log out' }).click()
    await page.waitForURL(`${server.url}/`)
    await header(page).getByRole('link', { name: 'Log in' }).click()
    await page.waitForURL(/\/login/)
    await page.getByLabel('Email address').fill('river@example.org')
    await page.getByLabel('Password').fill('not my password')
    await page.getByRole('button', { name: 'Log in' }).click()
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/don't match an account/)
    await page.screenshot({ path: path.join(screenshotDir, 'login-error.png'), fullPage: true })
  })

  it('brings a visitor back to the page they were on, and shows stewards their desk', async () => {
    const page = await browser.newPage()
    await page.goto(`${server.url}/?q=pasta`)
    await header(page).getByRole('link', { name: 'Log in' }).click()
    await page.waitForURL(/\/login\?redirectTo=/)
    await expect(page.title()).resolves.toBe('Log in · Solidarity Market')
    await page.screenshot({ path: path.join(screenshotDir, 'login.png'), fullPage: true })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.screenshot({ path: path.join(screenshotDir, 'login-mobile.png'), fullPage: true })
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.getByLabel('Email address').fill(demoLogins.steward)
    await page.getByLabel('Password').fill(demoPassword)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(`${server.url}/?q=pasta`)
    await header(page).getByRole('link', { name: 'Steward desk' }).waitFor()
    await header(page).getByRole('link', { name: /Sam Steward/ }).waitFor()
    await page.screenshot({ path: path.join(screenshotDir, 'header-steward.png') })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.screenshot({ path: path.join(screenshotDir, 'header-steward-mobile.png') })
  })

  it('resets a forgotten password through the link in the outbox', async () => {
    const page = await browser.newPage()
    await page.goto(`${server.url}/logout`)
    await page.getByRole('main').getByRole('button', { name: 'Log out' }).click()
    await page.waitForURL(`${server.url}/`)
    await page.goto(`${server.url}/login`)
    await page.getByRole('link', { name: 'Forgot your password?' }).click()
    await page.getByLabel('Email address').fill(demoLogins.commoner)
    await page.getByRole('button', { name: 'Send me a link' }).click()
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor()

    const mail = newestMailTo(demoLogins.commoner, outbox)
    const link = /http:\/\/(?:localhost|127\.0\.0\.1):\d+\/reset-password\/[A-Za-z0-9_-]{43}/.exec(mail!.text)![0]
    await page.goto(`${server.url}${new URL(link).pathname}`)
    await page.getByLabel('New password', { exact: true }).fill('a quiet library morning')
    await page.getByLabel('Type the new password again').fill('a quiet library morning')
    await page.getByRole('button', { name: 'Save new password' }).click()
    await page.waitForURL(/\/account/)
    await page.goto(`${server.url}/`)
    await header(page).getByRole('link', { name: /Noor Haddad/ }).waitFor()

    await page.goto(`${server.url}${new URL(link).pathname}`)
    await page.getByRole('heading', { name: 'This link no longer works' }).waitFor()
  })

  // Last: it uses up this machine's allowance of failed log-ins on the server.
  it('rate-limits by the socket address, whatever X-Client-Address the client sends', async () => {
    const attempt = (i: number) =>
      fetch(`${server.url}/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Client-Address': `10.0.0.${i}` },
        body: new URLSearchParams({ email: `spray${i}@example.org`, password: 'wrong guess' }),
        redirect: 'manual',
      })
    // Twenty failures from one socket address at most (an earlier test failed once already),
    // each claiming another address; the next one is refused all the same.
    const statuses: number[] = []
    for (let i = 0; i < 20; i++) statuses.push((await attempt(i)).status)
    expect(statuses.filter((s) => s === 400).length).toBeGreaterThanOrEqual(19)
    const limited = await attempt(99)
    expect(limited.status).toBe(429)
    expect(await limited.text()).toContain('Too many failed log-in attempts')
  })
})
