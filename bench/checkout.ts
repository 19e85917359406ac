// npm run bench:checkout [-- --offers 100000 --seconds 5 --buyers 8 --concurrency 16 --reuse]
// Checkout throughput and correctness at scale: raw SQLite inserts as the yardstick, one-line
// and five-line orders through placeOrder (the domain function the checkout route calls) from C
// concurrent in-process buyers on one connection (one-line also one at a time, for comparison), and
// B worker threads, each with its own connection, racing for a few nearly sold-out offers.
// Last line on stdout: one JSON object.
import fs from 'node:fs'
import path from 'node:path'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { sql, type Kysely } from 'kysely'
import { checkpointInBackground, kyselyFor, openDatabase, openSqlite } from '../db/connection'
import type { DB } from '../db/schema'
import { AppError } from '../app/lib/errors'
import { checkLedger } from '../app/modules/ledger/check.server'
import { placeOrder, type PlaceOrderInput } from '../app/modules/orders/place-order.server'
import { buildCatalogDb } from './support/catalog-data'
import { mulberry32 } from '../db/seed/random'
import { parseFlags, percentile, root } from './support/measure'

const log = (line: string) => process.stderr.write(`[bench:checkout] ${line}\n`)
const buyerEmail = 'bench-for-profit-buyer@example.org'
/** Stock the throughput phases never exhaust. */
const plentifulStock = 1_000_000_000

interface WorkerInput {
  file: string
  worker: number
  runId: string
  personId: number
  organisationId: number
  offerIds: number[]
  deadlineMs: number
}
interface WorkerResult {
  units: [number, number][]
  orders: number
  conflicts: number
  busyRetries: number
  errors: string[]
}

const isBusy = (error: unknown) => typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('SQLITE_BUSY')

if (isMainThread) await main()
else await worker(workerData as WorkerInput)

// ---------------------------------------------------------------------------------------------

