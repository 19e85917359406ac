import path from 'node:path'
import type { ServerBuild } from '@remix-run/node'
import { createReadableStreamFromReadable, createRequestHandler, writeReadableStreamToWritable } from '@remix-run/node'
import express from 'express'
import { CachedPage } from './page-cache.server'

// The HTTP side of the production server: static files, then Remix, optionally behind a
// wrapper such as the page cache. Works on Web Requests and Responses so the wrapper can.

type RenderFn = (request: Request) => Promise<Response>
type Wrapper = (request: Request, render: RenderFn) => Promise<Response | CachedPage>

/** Express request → Web Request, as @remix-run/express does it. */
function toWebRequest(req: express.Request, res: express.Response): Request {
  const url = new URL(req.originalUrl, `${req.protocol}://${req.get('host') ?? 'localhost'}`)
  const headers = new Headers()
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v)
    else if (value !== undefined) headers.set(key, value)
  }
  // Rate limits need the caller's address; only the socket knows it, and a client-sent value
  // of the same name must not count.
  headers.set('X-Client-Address', req.socket.remoteAddress ?? 'unknown')
  const controller = new AbortController()
  res.on('close', () => {
    if (!res.writableFinished) controller.abort()
  })
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, signal: controller.signal }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    init.body = createReadableStreamFromReadable(req)
    init.duplex = 'half'
  }
  return new Request(url, init)
}

async function sendWebResponse(res: express.Response, response: Response | CachedPage) {
  if (response instanceof CachedPage) {
    res.status(response.status)
    for (const [key, value] of response.headers) res.append(key, value)
    res.end(response.body)
    return
  }
  res.status(response.status)
  for (const [key, value] of response.headers) if (key !== 'set-cookie') res.append(key, value)
  for (const cookie of response.headers.getSetCookie()) res.append('Set-Cookie', cookie)
  if (response.body) await writeReadableStreamToWritable(response.body, res)
  else res.end()
}

/**
 * The HTTP side: static files, then the Remix request handler, optionally behind a page cache.
 * The benchmarks serve the bare yardstick app with it too.
 */
export function createHttpApp(build: ServerBuild, mode: string, publicDir: string, wrap?: Wrapper) {
  const app = express()
  app.disable('x-powered-by')
  app.use('/build', express.static(path.join(publicDir, 'build'), { immutable: true, maxAge: '1y' }))
  // Only paths that name a file (favicon.ico, robots.txt) can be in public/: pages skip the
  // file-system look-up, which otherwise costs a stat() on every page request.
  const publicFiles = express.static(publicDir, { maxAge: '1h', index: false })
  app.use((req, res, next) => (/\.[A-Za-z0-9]+$/.test(req.path) ? publicFiles(req, res, next) : next()))
  const handleRequest = createRequestHandler(build, mode)
  const render: RenderFn = (request) => handleRequest(request)
  app.all('*', (req, res, next) => {
    const request = toWebRequest(req, res)
    ;(wrap ? wrap(request, render) : render(request)).then((response) => sendWebResponse(res, response)).catch(next)
  })
  return app
}

