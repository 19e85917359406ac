import { randomBytes } from 'node:crypto'
import path from 'node:path'
import type { ServerBuild } from '@remix-run/node'
import { createRequestHandler, writeReadableStreamToWritable } from '@remix-run/node'
import express from 'express'
import helmet from 'helmet'
import { CachedPage } from './page-cache.server'
import { fallbackLanguage, type Language } from '../i18n/config'
import { visitorLanguage } from '../i18n/detect'
import { localized, translator } from '../i18n/translator.server'

// The HTTP side of the production server: static files, then Remix, optionally behind a
// wrapper such as the page cache. Works on Web Requests and Responses so the wrapper can.
// Before Remix sees a request, this layer refuses what Remix would turn into a 500 or a reset:
// a malformed address (400), a cross-origin form post (403); and it puts the security headers
// (helmet) on every answer, with a Content-Security-Policy whose nonce is the one in the page.

type RenderFn = (request: Request) => Promise<Response>
type Wrapper = (request: Request, render: RenderFn) => Promise<Response | CachedPage>

export interface HttpAppOptions {
  /** express's `trust proxy`: false, true, a number of hops, or addresses/subnets of the proxies */
  trustProxy?: boolean | number | string
  /** the public address (APP_URL): https turns on Strict-Transport-Security */
  appUrl?: string
  /** where a form may send the browser besides this site (Stripe Checkout) */
  formActionOrigins?: string[]
}

/** What Remix's loaders and entry.server get besides the request. */
export interface LoadContext {
  /** the Content-Security-Policy nonce of this answer, for Remix's inline scripts */
  cspNonce: string
}

// The nonce a rendered answer was made with travels with it (also into the page cache, whose
// stored page keeps its nonce), and is taken off before the answer leaves.
const NONCE_HEADER = 'x-solidarity-csp-nonce'

/** The host and scheme the visitor used: the proxy's forwarded ones only when it is trusted. */
function publicOrigin(req: express.Request): { protocol: string; host: string } {
  const trusted = req.app.get('trust proxy fn')(req.socket.remoteAddress ?? '', 0) as boolean
  const forwardedHost = trusted ? req.get('X-Forwarded-Host')?.split(',')[0]?.trim() : undefined
  // req.protocol reads X-Forwarded-Proto only when `trust proxy` trusts the socket's address.
  return { protocol: req.protocol, host: forwardedHost || req.get('host') || 'localhost' }
}

/**
 * A request body as a Web stream. When the reader stops early (readForm refusing a body over
 * its limit), the rest is read and discarded instead of destroying the socket: destroying it
 * resets the connection before the 413 that explains the refusal can reach the client.
 */
function bodyStream(req: express.Request): ReadableStream<Uint8Array> {
  let done = false
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on('data', (chunk: Buffer) => {
          if (done) return
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
          if ((controller.desiredSize ?? 0) <= 0) req.pause()
        })
        req.once('end', () => {
          if (!done) controller.close()
          done = true
        })
        req.once('error', (error) => {
          if (!done) controller.error(error)
          done = true
        })
      },
      pull() {
        req.resume()
      },
      cancel() {
        done = true
        req.resume()
      },
    },
    { highWaterMark: 4 },
  )
}

/** Express request → Web Request, as @remix-run/express does it. */
function toWebRequest(req: express.Request, res: express.Response): Request {
  const { protocol, host } = publicOrigin(req)
  const url = new URL(req.originalUrl, `${protocol}://${host}`)
  const headers = new Headers()
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v)
    else if (value !== undefined) headers.set(key, value)
  }
  // The origin check ran here already, against the host worked out above; Remix checks again
  // against Host or X-Forwarded-Host, so it is given the same host and no other.
  headers.set('Host', host)
  headers.delete('X-Forwarded-Host')
  // Rate limits need the caller's address: the socket's, or with a trusted proxy the client it
  // names in X-Forwarded-For. A client-sent value of this name must not count.
  headers.set('X-Client-Address', req.ip ?? req.socket.remoteAddress ?? 'unknown')
  const controller = new AbortController()
  res.on('close', () => {
    if (!res.writableFinished) controller.abort()
  })
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, signal: controller.signal }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    init.body = bodyStream(req)
    init.duplex = 'half'
  }
  return new Request(url, init)
}

async function sendWebResponse(res: express.Response, response: Response | CachedPage) {
  if (response instanceof CachedPage) {
    res.status(response.status)
    for (const [key, value] of response.headers) if (key !== NONCE_HEADER) res.append(key, value)
    res.end(response.body)
    return
  }
  res.status(response.status)
  for (const [key, value] of response.headers) if (key !== 'set-cookie' && key !== NONCE_HEADER) res.append(key, value)
  for (const cookie of response.headers.getSetCookie()) res.append('Set-Cookie', cookie)
  if (response.body) await writeReadableStreamToWritable(response.body, res)
  else res.end()
}