async function main() {
  const flags = parseFlags(process.argv.slice(2))
  const offers = Number(flags.offers ?? 100_000)
  const seconds = Number(flags.seconds ?? 5)
  const buyers = Number(flags.buyers ?? 8)
  const concurrency = Math.max(1, Number(flags.concurrency ?? 16))
  const file = path.join(root, 'bench/data', `checkout-${offers}.db`)
  const runId = `${Date.now().toString(36)}-${process.pid}`

  if (flags.reuse && fs.existsSync(file)) log(`reusing ${path.relative(root, file)}`)
  else {
    log(`building a catalog of ${offers.toLocaleString('en')} offers in ${path.relative(root, file)}`)
    const t = performance.now()
    await buildCatalogDb(file, offers, log)
    log(`built in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  }

  // Configured as server.ts configures its connection: checkpoints off the request path.
  const sqliteMain = openSqlite(file)
  const stopCheckpoints = checkpointInBackground(sqliteMain)
  const db = kyselyFor(sqliteMain)
  const { personId, organisationId, goods } = await prepare(db)
  log(`buyer: person ${personId}, member of for-profit organisation ${organisationId}; ${goods.length.toLocaleString('en')} listed goods`)

  // 1. The yardstick: raw single-row inserts, one autocommit transaction each, same file and pragmas.
  log(`raw inserts (prepared statement, autocommit, WAL + synchronous=NORMAL) for ${seconds} s …`)
  const rawInsertsPerS = rawInserts(file, seconds)
  log(`  ${rawInsertsPerS.toLocaleString('en')} inserts/s`)

  const rand = mulberry32(0xc0ffee)
  const pickGood = () => goods[Math.floor(rand() * goods.length)]!
  let key = 0
  const input = (lines: PlaceOrderInput['lines']): PlaceOrderInput => ({
    buyer: { personId, use: { kind: 'organisation', organisationId } },
    lines,
    idempotencyKey: `bench-${runId}-${++key}`,
    paymentProvider: 'invoice',
  })
  const now = () => new Date().toISOString()

  // Warm the connection's statement cache and the page cache before timing anything.
  for (let i = 0; i < 200; i++) await placeOrder(db, input([{ offerId: pickGood(), quantity: 1 }]), now())

  // 2. One-line orders, first one at a time (each awaited before the next), then C concurrent
  // in-process buyers on the same one connection, as the server has (concurrent HTTP requests
  // are concurrent placeOrder calls, which placeOrder writes in shared transactions).
  log(`one-line orders via placeOrder, one at a time, for ${seconds} s …`)
  const seq = await forSeconds(seconds, 1, () => placeOrder(db, input([{ offerId: pickGood(), quantity: 1 + Math.floor(rand() * 3) }]), now()))
  const ordersPerSSequential = Math.round(seq.calls / seq.seconds)
  log(
    `  sequential: ${ordersPerSSequential.toLocaleString('en')} orders/s (${seq.calls} orders), latency p50 ${round3(percentile(seq.samples, 50))} ms, p99 ${round3(percentile(seq.samples, 99))} ms` +
      ` = ${((ordersPerSSequential / rawInsertsPerS) * 100).toFixed(1)}% of raw inserts/s`,
  )

  log(`one-line orders via placeOrder, ${concurrency} concurrent buyers, for ${seconds} s …`)
  const one = await forSeconds(seconds, concurrency, () => placeOrder(db, input([{ offerId: pickGood(), quantity: 1 + Math.floor(rand() * 3) }]), now()))
  const ordersPerS = Math.round(one.calls / one.seconds)
  const p50 = round3(percentile(one.samples, 50))
  const p99 = round3(percentile(one.samples, 99))
  log(`  ${ordersPerS.toLocaleString('en')} orders/s (${one.calls} orders), latency p50 ${p50} ms, p99 ${p99} ms (each order's wait, batch included)`)
  log(`  = ${((ordersPerS / rawInsertsPerS) * 100).toFixed(1)}% of raw inserts/s (target ≥ 10%)`)

  // 3. Five-line orders: five distinct goods, usually from five producers (five orders, five entries).
  log(`five-line orders via placeOrder, ${concurrency} concurrent buyers, for ${seconds} s …`)
  const five = await forSeconds(seconds, concurrency, () => {
    const ids = new Set<number>()
    while (ids.size < 5) ids.add(pickGood())
    return placeOrder(db, input([...ids].map((offerId) => ({ offerId, quantity: 1 + Math.floor(rand() * 3) }))), now())
  })
  const orders5PerS = Math.round(five.calls / five.seconds)
  log(
    `  ${orders5PerS.toLocaleString('en')} checkouts/s (${five.calls} checkouts), latency p50 ${round3(percentile(five.samples, 50))} ms, p99 ${round3(percentile(five.samples, 99))} ms`,
  )

  // 4. Concurrency: B threads, each with its own connection, race for 20 offers of 3 units each.
  const raced = 20
  const initialStock = 3
  const racedIds: number[] = []
  const pool = [...goods]
  for (let i = 0; i < raced; i++) racedIds.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]!)
  await db.updateTable('offers').set({ stock: initialStock }).where('id', 'in', racedIds).execute()
  const checkoutsBefore = Number(
    (
      await db
        .selectFrom('checkouts')
        .select(sql<number>`max(id)`.as('n'))
        .executeTakeFirstOrThrow()
    ).n ?? 0,
  )
  log(`concurrency: ${buyers} worker threads, own connections, racing for ${raced} offers of ${initialStock} units (1–2 units an order) …`)
  const race = await runWorkers(buyers, { file, runId, personId, organisationId, offerIds: racedIds, deadlineMs: 120_000 })
  const sold = new Map<number, number>()
  let raceOrders = 0
  let conflicts = 0
  let busyRetries = 0
  const errors: string[] = []
  for (const r of race.results) {
    for (const [id, units] of r.units) sold.set(id, (sold.get(id) ?? 0) + units)
    raceOrders += r.orders
    conflicts += r.conflicts
    busyRetries += r.busyRetries
    errors.push(...r.errors)
  }
  let oversold = 0
  for (const id of racedIds) oversold += Math.max(0, (sold.get(id) ?? 0) - initialStock)
  log(`  ${raceOrders} orders placed, ${conflicts} refused as sold out, ${busyRetries} SQLITE_BUSY retries, in ${race.seconds.toFixed(2)} s`)
  for (const e of errors.slice(0, 10)) log(`  worker error: ${e}`)

  // What the database says, independently of what the workers counted.
  const negative = Number(
    (
      await db
        .selectFrom('offers')
        .select(sql<number>`count(*)`.as('n'))
        .where('stock', '<', 0)
        .executeTakeFirstOrThrow()
    ).n,
  )
  const stockLeft = await db.selectFrom('offers').select(['id', 'stock']).where('id', 'in', racedIds).execute()
  const linesSold = new Map(
    (
      await db
        .selectFrom('orderLines as l')
        .innerJoin('orders as o', 'o.id', 'l.orderId')
        .select(['l.offerId', sql<number>`sum(l.quantity)`.as('units')])
        .where('o.checkoutId', '>', checkoutsBefore)
        .where('l.offerId', 'in', racedIds)
        .groupBy('l.offerId')
        .execute()
    ).map((r) => [r.offerId, Number(r.units)]),
  )
  const disagreements = racedIds.filter((id) => (linesSold.get(id) ?? 0) !== (sold.get(id) ?? 0))
  const notSoldOut = stockLeft.filter((o) => o.stock !== 0)
  log(`  oversold units: ${oversold}; offers with negative stock: ${negative}; raced offers not sold out: ${notSoldOut.length}`)
  if (disagreements.length) log(`  order lines disagree with the workers' counts for offers ${disagreements.join(', ')}`)

  log('checking the ledger …')
  const ledger = await checkLedger(db)
  log(`  ${ledger.ok ? 'ok' : 'NOT OK'}: ${ledger.entries} entries, ${ledger.postings} postings, ${ledger.orders} orders`)
  for (const p of ledger.problems.slice(0, 20)) log(`  problem: ${p}`)
  if (ledger.problems.length > 20) log(`  … and ${ledger.problems.length - 20} more problems`)
  await stopCheckpoints()
  await db.destroy()

  console.log(
    JSON.stringify({
      orders_per_s: ordersPerS,
      orders5_per_s: orders5PerS,
      raw_inserts_per_s: rawInsertsPerS,
      oversold,
      concurrency,
      orders_per_s_sequential: ordersPerSSequential,
      orders_pct_of_raw: Math.round((ordersPerS / rawInsertsPerS) * 1000) / 10,
      offers,
      ledger_ok: ledger.ok,
      negative_stock: negative,
      p50_order_ms: p50,
      p99_order_ms: p99,
      busy_retries: busyRetries,
    }),
  )
  if (oversold > 0 || negative > 0 || !ledger.ok || disagreements.length > 0 || errors.length > 0) process.exitCode = 1
}

/**
 * Leaves a for-profit buyer to buy as and stock that the throughput phases cannot exhaust.
 * The catalog data has organisations and the infrastructure fund, but no people.
 */
async function prepare(db: Kysely<DB>) {
  const fund = await db.selectFrom('commonsFunds').select('id').where('kind', '=', 'infrastructure').where('currency', '=', 'EUR').executeTakeFirst()
  if (!fund) {
    await db
      .insertInto('commonsFunds')
      .values({ slug: 'infrastructure', name: 'Infrastructure fund', purpose: '', kind: 'infrastructure', currency: 'EUR' })
      .execute()
  }
  const firm = await db.selectFrom('organisations').select('id').where('legalForm', '=', 'for_profit').orderBy('id').executeTakeFirst()
  const organisationId =
    firm?.id ??
    (
      await db
        .insertInto('organisations')
        .values({ slug: 'bench-for-profit-buyer', name: 'Bench Retail Ltd', legalForm: 'for_profit', summary: '', countryCode: 'DE', city: 'Leipzig' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  await db
    .insertInto('people')
    .values({ email: buyerEmail, displayName: 'Bench Buyer' })
    .onConflict((oc) => oc.doNothing())
    .execute()
  const { id: personId } = await db.selectFrom('people').select('id').where('email', '=', buyerEmail).executeTakeFirstOrThrow()
  await db
    .insertInto('memberships')
    .values({ organisationId, personId, role: 'admin' })
    .onConflict((oc) => oc.doNothing())
    .execute()

  await db.updateTable('offers').set({ stock: plentifulStock }).where('kind', '=', 'good').where('stock', 'is not', null).execute()
  const goods = (
    await db
      .selectFrom('offers as o')
      .innerJoin('offerScores as s', 's.offerId', 'o.id')
      .select('o.id')
      .where('o.kind', '=', 'good')
      .where('o.status', '=', 'active')
      .where('o.currency', '=', 'EUR')
      .where('s.listed', '=', 1)
      .where('o.stock', 'is not', null)
      .where(sql<boolean>`o.for_profit_price > o.commoner_price`)
      .orderBy('o.id')
      .execute()
  ).map((o) => o.id)
  if (goods.length < 100) throw new Error(`only ${goods.length} listed goods with an access fee: build a bigger catalog`)
  return { personId, organisationId, goods }
}

function rawInserts(file: string, seconds: number): number {
  const sqlite = openSqlite(file)
  try {
    sqlite.exec('drop table if exists bench_raw')
    sqlite.exec('create table bench_raw (id integer primary key, offer_id integer, quantity integer, amount integer, created_at text)')
    const insert = sqlite.prepare('insert into bench_raw (offer_id, quantity, amount, created_at) values (?, ?, ?, ?)')
    for (let i = 0; i < 1000; i++) insert.run(i, 1, 1000, new Date().toISOString())
    let n = 0
    const start = performance.now()
    const end = start + seconds * 1000
    let elapsed = 0
    for (;;) {
      insert.run(n % 100_000, 1 + (n % 3), 1000 + n, new Date().toISOString())
      n++
      if ((n & 255) === 0) {
        elapsed = performance.now()
        if (elapsed >= end) break
      }
    }
    return Math.round(n / ((elapsed - start) / 1000))
  } finally {
    sqlite.exec('drop table if exists bench_raw')
    sqlite.close()
  }
}

/** Calls `fn` from `concurrency` loops at once (each awaits its call before the next) for `seconds`. */
async function forSeconds(seconds: number, concurrency: number, fn: () => Promise<unknown>) {
  const samples: number[] = []
  const start = performance.now()
  const end = start + seconds * 1000
  let last = start
  const loop = async () => {
    let t = performance.now()
    while (t < end) {
      await fn()
      const after = performance.now()
      samples.push(after - t)
      t = after
      last = Math.max(last, after)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop))
  samples.sort((a, b) => a - b)
  return { calls: samples.length, seconds: (last - start) / 1000, samples }
}

async function runWorkers(count: number, common: Omit<WorkerInput, 'worker'>) {
  // A worker does not inherit tsx's loader on Node 20: register it, then load this file.
  const api = import.meta.resolve('tsx/esm/api')
  const boot = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}) })`
  const workers = Array.from({ length: count }, (_, worker) => new Worker(boot, { eval: true, workerData: { ...common, worker } satisfies WorkerInput }))
  // Everyone opens its connection first; then all start together.
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          w.once('error', reject)
          w.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(`unexpected message ${String(m)}`))))
        }),
    ),
  )
  const start = performance.now()
  const results = await Promise.all(
    workers.map(
      (w) =>
        new Promise<WorkerResult>((resolve, reject) => {
          w.once('error', reject)
          w.once('message', (m: WorkerResult) => resolve(m))
          w.postMessage('go')
        }),
    ),
  )
  const seconds = (performance.now() - start) / 1000
  await Promise.all(workers.map((w) => w.terminate()))
  return { results, seconds }
}

async function worker(input: WorkerInput) {
  const db = openDatabase(input.file)
  const rand = mulberry32(1000 + input.worker)
  const result: WorkerResult = { units: [], orders: 0, conflicts: 0, busyRetries: 0, errors: [] }
  const units = new Map<number, number>()
  const open = new Set(input.offerIds)
  await new Promise<void>((resolve) => {
    parentPort!.once('message', () => resolve())
    parentPort!.postMessage('ready')
  })
  const deadline = performance.now() + input.deadlineMs
  let n = 0
  while (open.size > 0 && performance.now() < deadline) {
    const candidates = [...open]
    const offerId = candidates[Math.floor(rand() * candidates.length)]!
    const quantity = 1 + Math.floor(rand() * 2)
    const order: PlaceOrderInput = {
      buyer: { personId: input.personId, use: { kind: 'organisation', organisationId: input.organisationId } },
      lines: [{ offerId, quantity }],
      idempotencyKey: `race-${input.runId}-w${input.worker}-${++n}`,
      paymentProvider: 'invoice',
    }
    for (;;) {
      try {
        const placed = await placeOrder(db, order)
        if (!placed.created) throw new Error(`idempotency key ${order.idempotencyKey} was already used`)
        units.set(offerId, (units.get(offerId) ?? 0) + quantity)
        result.orders++
      } catch (error) {
        if (isBusy(error)) {
          result.busyRetries++
          continue
        }
        if (error instanceof AppError && error.code === 'conflict') {
          result.conflicts++
          // Sold out for everyone, or only too few left for this quantity? Ask the database.
          const row = await db.selectFrom('offers').select('stock').where('id', '=', offerId).executeTakeFirstOrThrow()
          if (row.stock === 0) open.delete(offerId)
        } else {
          result.errors.push(`worker ${input.worker}: ${error instanceof Error ? error.message : String(error)}`)
          if (result.errors.length > 20) open.clear()
        }
      }
      break
    }
  }
  if (open.size > 0) result.errors.push(`worker ${input.worker}: deadline passed with ${open.size} offers not sold out`)
  result.units = [...units]
  await db.destroy()
  parentPort!.postMessage(result)
}

function round3(n: number) {
  return Math.round(n * 1000) / 1000
}
