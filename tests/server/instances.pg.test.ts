import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../app/modules/accounts/password.server'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { runExclusively } from '../../app/lib/timed-jobs.server'
import { openPostgres, type Database } from '../../db/connection'
import { postgresTestDatabase } from '../support/postgres'
import { startServer, type RunningServer } from '../support/server'

// Two production servers (`npm run serve`, built) on ONE PostgreSQL database behave as one
// marketplace: a session opened on one is valid on the other, a change seen through one is
// seen through the other's page cache, and checkouts racing through both for the last units
// never oversell. Runs in `npm run test:pg` only (it needs the PostgreSQL server).

const password = 'correct horse battery staple'
const SESSION_SECRET = 'two-instances-share-this-secret-of-32-chars'

let db: Database
let url: string
let a: RunningServer
let b: RunningServer

beforeAll(async () => {
  const database = await postgresTestDatabase('seeded')
  db = database.db
  url = database.url
  const env = { DATABASE_URL: database.url, DATABASE_POOL_SIZE: '6', SESSION_SECRET }
  // One after the other: both would migrate (one waits for the other's lock) and find the seed.
  a = await startServer(env)
  b = await startServer(env)
})

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
})

async function person(name: string): Promise<{ id: number; email: string }> {
  return db
    .insertInto('people')
    .values({
      email: `${name}@instances.example.org`,
      displayName: name,
      passwordHash: await hashPassword(password),
      emailConfirmedAt: '2026-01-01T00:00:00.000Z',
    })
    .returning(['id', 'email'])
    .executeTakeFirstOrThrow()
}

function post(server: RunningServer, path: string, form: Record<string, string>, cookie?: string): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams(form),
  })
}

async function logIn(server: RunningServer, email: string): Promise<string> {
  const res = await post(server, '/login', { email, password, redirectTo: '/' })
  expect(res.status).toBe(302)
  return res.headers.get('set-cookie')!.split(';')[0]!
}

const whoIsSignedIn = async (server: RunningServer, cookie: string) =>
  (await (await fetch(`${server.url}/cart`, { headers: { Cookie: cookie } })).text()).includes('Log out')

describe('two app instances on one PostgreSQL database', () => {
  it('a session opened on one instance is valid on the other, and ends on both', async () => {
    const someone = await person('session-tester')
    const cookie = await logIn(a, someone.email)
    expect(await whoIsSignedIn(b, cookie)).toBe(true)
    expect([302, 303]).toContain((await post(b, '/logout', {}, cookie)).status)
    expect(await whoIsSignedIn(a, cookie)).toBe(false)
  })

  it("a change written through one instance is on the other's cached pages at once", async () => {
    const offer = await db.selectFrom('offers').select(['id', 'slug', 'title']).where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow()
    const page = async (server: RunningServer) => (await fetch(`${server.url}/offers/${offer.slug}`)).text()
    expect(await page(b)).toContain(offer.title)
    expect(await page(b)).toContain(offer.title) // now served from b's page cache
    // What instance a writes lands in the shared database and moves its generation.
    await db.updateTable('offers').set({ title: 'Retitled through the other instance' }).where('id', '=', offer.id).execute()
    expect(await page(b)).toContain('Retitled through the other instance')
  })

  it('20 checkouts racing through both instances for the last 3 units sell exactly 3, and the ledger balances', async () => {
    const offer = await db
      .selectFrom('offers as o')
      .innerJoin('offerScores as s', 's.offerId', 'o.id')
      .select(['o.id', 'o.title'])
      .where('o.kind', '=', 'good')
      .where('o.status', '=', 'active')
      .where('s.listed', '=', 1)
      .orderBy('o.id')
      .executeTakeFirstOrThrow()
    await db.updateTable('offers').set({ stock: 3 }).where('id', '=', offer.id).execute()

    const buyers = await Promise.all(Array.from({ length: 20 }, (_, i) => person(`racer-${i}`)))
    const carts = await Promise.all(
      buyers.map(async (buyer, i) => {
        const server = i % 2 ? b : a
        const cookie = await logIn(server, buyer.email)
        expect([302, 303]).toContain((await post(server, '/cart', { intent: 'add', offerId: String(offer.id), quantity: '1' }, cookie)).status)
        return { server, cookie, key: `race-${i}-${Date.now()}` }
      }),
    )

    const answers = await Promise.all(
      carts.map(({ server, cookie, key }) => post(server, '/checkout', { idempotencyKey: key, declaredUse: 'personal', confirmUse: 'yes' }, cookie)),
    )
    const placed = answers.filter((r) => (r.status === 302 || r.status === 303) && /\/orders\/\d+/.test(r.headers.get('location') ?? ''))
    const refused = answers.filter((r) => r.status === 409)
    expect(placed).toHaveLength(3)
    expect(refused).toHaveLength(17)

    const sold = await db
      .selectFrom('orderLines')
      .select(sql<number>`coalesce(sum(quantity), 0)`.as('n'))
      .where('offerId', '=', offer.id)
      .executeTakeFirstOrThrow()
    expect(sold.n).toBe(3)
    expect((await db.selectFrom('offers').select('stock').where('id', '=', offer.id).executeTakeFirstOrThrow()).stock).toBe(0)
    const ledger = await checkLedger(db)
    expect(ledger.problems).toEqual([])
  })

  it('a timed job runs on one instance at a time: another skips it while it runs, and runs it after', async () => {
    // Another instance's pool on the same database: the lock is the database's, not a process's.
    const other = openPostgres(url, 2)
    try {
      let finish!: () => void
      const running = runExclusively(db, 'instances-test-job', () => new Promise<string>((resolve) => (finish = () => resolve('ran'))))
      await expect.poll(() => finish, { timeout: 10_000 }).toBeDefined()
      expect(await runExclusively(other, 'instances-test-job', async () => 'ran twice')).toBeNull()
      finish()
      expect(await running).toBe('ran')
      expect(await runExclusively(other, 'instances-test-job', async () => 'ran after')).toBe('ran after')
    } finally {
      await other.destroy()
    }
  })
})
