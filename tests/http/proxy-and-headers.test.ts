import net, { type AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import type { ServerBuild } from '@remix-run/node'
import { afterEach, describe, expect, it } from 'vitest'
import { createHttpApp, type HttpAppOptions } from '../../app/lib/http-app.server'
import { parseEnv } from '../../app/lib/env.server'

// The HTTP layer on its own, over real HTTP: a wrapper in place of Remix shows what the app
// would be handed (the address, the URL) and answers with a page carrying the nonce it gets.

let server: Server | undefined
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => probe.once('listening', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

async function start(options: HttpAppOptions, port = 0): Promise<string> {
  const app = createHttpApp(
    {} as ServerBuild,
    'production',
    'public',
    async (request) => {
      const seen = { url: request.url, address: request.headers.get('X-Client-Address'), host: request.headers.get('Host') }
      return new Response(JSON.stringify(seen), { headers: { 'Content-Type': 'application/json' } })
    },
    options,
  )
  server = app.listen(port, '127.0.0.1')
  await new Promise((resolve) => server!.once('listening', resolve))
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`
}

// What a TLS-terminating proxy in front of https://market.example sends on for a browser's post.
const proxied = { Origin: 'https://market.example', 'X-Forwarded-Host': 'market.example', 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.7' }

describe('behind a reverse proxy', () => {
  it('without TRUST_PROXY, forwarded headers count for nothing: the post is refused and the address is the socket', async () => {
    const url = await start({})
    const post = await fetch(`${url}/login`, { method: 'POST', body: 'a=1', headers: proxied })
    expect(post.status).toBe(403)
    const get = await fetch(`${url}/`, { headers: proxied })
    expect(await get.json()).toMatchObject({ address: '127.0.0.1', url: `${url}/` })
  })

  it('with TRUST_PROXY, the public address is the proxy’s: the post passes and the login limit sees the real client', async () => {
    const url = await start({ trustProxy: parseEnv({ TRUST_PROXY: 'loopback' }).TRUST_PROXY })
    const post = await fetch(`${url}/login`, { method: 'POST', body: 'a=1', headers: proxied })
    expect(post.status).toBe(200)
    expect(await post.json()).toEqual({ url: 'https://market.example/login', address: '203.0.113.7', host: 'market.example' })
    // A post from another site is still refused through the proxy.
    expect((await fetch(`${url}/login`, { method: 'POST', body: 'a=1', headers: { ...proxied, Origin: 'https://evil.example' } })).status).toBe(403)
  })

  it('an untrusted TLS proxy that keeps Host is vouched for by an https APP_URL naming that host', async () => {
    const port = await freePort()
    const origin = `https://127.0.0.1:${port}`
    const url = await start({ appUrl: origin }, port)
    expect((await fetch(`${url}/login`, { method: 'POST', body: 'a=1', headers: { Origin: origin } })).status).toBe(200)
    server!.close()
    const other = await start({ appUrl: 'https://market.example' }, port)
    expect((await fetch(`${other}/login`, { method: 'POST', body: 'a=1', headers: { Origin: origin } })).status).toBe(403)
  })

  it('TRUST_PROXY takes false, true, a hop count or proxy addresses, and refuses anything else in one line', () => {
    expect(parseEnv({}).TRUST_PROXY).toBe(false)
    expect(parseEnv({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true)
    expect(parseEnv({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1)
    expect(parseEnv({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,loopback' }).TRUST_PROXY).toBe('10.0.0.1,192.168.0.0/16,loopback')
    expect(() => parseEnv({ TRUST_PROXY: 'my-proxy.internal' })).toThrow(/^Invalid configuration: TRUST_PROXY must be false, true, a number of proxies/)
  })
})

describe('security headers', () => {
  it('every answer: a CSP with a fresh nonce and frame-ancestors none, nosniff, a referrer policy; no HSTS over http', async () => {
    const url = await start({ appUrl: 'http://localhost:3000' })
    const [a, b] = await Promise.all([fetch(`${url}/`), fetch(`${url}/`)])
    const csp = a.headers.get('Content-Security-Policy')!
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("object-src 'none'")
    expect(b.headers.get('Content-Security-Policy')).not.toBe(csp)
    expect(a.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(a.headers.get('Referrer-Policy')).toBe('same-origin')
    expect(a.headers.get('X-Frame-Options')).toBe('DENY')
    expect(a.headers.get('Strict-Transport-Security')).toBeNull()
    // Refusals made before Remix carry them too.
    const refused = await fetch(`${url}/%ZZ`)
    expect(refused.status).toBe(400)
    expect(refused.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'")
  })

  it('Strict-Transport-Security when APP_URL is https', async () => {
    const url = await start({ appUrl: 'https://market.example' })
    expect((await fetch(`${url}/`)).headers.get('Strict-Transport-Security')).toMatch(/^max-age=31536000/)
  })
})
