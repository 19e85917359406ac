import http from 'node:http'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../support/server'
import { demoPassword } from '../../db/seed/data'

// Statuses as they leave the production server (build/server.js, single fetch on): a route
// can hand Remix a status that never reaches the wire, so these ask over real HTTP.

const fund = 'community-care-commons'
const coop = 'cooperativa-tessile-aurora'

async function logIn(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ email, password: demoPassword }) })
  expect(res.status).toBe(302)
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
}

const status = async (res: Response) => {
  await res.arrayBuffer()
  return res.status
}

describe('resource routes over HTTP', { timeout: 30_000 }, () => {
  let server: RunningServer
  let member: string
  let stranger: string
  beforeAll(async () => {
    server = await startServer()
    ;[member, stranger] = await Promise.all([logIn(server.url, 'giulia.ferraris@example.org'), logIn(server.url, 'noor.haddad@example.org')])
  }, 90_000)
  afterAll(async () => server?.stop())

  it('the Stripe webhook without Stripe configured: 404 to a post, 405 (Allow: POST) to a GET', async () => {
    const post = await fetch(`${server.url}/webhooks/stripe`, { method: 'POST', body: '{}', headers: { 'Stripe-Signature': 't=1,v1=abc' } })
    expect(post.status).toBe(404)
    expect(await post.json()).toEqual({ error: 'Card payments are not configured on this server.' })
    const get = await fetch(`${server.url}/webhooks/stripe`)
    expect(get.status).toBe(405)
    expect(get.headers.get('Allow')).toBe('POST')
  })

  it('fund exports and the report JSON: 404 for an unknown fund, 400 naming a bad year, in one log line at most', async () => {
    expect(await status(await fetch(`${server.url}/funds/${fund}/movements.csv`))).toBe(200)
    expect(await status(await fetch(`${server.url}/funds/no-such-fund/movements.csv`))).toBe(404)
    expect(await status(await fetch(`${server.url}/funds/no-such-fund/movements.json`))).toBe(404)
    expect(await status(await fetch(`${server.url}/funds/no-such-fund/report.json?year=2026`))).toBe(404)
    const logBefore = server.output().length
    for (const year of ['abc', '1e3', '0x7e9']) {
      const res = await fetch(`${server.url}/funds/${fund}/report.json?year=${year}`)
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({ error: 'year: The year must be a number, such as 2026.' })
    }
    const logged = server.output().slice(logBefore)
    expect(logged).not.toMatch(/ErrorResponse|status:|\{/)
    expect(logged.split('\n').filter(Boolean).length).toBeLessThanOrEqual(3)
  })

  it('images: 404 for an unknown or impossible name', async () => {
    expect(await status(await fetch(`${server.url}/images/${'a'.repeat(32)}-thumb.webp`))).toBe(404)
    expect(await status(await fetch(`${server.url}/images/..%2Fsecret`))).toBe(404)
  })

  it('downloads: to log in when anonymous, 403 for what was not obtained', async () => {
    const anonymous = await fetch(`${server.url}/downloads/1`, { redirect: 'manual' })
    expect(anonymous.status).toBe(302)
    expect(anonymous.headers.get('Location')).toMatch(/^\/login/)
    expect(await status(await fetch(`${server.url}/downloads/999999`, { headers: { Cookie: stranger } }))).toBe(403)
  })

  it('listing and sales CSVs: 200 for a member, 403 for anyone else, 400 for a bad date', async () => {
    expect(await status(await fetch(`${server.url}/organisations/${coop}/listings.csv`, { headers: { Cookie: member } }))).toBe(200)
    expect(await status(await fetch(`${server.url}/organisations/${coop}/listings.csv`, { headers: { Cookie: stranger } }))).toBe(403)
    expect(await status(await fetch(`${server.url}/organisations/no-such-coop/listings.csv`, { headers: { Cookie: member } }))).toBe(404)
    expect(await status(await fetch(`${server.url}/organisations/${coop}/sales.csv`, { headers: { Cookie: member } }))).toBe(200)
    expect(await status(await fetch(`${server.url}/organisations/${coop}/sales.csv`, { headers: { Cookie: stranger } }))).toBe(403)
    expect(await status(await fetch(`${server.url}/organisations/${coop}/sales.csv?from=yesterday`, { headers: { Cookie: member } }))).toBe(400)
  })

  it('the open-data API and health: 404 and 405 as JSON, 200 while the database answers', async () => {
    expect(await status(await fetch(`${server.url}/api/v1/no-such-thing`))).toBe(404)
    expect(await status(await fetch(`${server.url}/api/v1/offers`, { method: 'POST' }))).toBe(405)
    expect(await status(await fetch(`${server.url}/healthz`))).toBe(200)
  })

  it('a refused form keeps its 400, as a page and through single fetch', async () => {
    const form = new URLSearchParams({ email: 'not-an-email', password: 'x' })
    expect(await status(await fetch(`${server.url}/login`, { method: 'POST', body: form }))).toBe(400)
    expect(await status(await fetch(`${server.url}/login.data`, { method: 'POST', body: form }))).toBe(400)
    const cart = new URLSearchParams({ intent: 'add', offerId: '1', quantity: 'many' })
    expect(await status(await fetch(`${server.url}/cart`, { method: 'POST', body: cart, headers: { Cookie: stranger } }))).toBe(400)
  })

  it('refuses a post from another site (or a null origin) with a readable 403, and accepts its own', async () => {
    const form = new URLSearchParams({ email: 'someone@example.org', password: 'wrong' })
    for (const origin of ['https://evil.example', 'null', `${server.url.replace('http:', 'https:')}`]) {
      const res = await fetch(`${server.url}/login`, { method: 'POST', body: form, headers: { Origin: origin } })
      expect(res.status).toBe(403)
      expect(res.headers.get('Content-Type')).toMatch(/^text\/html/)
      expect(await res.text()).toContain('This form came from another site')
    }
    const own = await fetch(`${server.url}/login`, { method: 'POST', body: form, headers: { Origin: server.url } })
    expect(await status(own)).toBe(400)
    expect(server.output()).not.toMatch(/does not match `origin` header/)
  })

  it('answers a malformed %-escape with 400 and logs no stack trace', async () => {
    const logBefore = server.output().length
    for (const path of ['/offers/%E0%A4%A', '/%ZZ', '/funds/%C0']) {
      const res = await fetch(`${server.url}${path}`)
      expect(res.status).toBe(400)
      expect(await res.text()).toContain('That address is not valid')
    }
    expect(server.output().slice(logBefore)).not.toMatch(/URIError|\n\s+at /)
  })

  it('answers a 10 MB chunked body to a 64 kB form with 413 and a message, not a reset', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { port } = new URL(server.url)
      const req = http.request({
        host: '127.0.0.1',
        port,
        path: '/login',
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' },
      })
      req.on('response', (res) => {
        let body = ''
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode!, body }))
      })
      req.on('error', reject)
      const chunk = Buffer.alloc(64 * 1024, 'a')
      let sent = 0
      const write = () => {
        while (sent < 10 * 1024 * 1024) {
          sent += chunk.length
          if (!req.write(chunk)) return void req.once('drain', write)
        }
        req.end()
      }
      write()
    })
    expect(answer.status).toBe(413)
    expect(answer.body).toContain('This form is larger than we accept.')
    // The server is still serving.
    expect(await status(await fetch(`${server.url}/healthz`))).toBe(200)
  })
})

