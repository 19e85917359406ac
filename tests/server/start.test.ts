import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../db/connection'
import { runServerToExit, startServer, tempDir, type RunningServer } from '../support/server'

// These run the real production entry (server.ts) on the built app: `npm test` builds first.

describe('starting the marketplace', () => {
  it.each([
    ['PORT', 'not-a-port', /^Invalid configuration: PORT must be a whole number between 1 and 65535 \(got "not-a-port"\)$/],
    ['PORT', '99999', /^Invalid configuration: PORT must be a whole number/],
    ['DATABASE_PATH', 'data/', /^Invalid configuration: DATABASE_PATH must name a file, not a folder/],
    ['DATABASE_URL', 'mysql://root@127.0.0.1/market', /^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL \(mysql:\/\/ is not PostgreSQL/],
    ['DATABASE_POOL_SIZE', '1', /^Invalid configuration: DATABASE_POOL_SIZE must be a whole number of connections between 2 and 100 \(got "1"\)$/],
    // Nothing listens on port 1: the server says so in one line and never repeats the URL (it may hold a password).
    ['DATABASE_URL', 'postgres://market:s3cret@127.0.0.1:1/market', /^Cannot connect to the database at DATABASE_URL: (?!.*s3cret)/],
  ])('stops with a one-line message when %s=%s', async (variable, value, message) => {
    const result = await runServerToExit({ [variable]: value })
    expect(result.code).toBe(1)
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(message)
  })

  describe('on an empty database file', () => {
    let server: RunningServer
    let databasePath: string
    beforeAll(async () => {
      databasePath = path.join(tempDir('sm-start'), 'nested', 'market.db')
      server = await startServer({ DATABASE_PATH: databasePath })
    })
    afterAll(async () => server?.stop())

    it('migrates, seeds the demo marketplace and serves the catalog', async () => {
      expect(server.output()).toMatch(/Seeded the demo marketplace: \d+ organisations, \d+ offers/)
      const res = await fetch(`${server.url}/`)
      expect(res.status).toBe(200)
      const html = await res.text()
      expect(html).toContain('<h1 id="catalog-title">Catalog</h1>')
      expect(html.match(/class="card"/g)?.length).toBe(24)
      expect(html).toContain('Commoners pay')
    })

    it('answers /healthz, 404s unknown pages, and serves the favicon', async () => {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
      const missing = await fetch(`${server.url}/no/such/page`)
      expect(missing.status).toBe(404)
      expect(await missing.text()).toContain('Page not found')
      expect((await fetch(`${server.url}/favicon.ico`)).status).toBe(200)
    })

    it('answers a malformed page number with 400 and a readable message, not a 500', async () => {
      const res = await fetch(`${server.url}/?page=banana`)
      expect(res.status).toBe(400)
      expect(await res.text()).toContain('page must be a whole number')
    })

    it('serves the catalog from its page cache until the catalog changes, even from another process', async () => {
      await fetch(`${server.url}/`)
      const cached = await fetch(`${server.url}/`)
      expect(cached.headers.get('X-Page-Cache')).toBe('hit')
      const first = /<h3 id="offer-([a-z0-9-]+)"/.exec(await cached.text())![1]!
      const db = openDatabase(databasePath)
      await db.updateTable('offers').set({ title: 'Renamed by a steward' }).where('slug', '=', first).execute()
      await db.destroy()
      const fresh = await fetch(`${server.url}/`)
      expect(fresh.headers.get('X-Page-Cache')).toBe('miss')
      expect(await fresh.text()).toContain('Renamed by a steward')
      // A visitor with a session never shares a cached page.
      const personal = await fetch(`${server.url}/`, { headers: { Cookie: '__session=abc' } })
      expect(personal.headers.get('X-Page-Cache')).toBeNull()
    })

    it('serves the open-data API through the same cache, with its CORS header, ETag and 304s', async () => {
      const first = await fetch(`${server.url}/api/v1/offers?limit=2`)
      expect(first.status).toBe(200)
      const again = await fetch(`${server.url}/api/v1/offers?limit=2`)
      expect(again.headers.get('X-Page-Cache')).toBe('hit')
      expect(again.headers.get('Access-Control-Allow-Origin')).toBe('*')
      expect(again.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
      const etag = again.headers.get('ETag')!
      expect(etag).toBeTruthy()
      expect(((await again.json()) as { data: unknown[] }).data).toHaveLength(2)
      const conditional = await fetch(`${server.url}/api/v1/offers?limit=2`, { headers: { 'If-None-Match': etag } })
      expect(conditional.status).toBe(304)
      expect(await conditional.text()).toBe('')
      // fund ledgers move without the catalog generation: never from this cache
      const ledger = await fetch(`${server.url}/api/v1/funds/1/ledger`)
      expect(ledger.headers.get('X-Page-Cache')).toBeNull()
      const bad = await fetch(`${server.url}/api/v1/offers?limit=500`)
      expect(bad.status).toBe(400)
      expect(((await bad.json()) as { error: { parameter: string } }).error.parameter).toBe('limit')
    })

    it('does not seed again on the next start', async () => {
      await server.stop()
      const db = openDatabase(databasePath)
      const before = await db
        .selectFrom('offers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      await db.destroy()
      server = await startServer({ DATABASE_PATH: databasePath })
      expect(server.output()).not.toContain('Seeded')
      const db2 = openDatabase(databasePath)
      const after = await db2
        .selectFrom('offers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      await db2.destroy()
      expect(after.n).toBe(before.n)
    })
  })
})
