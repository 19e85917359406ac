import http from 'node:http'
import type net from 'node:net'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nonEmpty } from '../support/lists'
import { decodeForm, formatMoney, startLocalStripe, type LocalStripe } from '../support/stripe-server'

interface Receiver {
  url: string
  events: Stripe.Event[]
  rejected: string[]
  close(): Promise<void>
}

/** A tiny webhook endpoint that accepts only events signed with `secret`, as the app's must. */
async function startReceiver(secret: () => string): Promise<Receiver> {
  const verifier = new Stripe('sk_test_unused')
  const events: Stripe.Event[] = []
  const rejected: string[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      try {
        const event = verifier.webhooks.constructEvent(body, req.headers['stripe-signature'] ?? '', secret())
        events.push(event)
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end('{"received":true}')
      } catch (err) {
        rejected.push(err instanceof Error ? err.message : String(err))
        res.writeHead(400, { 'Content-Type': 'text/plain' })
        res.end('bad signature')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    events,
    rejected,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

const SUCCESS_URL = 'https://market.example/orders/thanks?session_id={CHECKOUT_SESSION_ID}'
const CANCEL_URL = 'https://market.example/basket'

function sessionParams(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    line_items: [
      { price_data: { currency: 'EUR', unit_amount: 1250, product_data: { name: 'Sourdough starter kit' } }, quantity: 2 },
      { price_data: { currency: 'eur', unit_amount: 300, product_data: { name: 'Access fee & commons fund' } }, quantity: 1 },
    ],
    success_url: SUCCESS_URL,
    cancel_url: CANCEL_URL,
    client_reference_id: 'order_42',
    metadata: { orderId: '42', buyerClass: 'for_profit' },
    payment_intent_data: { metadata: { orderId: '42' } },
    ...extra,
  }
}

describe('local Stripe server', () => {
  let local: LocalStripe
  let receiver: Receiver
  let stripe: Stripe

  beforeAll(async () => {
    local = await startLocalStripe()
    receiver = await startReceiver(() => local.webhookSecret)
    local.setWebhookUrl(receiver.url)
    stripe = new Stripe(local.secretKey, { host: local.host, port: local.port, protocol: local.protocol, maxNetworkRetries: 0, telemetry: false })
  })

  afterAll(async () => {
    await local?.close()
    await receiver?.close()
  })

  it('decodes bracketed form keys as the SDK sends them', () => {
    expect(
      decodeForm(
        'mode=payment&line_items[0][price_data][unit_amount]=1250&line_items[0][quantity]=2&metadata%5Bnote%5D=a+b%20%26c&expand[]=line_items&expand[]=payment_intent',
      ),
    ).toEqual({
      mode: 'payment',
      line_items: { 0: { price_data: { unit_amount: '1250' }, quantity: '2' } },
      metadata: { note: 'a b &c' },
      expand: ['line_items', 'payment_intent'],
    })
    expect(() => decodeForm('a[__proto__][x]=1')).toThrow(/Invalid parameter name/)
    expect(formatMoney(1250, 'eur')).toBe('€12.50')
    expect(formatMoney(500, 'jpy')).toBe('¥500')
  })

  it('creates and retrieves a checkout session, replaying idempotent requests', async () => {
    expect(local.url).toBe(`http://127.0.0.1:${local.port}`)
    expect(local.secretKey).toMatch(/^sk_test_local_/)
    expect(local.webhookSecret).toMatch(/^whsec_/)

    const session = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: 'order-42-attempt-1' })
    expect(session.id).toMatch(/^cs_test_/)
    expect(session).toMatchObject({
      object: 'checkout.session',
      amount_total: 2800,
      amount_subtotal: 2800,
      currency: 'eur',
      status: 'open',
      payment_status: 'unpaid',
      payment_intent: null,
      client_reference_id: 'order_42',
      metadata: { orderId: '42', buyerClass: 'for_profit' },
      success_url: SUCCESS_URL,
      cancel_url: CANCEL_URL,
      livemode: false,
      url: `${local.url}/pay/${session.id}`,
    })
    expect(session.expires_at - session.created).toBe(24 * 60 * 60)

    const replay = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: 'order-42-attempt-1' })
    expect(replay.id).toBe(session.id)
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true')
    expect(local.sessions.size).toBe(1)

    const changed = stripe.checkout.sessions.create(sessionParams({ client_reference_id: 'order_43' }), { idempotencyKey: 'order-42-attempt-1' })
    await expect(changed).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError)
    await expect(changed).rejects.toMatchObject({ statusCode: 400, type: 'StripeIdempotencyError' })

    const fetched = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] })
    expect(fetched.amount_total).toBe(2800)
    expect(fetched.line_items?.data.map((li) => [li.description, li.quantity, li.amount_total])).toEqual([
      ['Sourdough starter kit', 2, 2500],
      ['Access fee & commons fund', 1, 300],
    ])

    await expect(stripe.checkout.sessions.retrieve('cs_test_nope')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
    })
  })

  it('rejects bad requests the way Stripe does', async () => {
    const mixed = sessionParams()
    mixed.line_items![1]!.price_data!.currency = 'usd'
    await expect(stripe.checkout.sessions.create(mixed)).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400 })
    const { success_url: _, ...noSuccess } = sessionParams()
    await expect(stripe.checkout.sessions.create(noSuccess)).rejects.toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'success_url' })
    await expect(stripe.checkout.sessions.create(sessionParams({ expires_at: Math.floor(Date.now() / 1000) + 60 }))).rejects.toMatchObject({
      statusCode: 400,
      param: 'expires_at',
    })

    const intruder = new Stripe('sk_test_wrong_key_1234', { host: local.host, port: local.port, protocol: 'http', maxNetworkRetries: 0 })
    const denied = intruder.checkout.sessions.create(sessionParams())
    await expect(denied).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError)
    await expect(denied).rejects.toMatchObject({ statusCode: 401, message: expect.stringMatching(/^Invalid API Key provided: sk_test_\**1234$/) })

    const unknown = await fetch(`${local.url}/v1/customers`, { headers: { Authorization: `Bearer ${local.secretKey}` } })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('Unrecognized request URL') } })
  })

  it('pays a session with a signed webhook, then refunds part and the rest', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams())
    const before = receiver.events.length

    const { event, status } = await local.pay(session.id)
    expect(status).toBe(200)
    expect(event).toMatchObject({ object: 'event', type: 'checkout.session.completed', livemode: false, api_version: Stripe.API_VERSION })
    const received = receiver.events.slice(before)
    expect(received.map((e) => e.type)).toEqual(['checkout.session.completed'])
    const paid = received[0]!.data.object as Stripe.Checkout.Session
    expect(paid).toMatchObject({ id: session.id, status: 'complete', payment_status: 'paid', client_reference_id: 'order_42' })
    expect(paid.payment_intent).toMatch(/^pi_/)

    const stored = await stripe.checkout.sessions.retrieve(session.id)
    expect(stored.payment_intent).toBe(paid.payment_intent)
    await expect(local.pay(session.id)).rejects.toThrow(/complete/)

    // a forged signature is refused by the receiver and by the SDK
    const forged = await local.deliver(event, { secret: 'whsec_forged' })
    expect(forged.status).toBe(400)
    expect(receiver.rejected.at(-1)).toMatch(/signature/i)
    const payload = JSON.stringify(event)
    expect(() => stripe.webhooks.constructEvent(payload, local.sign(payload, 'whsec_forged'), local.webhookSecret)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    )
    expect(stripe.webhooks.constructEvent(payload, local.sign(payload), local.webhookSecret).id).toBe(event.id)

    const pi = paid.payment_intent as string
    const part = await stripe.refunds.create({ payment_intent: pi, amount: 1000, metadata: { reason: 'one jar broke' } })
    expect(part).toMatchObject({
      object: 'refund',
      amount: 1000,
      currency: 'eur',
      payment_intent: pi,
      status: 'succeeded',
      metadata: { reason: 'one jar broke' },
    })
    expect(part.id).toMatch(/^re_/)
    let charge = receiver.events.at(-1)!
    expect(charge.type).toBe('charge.refunded')
    expect(charge.data.object).toMatchObject({
      object: 'charge',
      payment_intent: pi,
      amount: 2800,
      amount_refunded: 1000,
      refunded: false,
      metadata: { orderId: '42' },
    })

    await expect(stripe.refunds.create({ payment_intent: pi, amount: 5000 })).rejects.toMatchObject({ statusCode: 400, code: 'amount_too_large' })
    await expect(stripe.refunds.create({ payment_intent: 'pi_unknown' })).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing' })

    const rest = await stripe.refunds.create({ payment_intent: pi })
    expect(rest.amount).toBe(1800)
    charge = receiver.events.at(-1)!
    const refunded = charge.data.object as Stripe.Charge
    expect(refunded).toMatchObject({ amount_refunded: 2800, refunded: true })
    expect(refunded.id).toMatch(/^ch_/)
    expect(refunded.refunds?.data.map((r) => r.id).sort()).toEqual([part.id, rest.id].sort())
    expect(local.refunds.size).toBe(2)
    await expect(stripe.refunds.create({ payment_intent: pi, amount: 1 })).rejects.toMatchObject({ statusCode: 400, code: 'charge_already_refunded' })
  })

  it('expires an open session and refuses to expire a paid one', async () => {
    const open = await stripe.checkout.sessions.create(sessionParams())
    const expired = await stripe.checkout.sessions.expire(open.id)
    expect(expired).toMatchObject({ id: open.id, status: 'expired', payment_status: 'unpaid' })
    expect(receiver.events.at(-1)).toMatchObject({ type: 'checkout.session.expired', data: { object: { id: open.id, status: 'expired' } } })
    await expect(local.pay(open.id)).rejects.toThrow(/expired/)

    const paid = await stripe.checkout.sessions.create(sessionParams())
    await local.pay(paid.id, { deliver: false })
    await expect(stripe.checkout.sessions.expire(paid.id)).rejects.toMatchObject({ statusCode: 400 })

    // sessions past expires_at expire on their own when next looked at
    const stale = await stripe.checkout.sessions.create(sessionParams())
    local.sessions.get(stale.id).expires_at = Math.floor(Date.now() / 1000) - 1
    expect((await stripe.checkout.sessions.retrieve(stale.id)).status).toBe('expired')
    expect((await fetch(stale.url!)).status).toBe(400)
  })

  it('serves a hosted payment page that completes the session and redirects', async () => {
    const session = await stripe.checkout.sessions.create(
      sessionParams({ line_items: [{ price_data: { currency: 'eur', unit_amount: 1250, product_data: { name: 'Tomato <seeds>' } }, quantity: 1 }] }),
    )
    const page = await fetch(session.url!)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Local Stripe Checkout')
    expect(html).toContain('Tomato &lt;seeds&gt;')
    expect(html).toContain('€12.50')
    expect(html).toMatch(/<form method="post" action="\/pay\/cs_test_\w+">/)
    expect(html).toContain('<button type="submit">Pay</button>')
    expect(html).toContain(`<a href="${CANCEL_URL}">Cancel</a>`)

    const before = receiver.events.length
    const paid = await fetch(session.url!, { method: 'POST', redirect: 'manual' })
    expect(paid.status).toBe(303)
    expect(paid.headers.get('location')).toBe(`https://market.example/orders/thanks?session_id=${session.id}`)
    expect(receiver.events.slice(before).map((e) => e.type)).toEqual(['checkout.session.completed'])
    expect(local.sessions.get(session.id)).toMatchObject({ status: 'complete', payment_status: 'paid' })

    const again = await fetch(`${local.url}/pay/${session.id}`, { method: 'POST', redirect: 'manual' })
    expect(again.status).toBe(400)
    expect((await fetch(`${local.url}/pay/cs_test_missing`)).status).toBe(404)
    expect(nonEmpty(local.deliveries, 'webhook deliveries').every((d) => d.status === 200 || d.status === 400)).toBe(true)
  })

  it('can deliver webhooks after the response, as real Stripe usually does', async () => {
    const later = await startLocalStripe({ webhookTiming: 'after-response' })
    const endpoint = await startReceiver(() => later.webhookSecret)
    later.setWebhookUrl(endpoint.url)
    try {
      const client = new Stripe(later.secretKey, { host: later.host, port: later.port, protocol: 'http', maxNetworkRetries: 0 })
      const session = await client.checkout.sessions.create(sessionParams())
      const paid = await fetch(session.url!, { method: 'POST', redirect: 'manual' })
      expect(paid.status).toBe(303)
      await later.settled()
      const refund = await client.refunds.create({ payment_intent: later.sessions.get(session.id).payment_intent })
      expect(refund.amount).toBe(2800)
      await later.settled()
      expect(endpoint.events.map((e) => e.type)).toEqual(['checkout.session.completed', 'charge.refunded'])
      expect(later.deliveries.map((d) => d.status)).toEqual([200, 200])
    } finally {
      await later.close()
      await endpoint.close()
    }
  })
})