describe('the Stripe webhook with Stripe configured', () => {
  let server: RunningServer
  const webhookSecret = 'whsec_statuses_test_secret'
  beforeAll(async () => {
    // Nothing here reaches Stripe's API: a refused delivery is refused before any call.
    server = await startServer({ STRIPE_SECRET_KEY: 'sk_test_statuses0000', STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_URL: 'http://127.0.0.1:9' })
  }, 90_000)
  afterAll(async () => server?.stop())

  const event = JSON.stringify({ id: 'evt_status_1', object: 'event', type: 'customer.created', data: { object: { id: 'cus_1', object: 'customer' } } })
  const post = (headers: Record<string, string>, body = event) =>
    fetch(`${server.url}/webhooks/stripe`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } })

  it('400 to a missing or forged signature, so Stripe retries after a secret rotation', async () => {
    const missing = await post({})
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({ error: 'Missing Stripe-Signature header.' })
    const forged = await post({ 'Stripe-Signature': Stripe.webhooks.generateTestHeaderString({ payload: event, secret: 'whsec_someone_elses_secret' }) })
    expect(forged.status).toBe(400)
    expect(await forged.json()).toEqual({ error: 'The signature does not match this payload.' })
  })

  it('405 to a GET or a PUT, 200 to a signed event', async () => {
    expect(await status(await fetch(`${server.url}/webhooks/stripe`))).toBe(405)
    expect(await status(await fetch(`${server.url}/webhooks/stripe`, { method: 'PUT', body: event }))).toBe(405)
    const signed = await post({ 'Stripe-Signature': Stripe.webhooks.generateTestHeaderString({ payload: event, secret: webhookSecret }) })
    expect(signed.status).toBe(200)
    expect(await signed.json()).toMatchObject({ received: true })
  })
})