function nonceOf(response: Response | CachedPage): string | undefined {
  if (response instanceof CachedPage) return response.headers.find(([key]) => key === NONCE_HEADER)?.[1]
  return response.headers.get(NONCE_HEADER) ?? undefined
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The language a request asks for (?lng=, the cookie, Accept-Language), before Remix has it. */
function languageOf(req: express.Request): Language {
  try {
    const headers = { Cookie: req.get('Cookie') ?? '', 'Accept-Language': req.get('Accept-Language') ?? '' }
    return visitorLanguage(new Request(new URL(req.originalUrl, 'http://localhost'), { headers }))
  } catch {
    return fallbackLanguage
  }
}

/**
 * A plain page for refusals made before Remix renders: readable, no scripts, no stack; in the
 * reader's language. `titleKey` is a key of the `messages` namespace; `message` is English.
 */
function refusalPage(
  req: express.Request,
  res: express.Response,
  status: number,
  titleKey: 'http.addressInvalidTitle' | 'http.crossSiteTitle',
  message: string,
) {
  const language = languageOf(req)
  const title = escapeHtml(translator(language, 'messages')(titleKey))
  const back = escapeHtml(translator(language, 'common')('nav.backToCatalog'))
  res.status(status).type('html').setHeader('Cache-Control', 'no-store')
  res.end(
    `<!DOCTYPE html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${title} · Solidarity Market</title></head><body><main><h1>${title}</h1><p>${escapeHtml(localized(language, message))}</p>` +
      `<p><a href="/">${back}</a></p></main></body></html>`,
  )
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Whether a state-changing request came from another site. Browsers send Origin with every
 * cross-origin POST (and "null" from sandboxed frames and some redirects); requests without
 * one (curl, Stripe's webhook, old browsers on same-origin forms) are not cross-site forms.
 */
function crossOrigin(req: express.Request, appUrl: string | undefined): boolean {
  const origin = req.get('Origin')
  if (origin === undefined) return false
  if (origin === 'null') return true
  let parsed: URL
  try {
    parsed = new URL(origin)
  } catch {
    return true
  }
  const { protocol, host } = publicOrigin(req)
  if (parsed.host !== host) return true
  // Same host, other scheme: a TLS-terminating proxy that is not trusted shows http here while
  // the browser says https. The configured public address vouches for that one case.
  return parsed.protocol !== `${protocol}:` && !(appUrl && new URL(appUrl).origin === parsed.origin)
}

/**
 * The HTTP side: static files, then the Remix request handler, optionally behind a page cache.
 * The benchmarks serve the bare yardstick app with it too.
 */
export function createHttpApp(build: ServerBuild, mode: string, publicDir: string, wrap?: Wrapper, options: HttpAppOptions = {}) {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', options.trustProxy ?? false)
  const https = options.appUrl?.startsWith('https:') ?? false

  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // Remix's inline scripts (the route data, module loading, scroll restoration) carry the
        // nonce; the bundles load from this site.
        scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce as string}'`],
        scriptSrcAttr: ["'none'"],
        // Bar widths in the fund charts are style attributes; no <style> elements are inlined.
        styleSrc: ["'self'"],
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'", ...(options.formActionOrigins ?? [])],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // Same-origin pages link out with their path only (receipts and workspaces name orders).
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: https ? { maxAge: 365 * 24 * 60 * 60, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
    // Offer images and the open-data API are for other sites too (the API's CORS says so).
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  })
  /** Sets the security headers of an answer whose page was made with `nonce`. */
  const secure = (req: express.Request, res: express.Response, nonce: string) => {
    res.locals.cspNonce = nonce
    securityHeaders(req, res, () => {})
  }
  const newNonce = () => randomBytes(16).toString('base64')

  // A path whose percent-encoding does not decode names nothing; say so instead of a stack trace.
  app.use((req, res, next) => {
    try {
      decodeURIComponent(req.path)
    } catch {
      secure(req, res, newNonce())
      return refusalPage(
        req,
        res,
        400,
        'http.addressInvalidTitle',
        'The address contains a malformed %-escape, so it names no page here. Check the link and try again.',
      )
    }
    next()
  })
  app.use((req, res, next) => {
    if (!unsafeMethods.has(req.method) || !crossOrigin(req, options.appUrl)) return next()
    secure(req, res, newNonce())
    // The body is not wanted; read it off (not destroy the socket) so the refusal arrives intact.
    req.resume()
    refusalPage(
      req,
      res,
      403,
      'http.crossSiteTitle',
      'For your safety we only accept forms sent from this site’s own pages. Open the page on this site and send the form again. (Running behind a reverse proxy? Set TRUST_PROXY so the server sees the address people use.)',
    )
  })
  app.use(
    '/build',
    (req, res, next) => {
      secure(req, res, newNonce())
      next()
    },
    express.static(path.join(publicDir, 'build'), { immutable: true, maxAge: '1y' }),
  )
  // Only paths that name a file (favicon.ico, robots.txt) can be in public/: pages skip the
  // file-system look-up, which otherwise costs a stat() on every page request.
  const publicFiles = express.static(publicDir, { maxAge: '1h', index: false })
  app.use((req, res, next) => {
    if (!/\.[A-Za-z0-9]+$/.test(req.path)) return next()
    secure(req, res, newNonce())
    publicFiles(req, res, next)
  })
  const handleRequest = createRequestHandler(build, mode)
  app.use((req, res, next) => {
    const nonce = newNonce()
    const render: RenderFn = async (request) => {
      const response = await handleRequest(request, { cspNonce: nonce } satisfies LoadContext)
      try {
        response.headers.set(NONCE_HEADER, nonce)
      } catch {
        // Immutable headers (a fetched Response): not a page rendered here, so no nonce to keep.
      }
      return response
    }
    const request = toWebRequest(req, res)
    ;(wrap ? wrap(request, render) : render(request))
      .then((response) => {
        secure(req, res, nonceOf(response) ?? nonce)
        return sendWebResponse(res, response)
      })
      .catch(next)
  })
  return app
}
