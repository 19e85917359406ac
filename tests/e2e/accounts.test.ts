import http from 'node:http'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newestMailTo } from '../../app/lib/mail.server'
import { demoLogins, demoPassword } from '../../db/seed/data'
import { startServer, tempDir, type RunningServer } from '../support/server'
import { launchBrowser, openPage, phone, poll, screenshot, WAIT_MS } from '../support/browser'

// Accounts in a real browser with JavaScript off: every form must work as plain HTML. The tests
// share one server but nothing else: each has its own browser context, changes only accounts it
// creates, and the log-in limits are counted from a network address of their own, so they pass
// in any order and alone.
describe('accounts in a browser without JavaScript', () => {
  let server: RunningServer
  let browser: Browser
  const outbox = tempDir('sm-e2e-outbox')
  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startServer({ OUTBOX_DIR: outbox }), launchBrowser()])
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  const header = (page: Page) => page.getByRole('navigation', { name: 'Main' })
  const newPage = () => openPage(browser, { javaScriptEnabled: false })

  it('signs up with field messages, logs out, and logs back in', async () => {
    const page = await newPage()
    await page.goto(`${server.url}/signup?redirectTo=/`)
    await expect(page.title()).resolves.toBe('Sign up · Solidarity Market')
    await screenshot(page, 'signup', { fullPage: true })

    await page.getByLabel('Email address').fill('river@example.org')
    await page.getByLabel('Your name').fill('River Stone')
    await page.getByLabel('Password', { exact: true }).fill('password123')
    await page.getByLabel('Type the password again').fill('something else')
    await page.getByRole('button', { name: 'Create account' }).click()
    // the reply is a new page: read it once its messages are there
    await page.locator('#field-password-error').waitFor()
    const passwordField = page.getByLabel('Password', { exact: true })
    await expect(passwordField.getAttribute('aria-invalid')).resolves.toBe('true')
    await expect(passwordField.getAttribute('aria-describedby')).resolves.toContain('field-password-error')
    await expect(page.locator('#field-password-error').textContent()).resolves.toMatch(/attackers try first/)
    await expect(page.locator('#field-confirmPassword-error').textContent()).resolves.toMatch(/not the same/)
    // What was typed stays, except the passwords.
    await expect(page.getByLabel('Email address').inputValue()).resolves.toBe('river@example.org')
    await expect(passwordField.inputValue()).resolves.toBe('')
    await screenshot(page, 'signup-errors', { fullPage: true })

    await passwordField.fill('river stones in the rain')
    await page.getByLabel('Type the password again').fill('river stones in the rain')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(`${server.url}/`)
    await header(page)
      .getByRole('link', { name: /River Stone/ })
      .waitFor()

    await header(page).getByRole('button', { name: 'Log out' }).click()
    await page.waitForURL(`${server.url}/`)
    await header(page).getByRole('link', { name: 'Log in' }).click()
    await page.waitForURL(/\/login/)
    await page.getByLabel('Email address').fill('river@example.org')
    await page.getByLabel('Password').fill('not my password')
    await page.getByRole('button', { name: 'Log in' }).click()
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/don't match an account/)
    await screenshot(page, 'login-error', { fullPage: true })
  })

  it('brings a visitor back to the page they were on, and shows stewards their desk', async () => {
    const page = await newPage()
    await page.goto(`${server.url}/?q=pasta`)
    await header(page).getByRole('link', { name: 'Log in' }).click()
    await page.waitForURL(/\/login\?redirectTo=/)
    await expect(page.title()).resolves.toBe('Log in · Solidarity Market')
    await screenshot(page, 'login', { fullPage: true })
    await screenshot(page, 'login-mobile', { fullPage: true, on: phone })
    await page.getByLabel('Email address').fill(demoLogins.steward)
    await page.getByLabel('Password').fill(demoPassword)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(`${server.url}/?q=pasta`)
    await header(page).getByRole('link', { name: 'Steward desk' }).waitFor()
    await header(page)
      .getByRole('link', { name: /Sam Steward/ })
      .waitFor()
    await screenshot(page, 'header-steward')
    await screenshot(page, 'header-steward-mobile', { on: phone })
  })

  it('resets a forgotten password through the link in the outbox', async () => {
    // An account of this test's own: the demo people keep their passwords for the others.
    const email = 'wren.fielding@example.org'
    const forgotten = 'a passphrase long since forgotten'
    const signedUp = await fetch(`${server.url}/signup`, {
      method: 'POST',
      body: new URLSearchParams({ email, displayName: 'Wren Fielding', password: forgotten, confirmPassword: forgotten, redirectTo: '/' }),
      redirect: 'manual',
    })
    expect(signedUp.status).toBe(302)

    const page = await newPage()
    await page.goto(`${server.url}/login`)
    await page.getByRole('link', { name: 'Forgot your password?' }).click()
    await page.getByLabel('Email address').fill(email)
    await page.getByRole('button', { name: 'Send me a link' }).click()
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor()

    const resetLink = /http:\/\/(?:localhost|127\.0\.0\.1):\d+\/reset-password\/[A-Za-z0-9_-]{43}/
    await poll(() => newestMailTo(email, outbox)?.text).toMatch(resetLink)
    const link = resetLink.exec(newestMailTo(email, outbox)!.text)![0]
    await page.goto(`${server.url}${new URL(link).pathname}`)
    await page.getByLabel('New password', { exact: true }).fill('a quiet library morning')
    await page.getByLabel('Type the new password again').fill('a quiet library morning')
    await page.getByRole('button', { name: 'Save new password' }).click()
    await page.waitForURL(/\/account/)
    await page.goto(`${server.url}/`)
    await header(page)
      .getByRole('link', { name: /Wren Fielding/ })
      .waitFor()

    await page.goto(`${server.url}${new URL(link).pathname}`)
    await page.getByRole('heading', { name: 'This link no longer works' }).waitFor()
  })

  it('rate-limits by the socket address, whatever X-Client-Address the client sends', async () => {
    // From a loopback address no other test connects from: the count starts at zero, and the
    // browser tests' own failed log-ins (from 127.0.0.1) are neither counted here nor refused.
    const attempt = (i: number) =>
      postFrom('127.0.0.23', `${server.url}/login`, { email: `spray${i}@example.org`, password: 'wrong guess' }, { 'X-Client-Address': `10.0.0.${i}` })
    // Twenty failures from one socket address, each claiming another address; the next one is
    // refused all the same.
    const statuses: number[] = []
    for (let i = 0; i < 20; i++) statuses.push((await attempt(i)).status)
    expect(statuses).toEqual(Array(20).fill(400))
    const limited = await attempt(99)
    expect(limited.status).toBe(429)
    expect(limited.body).toContain('Too many failed log-in attempts')
  })
})

/** Posts a form as a browser without JavaScript does, from the loopback address `from` (any of 127.0.0.0/8). */
function postFrom(from: string, url: string, fields: Record<string, string>, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams(fields).toString()
    const request = http.request(url, {
      method: 'POST',
      localAddress: from,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), ...headers },
      timeout: WAIT_MS,
    })
    request.on('response', (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk) => (text += chunk))
      response.on('end', () => resolve({ status: response.statusCode!, body: text }))
    })
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within ${WAIT_MS} ms`)))
    request.on('error', reject)
    request.end(body)
  })
}
