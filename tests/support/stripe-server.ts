/**
 * A local, in-process stand-in for the part of the Stripe API the market uses: Checkout Sessions,
 * refunds, signed webhooks and a hosted payment page. Point the real SDK at it with
 * `new Stripe(local.secretKey, { host: local.host, port: local.port, protocol: local.protocol })`.
 * It never talks to the internet; webhooks go only to the URL you give it.
 */
import crypto from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import type net from 'node:net'
import Stripe from 'stripe'

export interface WebhookDelivery {
  event: string
  type: string
  url: string
  status: number | null
  body: string
  error?: string
}

export interface LocalStripe {
  url: string // 'http://127.0.0.1:<port>'
  host: string
  port: number
  protocol: 'http'
  /** requests without `Authorization: Bearer <secretKey>` get a Stripe-style 401 JSON error */
  secretKey: string
  webhookSecret: string
  webhookUrl: string | null
  setWebhookUrl(url: string | null): void
  /** sessions created so far, by id (plain objects shaped like Stripe.Checkout.Session) */
  sessions: Map<string, any>
  refunds: Map<string, any>
  /** every event the server itself emitted (pay, expire, refund), oldest first */
  events: any[]
  /** every webhook delivery attempt, oldest first */
  deliveries: WebhookDelivery[]
  /** resolves once every webhook delivery still under way (after-response timing, lazy expiry) has finished */
  settled(): Promise<void>
  /**
   * Completes the session as a buyer paying on the hosted page would and builds a signed
   * `checkout.session.completed` event, POSTed to webhookUrl unless `deliver: false`.
   * `status` is the webhook's HTTP status, or null when nothing was delivered.
   */
  pay(sessionId: string, opts?: { deliver?: boolean }): Promise<{ event: any; status: number | null }>
  /** builds an event object { id: 'evt_...', object: 'event', type, created, data: { object }, livemode: false, api_version, ... } */
  event(type: string, object: any): any
  /** signs a payload the way Stripe does; `secret` defaults to webhookSecret (pass another to forge) */
  sign(payload: string, secret?: string): string
  /** POSTs the event JSON with a `Stripe-Signature` header to webhookUrl (or `url`) */
  deliver(event: any, opts?: { secret?: string; url?: string; signature?: string }): Promise<{ status: number; body: string }>
  close(): Promise<void>
}

const API_VERSION: string = Stripe.API_VERSION
const MAX_BODY = 1024 * 1024
const WEBHOOK_TIMEOUT_MS = 10_000
const MIN_EXPIRY_S = 30 * 60
const MAX_EXPIRY_S = 24 * 60 * 60
/** tolerance on the 30-minute lower bound, for clients computing `now + 30 min` a moment before the request lands */
const EXPIRY_GRACE_S = 10
const CURRENCIES = new Set(Intl.supportedValuesOf('currency').map((c) => c.toLowerCase()))
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

// ---------------------------------------------------------------------------------------------
// Errors

interface StripeErrorBody {
  type: string
  message: string
  code?: string
  param?: string
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message)
  }
}

function invalid(message: string, param?: string, code?: string, status = 400): ApiError {
  return new ApiError(status, { type: 'invalid_request_error', message, ...(code ? { code } : {}), ...(param ? { param } : {}) })
}

function missing(param: string): ApiError {
  return invalid(`Missing required param: ${param}.`, param, 'parameter_missing')
}

function noSuch(kind: string, id: string, param: string | undefined, status: number): ApiError {
  return invalid(`No such ${kind}: '${id}'`, param, 'resource_missing', status)
}

function errorJson(body: StripeErrorBody): { error: Record<string, unknown> } {
  const docUrl = body.code ? { doc_url: `https://stripe.com/docs/error-codes/${body.code.replace(/_/g, '-')}` } : {}
  return { error: { ...body, ...docUrl } }
}

// ---------------------------------------------------------------------------------------------
// Form decoding: `a=1&b[c]=2&d[0][e]=3&f[]=4`, as the SDK encodes requests

type Params = Record<string, unknown>

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    throw invalid('Invalid request: the body or query string is not valid URL encoding.')
  }
}

function decodePathSegment(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

export function decodeForm(input: string): Params {
  const root: Params = {}
  for (const part of input.split('&')) {
    if (!part) continue
    const eq = part.indexOf('=')
    const key = decodeComponent(eq < 0 ? part : part.slice(0, eq))
    const value = decodeComponent(eq < 0 ? '' : part.slice(eq + 1))
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key)
    if (!m) throw invalid(`Invalid parameter name: ${key}`)
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)]
    assign(root, path, value, key)
  }
  return root
}

