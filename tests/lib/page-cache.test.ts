import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { CachedPage, createPageCache } from '../../app/lib/page-cache.server'

function setup(opts: { maxEntries?: number; maxAgeMs?: number } = {}) {
  let generation = 1
  let clock = 0
  let renders = 0
  const cache = createPageCache({
    isCacheablePath: (p) => p === '/' || p === '/missing' || p.startsWith('/offers/'),
    varyCookies: ['catalog_view'],
    currentGeneration: async () => generation,
    now: () => clock,
    ...opts,
  })
  const render = async (request: Request) => {
    renders++
    const url = new URL(request.url)
    const headers: Record<string, string> = { 'Content-Type': 'text/html', ETag: `W/"g${generation}"` }
    if (url.searchParams.has('remember')) headers['Set-Cookie'] = 'catalog_view=x'
    return new Response(`page ${url.pathname}${url.search} v${generation} #${renders}`, { status: url.pathname === '/missing' ? 404 : 200, headers })
  }
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await cache.serve(new Request(`http://localhost${path}`, { headers }), render)
    if (res instanceof CachedPage) {
      const h = new Headers(res.headers)
      const bytes = h.get('Content-Encoding') === 'gzip' ? gunzipSync(res.body) : res.body
      return { status: res.status, text: new TextDecoder().decode(bytes), cache: h.get('X-Page-Cache'), encoding: h.get('Content-Encoding') }
    }
    return { status: res.status, text: await res.text(), cache: res.headers.get('X-Page-Cache'), encoding: null }
  }
  return {
    get,
    bump: () => generation++,
    tick: (ms: number) => (clock += ms),
    renders: () => renders,
  }
}

describe('the page cache', () => {
  it('answers a conditional request for the stored version with 304 and no body', async () => {
    const c = setup()
    expect((await c.get('/')).status).toBe(200)
    expect(await c.get('/', { 'If-None-Match': 'W/"g1"' })).toMatchObject({ status: 304, text: '' })
    expect(await c.get('/', { 'If-None-Match': '"g1", "other"' })).toMatchObject({ status: 304 })
    expect(await c.get('/', { 'If-None-Match': 'W/"g0"' })).toMatchObject({ status: 200, text: 'page / v1 #1' })
    c.bump()
    expect(await c.get('/', { 'If-None-Match': 'W/"g1"' })).toMatchObject({ status: 200, text: 'page / v2 #2' })
    expect(c.renders()).toBe(2)
  })

  it('serves a rendered public page again until the catalog changes', async () => {
    const c = setup()
    expect(await c.get('/')).toMatchObject({ text: 'page / v1 #1', cache: 'miss' })
    expect(await c.get('/')).toMatchObject({ text: 'page / v1 #1', cache: 'hit' })
    c.bump()
    expect(await c.get('/')).toMatchObject({ text: 'page / v2 #2', cache: 'miss' })
  })

  it('sends the stored page gzipped to browsers that accept it, the same page either way', async () => {
    const c = setup()
    const plain = await c.get('/')
    const zipped = await c.get('/', { 'Accept-Encoding': 'gzip, deflate, br' })
    expect(plain.encoding).toBeNull()
    expect(zipped).toMatchObject({ encoding: 'gzip', cache: 'hit', text: plain.text })
  })

  it('keys by the full URL and the view cookie', async () => {
    const c = setup()
    await c.get('/?page=2')
    expect((await c.get('/?page=3')).cache).toBe('miss')
    await c.get('/', { Cookie: 'catalog_view=a' })
    expect((await c.get('/', { Cookie: 'catalog_view=b' })).cache).toBe('miss')
    expect((await c.get('/', { Cookie: 'catalog_view=a' })).cache).toBe('hit')
  })

  it('never caches for a visitor with any other cookie, a fresh-render request, other paths or methods', async () => {
    const c = setup()
    await c.get('/')
    expect((await c.get('/', { Cookie: '__session=abc; catalog_view=a' })).cache).toBeNull()
    expect((await c.get('/', { 'Cache-Control': 'no-cache' })).cache).toBeNull()
    expect((await c.get('/about')).cache).toBeNull()
    expect(c.renders()).toBe(4)
  })

  it('does not keep errors or responses that set cookies', async () => {
    const c = setup()
    await c.get('/?remember=1')
    expect((await c.get('/?remember=1')).text).toBe('page /?remember=1 v1 #2')
    await c.get('/missing')
    expect((await c.get('/missing')).text).toBe('page /missing v1 #4')
  })

  it('expires entries by age, and evicts the least recently used beyond its size', async () => {
    const c = setup({ maxAgeMs: 1000, maxEntries: 2 })
    await c.get('/')
    c.tick(999)
    expect((await c.get('/')).cache).toBe('hit')
    c.tick(1)
    expect((await c.get('/')).cache).toBe('miss')
    await c.get('/offers/a')
    await c.get('/') // most recent
    await c.get('/offers/b') // evicts /offers/a
    expect((await c.get('/')).cache).toBe('hit')
    expect((await c.get('/offers/a')).cache).toBe('miss')
  })
})