function assign(root: Params, path: string[], value: string, key: string): void {
  let cur: Params | unknown[] = root
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!
    const last = i === path.length - 1
    if (FORBIDDEN_KEYS.has(seg)) throw invalid(`Invalid parameter name: ${key}`)
    if (Array.isArray(cur)) {
      // only `x[]=v` is supported for arrays built by pushing
      if (seg !== '' || !last) throw invalid(`Invalid array: ${key}`)
      cur.push(value)
      return
    }
    if (seg === '') throw invalid(`Invalid array: ${key}`)
    if (last) {
      if (Object.hasOwn(cur, seg) && typeof cur[seg] === 'object') throw invalid(`Invalid hash: ${key}`)
      cur[seg] = value
      return
    }
    const wantArray = path[i + 1] === ''
    const existing: unknown = Object.hasOwn(cur, seg) ? cur[seg] : undefined
    if (existing === undefined) {
      const next: Params | unknown[] = wantArray ? [] : {}
      cur[seg] = next
      cur = next
    } else if (typeof existing === 'object' && existing !== null && Array.isArray(existing) === wantArray) {
      cur = existing as Params | unknown[]
    } else {
      throw invalid(`Invalid ${wantArray ? 'array' : 'hash'}: ${key}`)
    }
  }
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`
  if (v && typeof v === 'object') {
    const o = v as Params
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v)
}

// ---------------------------------------------------------------------------------------------
// Parameter validation helpers

function isHash(v: unknown): v is Params {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function checkKeys(obj: Params, allowed: readonly string[], prefix: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      const name = prefix ? `${prefix}[${k}]` : k
      throw invalid(`Received unknown parameter: ${name}`, name, 'parameter_unknown')
    }
  }
}

function hashParam(v: unknown, name: string): Params {
  if (!isHash(v)) throw invalid(`Invalid object: ${name} must be a hash (e.g. ${name}[key]=value).`, name)
  return v
}

/** `arr[0]=..&arr[1]=..` arrives as a hash with index keys, `arr[]=..` as an array */
function listParam(v: unknown, name: string): unknown[] {
  if (Array.isArray(v)) return v
  if (isHash(v)) {
    const keys = Object.keys(v)
    if (keys.every((k) => /^(0|[1-9]\d*)$/.test(k))) {
      return keys.sort((a, b) => Number(a) - Number(b)).map((k) => v[k])
    }
  }
  throw invalid(`Invalid array: ${name} must be an array (e.g. ${name}[0]=...).`, name)
}

function stringParam(v: unknown, name: string, opts: { max?: number } = {}): string {
  if (typeof v !== 'string') throw invalid(`Invalid string: ${name} must be a string.`, name)
  if (v === '') {
    throw invalid(
      `You passed an empty string for '${name}'. We assume empty values are an attempt to unset a parameter; however '${name}' cannot be unset. You should remove '${name}' from your request or supply a non-empty value.`,
      name,
    )
  }
  if (opts.max !== undefined && v.length > opts.max) {
    throw invalid(`Invalid string: ${name} must be at most ${opts.max} characters long.`, name)
  }
  return v
}

function intParam(v: unknown, name: string, opts: { min?: number; max?: number } = {}): number {
  const s = typeof v === 'string' ? v : ''
  if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(Number(s))) throw invalid(`Invalid integer: ${String(s)}`, name)
  const n = Number(s)
  if (opts.min !== undefined && n < opts.min) {
    throw invalid(`This value must be greater than or equal to ${opts.min}.`, name)
  }
  if (opts.max !== undefined && n > opts.max) {
    throw invalid(`This value must be less than or equal to ${opts.max}.`, name)
  }
  return n
}

function urlParam(v: unknown, name: string): string {
  const s = stringParam(v, name, { max: 5000 })
  let ok = false
  try {
    const u = new URL(s.replaceAll('{CHECKOUT_SESSION_ID}', 'x'))
    ok = u.protocol === 'http:' || u.protocol === 'https:'
  } catch {
    ok = false
  }
  if (!ok) throw invalid('Not a valid URL', name, 'url_invalid')
  return s
}

function currencyParam(v: unknown, name: string): string {
  const c = stringParam(v, name).toLowerCase()
  if (!/^[a-z]{3}$/.test(c) || !CURRENCIES.has(c)) throw invalid(`Invalid currency: ${c}.`, name)
  return c
}

function metadataParam(v: unknown, name: string): Record<string, string> {
  if (v === '') return {}
  const h = hashParam(v, name)
  const out: Record<string, string> = {}
  const keys = Object.keys(h)
  if (keys.length > 50) throw invalid(`Invalid ${name}: at most 50 keys are allowed.`, name)
  for (const k of keys) {
    const value = h[k]
    if (typeof value !== 'string') throw invalid(`Invalid string: ${name}[${k}] must be a string.`, `${name}[${k}]`)
    if (k.length > 40) throw invalid(`Metadata keys can have up to 40 characters, but you passed in a key that is ${k.length} characters.`, `${name}[${k}]`)
    if (value.length > 500) {
      throw invalid(`Metadata values can have up to 500 characters, but you passed in a value that is ${value.length} characters.`, `${name}[${k}]`)
    }
    if (value !== '') out[k] = value // an empty value unsets the key
  }
  return out
}

function expandParam(v: unknown, allowed: readonly string[]): string[] {
  if (v === undefined) return []
  const list = listParam(v, 'expand').map((x, i) => stringParam(x, `expand[${i}]`))
  for (const x of list) if (!allowed.includes(x)) throw invalid(`This property cannot be expanded (${x}).`, 'expand')
  return list
}

// ---------------------------------------------------------------------------------------------
// Helpers

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function randomToken(length: number): string {
  const bytes = crypto.randomBytes(length)
  let out = ''
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length]
  return out
}

const newId = (prefix: string, length = 24) => `${prefix}_${randomToken(length)}`
const nowSeconds = () => Math.floor(Date.now() / 1000)
const clone = <T>(v: T): T => structuredClone(v)

export function formatMoney(amount: number, currency: string): string {
  const fmt = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() })
  const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2
  return fmt.format(amount / 10 ** digits)
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) tooLarge = true
      else chunks.push(chunk)
    })
    req.on('end', () => (tooLarge ? reject(invalid('Request body too large.', undefined, undefined, 413)) : resolve(Buffer.concat(chunks).toString('utf8'))))
    req.on('error', reject)
  })
}

function postJson(url: string, payload: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    const client = target.protocol === 'https:' ? https : http
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': String(Buffer.byteLength(payload)),
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          Accept: '*/*; q=0.5, application/xml',
          'Cache-Control': 'no-cache',
          ...headers,
        },
        timeout: WEBHOOK_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`webhook POST to ${url} timed out after ${WEBHOOK_TIMEOUT_MS} ms`)))
    req.on('error', reject)
    req.end(payload)
  })
}

// ---------------------------------------------------------------------------------------------
// The server

interface ApiResult {
  status: number
  body: unknown
  /** webhook deliveries to make once the response is computed (before it is written) */
  after?: () => Promise<void>
}

interface RequestContext {
  requestId: string
  idempotencyKey: string | null
}

interface StoredIdempotent {
  method: string
  path: string
  params: string
  status: number
  body: unknown
}

const SESSION_PARAMS = [
  'mode',
  'line_items',
  'success_url',
  'cancel_url',
  'client_reference_id',
  'metadata',
  'customer_email',
  'expires_at',
  'payment_intent_data',
  'expand',
  // accepted and ignored: they change nothing the local server models
  'locale',
  'payment_method_types',
  'submit_type',
  'billing_address_collection',
  'ui_mode',
] as const

export interface LocalStripeOptions {
  webhookUrl?: string
  /**
   * When the webhooks an API call or the hosted page causes are delivered. 'before-response'
   * (default, deterministic): the SDK call or the 303 returns only after the webhook endpoint has
   * answered. 'after-response': the response goes out first and the webhook follows, as is usual
   * with real Stripe; await `settled()` to wait for it.
   */
  webhookTiming?: 'before-response' | 'after-response'
}

export async function startLocalStripe(opts: LocalStripeOptions = {}): Promise<LocalStripe> {
  const webhookTiming = opts.webhookTiming ?? 'before-response'
  const secretKey = `sk_test_local_${randomToken(24)}`
  const webhookSecret = `whsec_${randomToken(32)}`
  let webhookUrl: string | null = opts.webhookUrl ?? null

  const sessions = new Map<string, any>()
  const lineItems = new Map<string, any[]>()
  const piData = new Map<string, { metadata: Record<string, string>; description: string | null }>()
  const paymentIntents = new Map<string, any>()
  const charges = new Map<string, any>()
  const refunds = new Map<string, any>()
  const events: any[] = []
  const deliveries: WebhookDelivery[] = []
  const idempotent = new Map<string, StoredIdempotent>()
  const inFlight = new Set<string>()
  const background = new Set<Promise<unknown>>()

  let base = ''

  function event(type: string, object: any, extra: { previous_attributes?: any; request?: RequestContext | null } = {}): any {
    return {
      id: newId('evt'),
      object: 'event',
      api_version: API_VERSION,
      created: nowSeconds(),
      data: { object: clone(object), ...(extra.previous_attributes ? { previous_attributes: extra.previous_attributes } : {}) },
      livemode: false,
      pending_webhooks: webhookUrl ? 1 : 0,
      request: { id: extra.request?.requestId ?? null, idempotency_key: extra.request?.idempotencyKey ?? null },
      type,
    }
  }

  function emit(type: string, object: any, extra: { previous_attributes?: any; request?: RequestContext | null } = {}): any {
    const e = event(type, object, extra)
    events.push(e)
    return e
  }

  function sign(payload: string, secret: string = webhookSecret): string {
    return Stripe.webhooks.generateTestHeaderString({ payload, secret })
  }

  async function deliver(e: any, o: { secret?: string; url?: string; signature?: string } = {}): Promise<{ status: number; body: string }> {
    const url = o.url ?? webhookUrl
    if (!url) throw new Error('local Stripe: no webhook URL to deliver to (setWebhookUrl or pass { url })')
    const payload = JSON.stringify(e, null, 2)
    const signature = o.signature ?? sign(payload, o.secret)
    const record: WebhookDelivery = { event: e?.id ?? '', type: e?.type ?? '', url, status: null, body: '' }
    deliveries.push(record)
    try {
      const result = await postJson(url, payload, { 'Stripe-Signature': signature })
      record.status = result.status
      record.body = result.body
      return result
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err)
      throw err
    }
  }

  /** Delivers to webhookUrl when one is set; failures are recorded in `deliveries`, never thrown. */
  async function deliverQuietly(e: any): Promise<number | null> {
    if (!webhookUrl) return null
    try {
      return (await deliver(e)).status
    } catch {
      return null
    }
  }

  function track(p: Promise<unknown>): void {
    const q = p.catch(() => undefined).finally(() => background.delete(q))
    background.add(q)
  }

  /** Stripe expires sessions on its own at expires_at; here that happens when the session is next looked at. */
  function refresh(session: any): any {
    if (session.status === 'open' && nowSeconds() >= session.expires_at) {
      session.status = 'expired'
      session.url = null
      const e = emit('checkout.session.expired', session)
      track(deliverQuietly(e))
    }
    return session
  }

  function findSession(id: string): any | undefined {
    const s = sessions.get(id)
    return s ? refresh(s) : undefined
  }

  function listOf(data: any[], url: string) {
    return { object: 'list', data: clone(data), has_more: false, url }
  }

  function renderSession(session: any, expand: string[]): any {
    const out = clone(session)
    if (expand.includes('line_items')) out.line_items = listOf(lineItems.get(session.id) ?? [], `/v1/checkout/sessions/${session.id}/line_items`)
    if (expand.includes('payment_intent') && session.payment_intent) out.payment_intent = clone(paymentIntents.get(session.payment_intent))
    return out
  }

  /** What a buyer paying on the hosted page causes: a payment intent, a charge, and the completed session. */
  function complete(session: any): any {
    const created = nowSeconds()
    const data = piData.get(session.id) ?? { metadata: {}, description: null }
    const pi = {
      id: newId('pi'),
      object: 'payment_intent',
      amount: session.amount_total,
      amount_capturable: 0,
      amount_received: session.amount_total,
      capture_method: 'automatic_async',
      created,
      currency: session.currency,
      customer: null,
      description: data.description,
      latest_charge: null as string | null,
      livemode: false,
      metadata: { ...data.metadata },
      payment_method: newId('pm'),
      payment_method_types: ['card'],
      receipt_email: session.customer_email,
      status: 'succeeded',
    }
    const charge = {
      id: newId('ch'),
      object: 'charge',
      amount: session.amount_total,
      amount_captured: session.amount_total,
      amount_refunded: 0,
      balance_transaction: null,
      captured: true,
      created,
      currency: session.currency,
      customer: null,
      description: data.description,
      livemode: false,
      metadata: { ...data.metadata },
      paid: true,
      payment_intent: pi.id,
      payment_method: pi.payment_method,
      receipt_email: session.customer_email,
      refunded: false,
      refunds: { object: 'list', data: [] as any[], has_more: false, total_count: 0, url: '' },
      status: 'succeeded',
    }
    charge.refunds.url = `/v1/charges/${charge.id}/refunds`
    pi.latest_charge = charge.id
    paymentIntents.set(pi.id, pi)
    charges.set(charge.id, charge)
    session.status = 'complete'
    session.payment_status = 'paid'
    session.payment_intent = pi.id
    session.url = null
    session.customer_details = {
      address: null,
      email: session.customer_email ?? 'buyer@example.com',
      name: 'Local Buyer',
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    }
    return emit('checkout.session.completed', session)
  }

  // --- API handlers ---------------------------------------------------------------------------

  function createSession(p: Params): ApiResult {
    checkKeys(p, SESSION_PARAMS, '')
    if (p.mode === undefined) throw missing('mode')
    const mode = stringParam(p.mode, 'mode')
    if (!['payment', 'setup', 'subscription'].includes(mode)) throw invalid(`Invalid mode: must be one of payment, setup, or subscription`, 'mode')
    if (mode !== 'payment') throw invalid(`The local Stripe server supports only mode=payment (got ${mode}).`, 'mode')
    if (p.ui_mode !== undefined && p.ui_mode !== 'hosted') throw invalid(`The local Stripe server supports only ui_mode=hosted.`, 'ui_mode')
    if (p.success_url === undefined) throw missing('success_url')
    const successUrl = urlParam(p.success_url, 'success_url')
    if (p.cancel_url === undefined) throw missing('cancel_url')
    const cancelUrl = urlParam(p.cancel_url, 'cancel_url')
    if (p.line_items === undefined) throw missing('line_items')
    const rawItems = listParam(p.line_items, 'line_items')
    if (rawItems.length === 0) throw missing('line_items')
    if (rawItems.length > 100) throw invalid('Invalid line_items: at most 100 line items are allowed.', 'line_items')

    let currency: string | null = null
    const items = rawItems.map((raw, i) => {
      const name = `line_items[${i}]`
      const item = hashParam(raw, name)
      checkKeys(item, ['price_data', 'quantity', 'price'], name)
      if (item.price !== undefined) throw noSuch('price', String(item.price), `${name}[price]`, 400)
      if (item.price_data === undefined) throw missing(`${name}[price_data]`)
      const pd = hashParam(item.price_data, `${name}[price_data]`)
      checkKeys(pd, ['currency', 'unit_amount', 'product_data', 'product', 'tax_behavior'], `${name}[price_data]`)
      if (pd.currency === undefined) throw missing(`${name}[price_data][currency]`)
      const cur = currencyParam(pd.currency, `${name}[price_data][currency]`)
      if (pd.unit_amount === undefined) throw missing(`${name}[price_data][unit_amount]`)
      const unitAmount = intParam(pd.unit_amount, `${name}[price_data][unit_amount]`, { min: 0, max: 99_999_999 })
      if (pd.product !== undefined) throw noSuch('product', String(pd.product), `${name}[price_data][product]`, 400)
      if (pd.product_data === undefined) throw missing(`${name}[price_data][product_data]`)
      const prod = hashParam(pd.product_data, `${name}[price_data][product_data]`)
      checkKeys(prod, ['name', 'description', 'images', 'metadata', 'tax_code'], `${name}[price_data][product_data]`)
      if (prod.name === undefined) throw missing(`${name}[price_data][product_data][name]`)
      const productName = stringParam(prod.name, `${name}[price_data][product_data][name]`, { max: 5000 })
      const description = prod.description === undefined ? null : stringParam(prod.description, `${name}[price_data][product_data][description]`)
      if (prod.metadata !== undefined) metadataParam(prod.metadata, `${name}[price_data][product_data][metadata]`)
      if (item.quantity === undefined) throw missing(`${name}[quantity]`)
      const quantity = intParam(item.quantity, `${name}[quantity]`, { min: 1, max: 999_999 })
      if (currency !== null && cur !== currency) {
        throw invalid(`All line items must use the same currency (line_items[0] uses ${currency}, ${name} uses ${cur}).`, `${name}[price_data][currency]`)
      }
      currency = cur
      const amount = unitAmount * quantity
      return {
        id: newId('li'),
        object: 'item',
        amount_discount: 0,
        amount_subtotal: amount,
        amount_tax: 0,
        amount_total: amount,
        currency: cur,
        description: productName,
        price: {
          id: newId('price'),
          object: 'price',
          active: false,
          currency: cur,
          livemode: false,
          metadata: {},
          product: newId('prod', 14),
          type: 'one_time',
          unit_amount: unitAmount,
          unit_amount_decimal: String(unitAmount),
        },
        quantity,
        product_description: description,
      }
    })

    const metadata = p.metadata === undefined ? {} : metadataParam(p.metadata, 'metadata')
    const clientReferenceId = p.client_reference_id === undefined ? null : stringParam(p.client_reference_id, 'client_reference_id', { max: 200 })
    const customerEmail = p.customer_email === undefined ? null : stringParam(p.customer_email, 'customer_email', { max: 800 })
    if (customerEmail !== null && !/^[^\s@]+@[^\s@]+$/.test(customerEmail))
      throw invalid(`Invalid email address: ${customerEmail}`, 'customer_email', 'email_invalid')
    const created = nowSeconds()
    let expiresAt = created + MAX_EXPIRY_S
    if (p.expires_at !== undefined) {
      expiresAt = intParam(p.expires_at, 'expires_at')
      if (expiresAt - created < MIN_EXPIRY_S - EXPIRY_GRACE_S) {
        throw invalid('The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.', 'expires_at')
      }
      if (expiresAt - created > MAX_EXPIRY_S) {
        throw invalid('The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.', 'expires_at')
      }
    }
    let pid = { metadata: {} as Record<string, string>, description: null as string | null }
    if (p.payment_intent_data !== undefined) {
      const d = hashParam(p.payment_intent_data, 'payment_intent_data')
      checkKeys(d, ['metadata', 'description'], 'payment_intent_data')
      pid = {
        metadata: d.metadata === undefined ? {} : metadataParam(d.metadata, 'payment_intent_data[metadata]'),
        description: d.description === undefined ? null : stringParam(d.description, 'payment_intent_data[description]', { max: 1000 }),
      }
    }
    const expand = expandParam(p.expand, ['line_items', 'payment_intent'])

    const amount = items.reduce((sum, li) => sum + li.amount_total, 0)
    const id = newId('cs_test', 58)
    const session = {
      id,
      object: 'checkout.session',
      after_expiration: null,
      allow_promotion_codes: null,
      amount_subtotal: amount,
      amount_total: amount,
      automatic_tax: { enabled: false, liability: null, status: null },
      billing_address_collection: null,
      cancel_url: cancelUrl,
      client_reference_id: clientReferenceId,
      client_secret: null,
      consent: null,
      consent_collection: null,
      created,
      currency,
      custom_fields: [],
      custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
      customer: null,
      customer_creation: 'if_required',
      customer_details: customerEmail ? { address: null, email: customerEmail, name: null, phone: null, tax_exempt: 'none', tax_ids: null } : null,
      customer_email: customerEmail,
      expires_at: expiresAt,
      invoice: null,
      invoice_creation: null,
      livemode: false,
      locale: null,
      metadata,
      mode: 'payment',
      payment_intent: null,
      payment_link: null,
      payment_method_collection: 'if_required',
      payment_method_types: ['card'],
      payment_status: 'unpaid',
      phone_number_collection: { enabled: false },
      recovered_from: null,
      setup_intent: null,
      shipping_address_collection: null,
      shipping_cost: null,
      shipping_options: [],
      status: 'open',
      submit_type: null,
      subscription: null,
      success_url: successUrl,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: 'hosted',
      url: `${base}/pay/${id}`,
    }
    sessions.set(id, session)
    lineItems.set(id, items)
    piData.set(id, pid)
    return { status: 200, body: renderSession(session, expand) }
  }

  function retrieveSession(id: string, p: Params): ApiResult {
    checkKeys(p, ['expand'], '')
    const expand = expandParam(p.expand, ['line_items', 'payment_intent'])
    const session = findSession(id)
    if (!session) throw noSuch('checkout.session', id, 'session', 404)
    return { status: 200, body: renderSession(session, expand) }
  }

  function listLineItems(id: string, p: Params): ApiResult {
    checkKeys(p, ['limit', 'starting_after', 'ending_before', 'expand'], '')
    const session = findSession(id)
    if (!session) throw noSuch('checkout.session', id, 'session', 404)
    return { status: 200, body: listOf(lineItems.get(id) ?? [], `/v1/checkout/sessions/${id}/line_items`) }
  }

  function expireSession(id: string, p: Params, ctx: RequestContext): ApiResult {
    checkKeys(p, ['expand'], '')
    const expand = expandParam(p.expand, ['line_items', 'payment_intent'])
    const session = findSession(id)
    if (!session) throw noSuch('checkout.session', id, 'session', 404)
    if (session.status !== 'open') {
      throw invalid(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
        undefined,
        'checkout_session_not_open',
      )
    }
    session.status = 'expired'
    session.url = null
    const e = emit('checkout.session.expired', session, { request: ctx })
    return { status: 200, body: renderSession(session, expand), after: async () => void (await deliverQuietly(e)) }
  }

  function retrievePaymentIntent(id: string, p: Params): ApiResult {
    checkKeys(p, ['expand'], '')
    expandParam(p.expand, [])
    const pi = paymentIntents.get(id)
    if (!pi) throw noSuch('payment_intent', id, 'intent', 404)
    return { status: 200, body: clone(pi) }
  }

  function createRefund(p: Params, ctx: RequestContext): ApiResult {
    checkKeys(p, ['payment_intent', 'charge', 'amount', 'metadata', 'reason', 'expand'], '')
    expandParam(p.expand, [])
    let charge: any
    if (p.payment_intent !== undefined) {
      const piId = stringParam(p.payment_intent, 'payment_intent')
      const pi = paymentIntents.get(piId)
      if (!pi) throw noSuch('payment_intent', piId, 'payment_intent', 400)
      charge = charges.get(pi.latest_charge)
      if (p.charge !== undefined && p.charge !== charge?.id)
        throw invalid(`The charge ${String(p.charge)} does not belong to payment intent ${piId}.`, 'charge')
    } else if (p.charge !== undefined) {
      const chId = stringParam(p.charge, 'charge')
      charge = charges.get(chId)
      if (!charge) throw noSuch('charge', chId, 'charge', 400)
    } else {
      throw invalid('One of the following params should be provided for this request: payment_intent or charge.', undefined, 'parameter_missing')
    }
    const remaining = charge.amount - charge.amount_refunded
    if (remaining <= 0) throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded')
    const amount = p.amount === undefined ? remaining : intParam(p.amount, 'amount', { min: 1 })
    if (amount > remaining) {
      throw invalid(
        `Refund amount (${formatMoney(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatMoney(remaining, charge.currency)})`,
        'amount',
        'amount_too_large',
      )
    }
    let reason: string | null = null
    if (p.reason !== undefined) {
      reason = stringParam(p.reason, 'reason')
      if (!['duplicate', 'fraudulent', 'requested_by_customer'].includes(reason)) {
        throw invalid('Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer', 'reason')
      }
    }
    const metadata = p.metadata === undefined ? {} : metadataParam(p.metadata, 'metadata')
    const refund = {
      id: newId('re'),
      object: 'refund',
      amount,
      balance_transaction: null,
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      destination_details: { type: 'card', card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' } },
      metadata,
      payment_intent: charge.payment_intent,
      reason,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    }
    refunds.set(refund.id, refund)
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded }
    charge.amount_refunded += amount
    charge.refunded = charge.amount_refunded === charge.amount
    charge.refunds.data.unshift(clone(refund)) // Stripe lists newest first
    charge.refunds.total_count = charge.refunds.data.length
    const previousAttributes: Record<string, unknown> = { amount_refunded: previous.amount_refunded }
    if (previous.refunded !== charge.refunded) previousAttributes.refunded = previous.refunded
    const e = emit('charge.refunded', charge, { previous_attributes: previousAttributes, request: ctx })
    return { status: 200, body: clone(refund), after: async () => void (await deliverQuietly(e)) }
  }

  function retrieveRefund(id: string, p: Params): ApiResult {
    checkKeys(p, ['expand'], '')
    expandParam(p.expand, [])
    const refund = refunds.get(id)
    if (!refund) throw noSuch('refund', id, 'id', 404)
    return { status: 200, body: clone(refund) }
  }

  function route(method: string, path: string, p: Params, ctx: RequestContext): ApiResult | null {
    const parts = path.split('/').filter(Boolean).map(decodePathSegment) // ['v1', ...]
    const [, a, b, c, d] = parts
    const n = parts.length
    if (a === 'checkout' && b === 'sessions') {
      if (n === 3 && method === 'POST') return createSession(p)
      if (n === 4 && method === 'GET') return retrieveSession(c!, p)
      if (n === 5 && d === 'expire' && method === 'POST') return expireSession(c!, p, ctx)
      if (n === 5 && d === 'line_items' && method === 'GET') return listLineItems(c!, p)
    }
    if (a === 'refunds') {
      if (n === 2 && method === 'POST') return createRefund(p, ctx)
      if (n === 3 && method === 'GET') return retrieveRefund(b!, p)
    }
    if (a === 'payment_intents' && n === 3 && method === 'GET') return retrievePaymentIntent(b!, p)
    return null
  }

  function authorize(req: http.IncomingMessage): void {
    const header = req.headers.authorization ?? ''
    let key = ''
    const bearer = /^Bearer\s+(.+)$/i.exec(header)
    const basic = /^Basic\s+(.+)$/i.exec(header)
    if (bearer) key = bearer[1]!.trim()
    else if (basic) key = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0] ?? ''
    if (!key) {
      throw invalid(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
        undefined,
        undefined,
        401,
      )
    }
    const a = Buffer.from(key)
    const b = Buffer.from(secretKey)
    if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
      const masked = key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}` : '****'
      throw invalid(`Invalid API Key provided: ${masked}`, undefined, undefined, 401)
    }
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET'
    const ctx: RequestContext = { requestId: newId('req', 14), idempotencyKey: null }
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Request-Id': ctx.requestId,
      'Stripe-Version': typeof req.headers['stripe-version'] === 'string' ? req.headers['stripe-version'] : API_VERSION,
    }
    const send = (status: number, body: unknown) => {
      res.writeHead(status, headers)
      res.end(JSON.stringify(body, null, 2))
    }
    let reserved: string | null = null
    try {
      const raw = await readBody(req)
      authorize(req)
      let params: Params
      if (method === 'GET' || method === 'DELETE') params = decodeForm(url.search.slice(1))
      else if (/^application\/json/i.test(req.headers['content-type'] ?? '')) {
        try {
          params = hashParam(JSON.parse(raw || '{}'), 'body')
        } catch {
          throw invalid('Invalid JSON body.')
        }
      } else params = decodeForm(raw)

      const key = method === 'POST' && typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null
      if (key) {
        ctx.idempotencyKey = key
        headers['Idempotency-Key'] = key
        const canonical = stableStringify(params)
        const stored = idempotent.get(key)
        if (stored) {
          if (stored.method !== method || stored.path !== url.pathname) {
            throw new ApiError(400, {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${stored.method} ${stored.path}' vs '${method} ${url.pathname}'). Try using a key other than '${key}' if you meant to execute a different request.`,
            })
          }
          if (stored.params !== canonical) {
            throw new ApiError(400, {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            })
          }
          headers['Idempotent-Replayed'] = 'true'
          send(stored.status, stored.body)
          return
        }
        if (inFlight.has(key)) {
          headers['Stripe-Should-Retry'] = 'true'
          throw new ApiError(409, {
            type: 'idempotency_error',
            message: `There is currently another in-progress request using this Stripe-Idempotency-Key ('${key}'). Please try again later.`,
          })
        }
        inFlight.add(key)
        reserved = key
      }

      const result = route(method, url.pathname, params, ctx)
      if (!result) {
        throw invalid(
          `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
          undefined,
          undefined,
          404,
        )
      }
      // Like Stripe, only requests that executed successfully are saved for replay.
      if (key) idempotent.set(key, { method, path: url.pathname, params: stableStringify(params), status: result.status, body: result.body })
      if (result.after && webhookTiming === 'before-response') await result.after()
      send(result.status, result.body)
      if (result.after && webhookTiming === 'after-response') track(result.after())
    } catch (err) {
      if (err instanceof ApiError) send(err.status, errorJson(err.body))
      else send(500, errorJson({ type: 'api_error', message: `Local Stripe internal error: ${err instanceof Error ? err.message : String(err)}` }))
    } finally {
      if (reserved) inFlight.delete(reserved)
    }
  }

  // --- hosted payment page --------------------------------------------------------------------

  function page(title: string, body: string): string {
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
th, td { text-align: left; padding: .4rem; border-bottom: 1px solid #ddd; }
td.amount, th.amount { text-align: right; }
button { font-size: 1.1rem; padding: .5rem 2rem; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`
  }

  function sendHtml(res: http.ServerResponse, status: number, html: string): void {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
    res.end(html)
  }

  function checkoutPage(session: any): string {
    const items = lineItems.get(session.id) ?? []
    const rows = items
      .map(
        (li) =>
          `<tr><td>${escapeHtml(li.description)}</td><td>${li.quantity}</td><td class="amount">${escapeHtml(formatMoney(li.price.unit_amount, li.currency))}</td><td class="amount">${escapeHtml(formatMoney(li.amount_total, li.currency))}</td></tr>`,
      )
      .join('\n')
    const total = formatMoney(session.amount_total, session.currency)
    const email = session.customer_email ? `<p>Paying as ${escapeHtml(session.customer_email)}</p>\n` : ''
    return page(
      'Local Stripe Checkout',
      `<h1>Local Stripe Checkout</h1>
<p>A local stand-in for Stripe's hosted checkout page. No real payment is made.</p>
${email}<table>
<thead><tr><th>Item</th><th>Quantity</th><th class="amount">Unit price</th><th class="amount">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th colspan="3">Total</th><td class="amount" data-testid="total">${escapeHtml(total)}</td></tr></tfoot>
</table>
<form method="post" action="/pay/${encodeURIComponent(session.id)}">
<button type="submit">Pay</button>
</form>
<p><a href="${escapeHtml(session.cancel_url)}">Cancel</a></p>`,
    )
  }

  function notPayablePage(session: any): string {
    const what = session.status === 'complete' ? 'has already been paid' : 'has expired'
    return page('Local Stripe Checkout', `<h1>Local Stripe Checkout</h1>\n<p>This checkout session ${what}.</p>`)
  }

  async function handleHosted(req: http.IncomingMessage, res: http.ServerResponse, id: string): Promise<void> {
    await readBody(req).catch(() => '')
    const session = findSession(id)
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.writeHead(405, { Allow: 'GET, POST', 'Content-Type': 'text/plain' })
      res.end('Method Not Allowed')
      return
    }
    if (!session) {
      sendHtml(res, 404, page('Local Stripe Checkout', '<h1>Local Stripe Checkout</h1>\n<p>No such checkout session.</p>'))
      return
    }
    if (session.status !== 'open') {
      sendHtml(res, 400, notPayablePage(session))
      return
    }
    if (req.method === 'GET') {
      sendHtml(res, 200, checkoutPage(session))
      return
    }
    const e = complete(session)
    // as Stripe does, the buyer is redirected whatever the webhook answered
    if (webhookTiming === 'before-response') await deliverQuietly(e)
    const location = session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', session.id)
    res.writeHead(303, { Location: location, 'Content-Type': 'text/plain' })
    res.end(`See ${location}`)
    if (webhookTiming === 'after-response') track(deliverQuietly(e))
  }

  // --- wiring ---------------------------------------------------------------------------------

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base || 'http://127.0.0.1')
    const hosted = /^\/pay\/([^/]+)\/?$/.exec(url.pathname)
    const handled = hosted
      ? handleHosted(req, res, decodePathSegment(hosted[1]!))
      : url.pathname.startsWith('/v1/')
        ? handleApi(req, res, url)
        : (async () => {
            await readBody(req).catch(() => '')
            res.writeHead(404, { 'Content-Type': 'application/json' })
            res.end(
              JSON.stringify(
                errorJson({
                  type: 'invalid_request_error',
                  message: `Unrecognized request URL (${req.method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
                }),
              ),
            )
          })()
    handled.catch((err: unknown) => {
      if (err instanceof ApiError && !res.headersSent) {
        res.writeHead(err.status, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify(errorJson(err.body)))
        return
      }
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' })
      res.end(`Local Stripe internal error: ${err instanceof Error ? err.message : String(err)}`)
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as net.AddressInfo
  const host = '127.0.0.1'
  base = `http://${host}:${port}`

  return {
    url: base,
    host,
    port,
    protocol: 'http',
    secretKey,
    webhookSecret,
    get webhookUrl() {
      return webhookUrl
    },
    set webhookUrl(v: string | null) {
      webhookUrl = v
    },
    setWebhookUrl(v: string | null) {
      webhookUrl = v
    },
    sessions,
    refunds,
    events,
    deliveries,
    async pay(sessionId, o = {}) {
      const session = findSession(sessionId)
      if (!session) throw new Error(`local Stripe: no such checkout session ${sessionId}`)
      if (session.status !== 'open') throw new Error(`local Stripe: checkout session ${sessionId} is ${session.status}; only open sessions can be paid`)
      const e = complete(session)
      if (o.deliver === false || !webhookUrl) return { event: e, status: null }
      const { status } = await deliver(e)
      return { event: e, status }
    },
    async settled() {
      while (background.size > 0) await Promise.allSettled([...background])
    },
    event: (type, object) => event(type, object),
    sign,
    deliver,
    async close() {
      while (background.size > 0) await Promise.allSettled([...background])
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
