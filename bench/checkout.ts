// npm run bench:checkout [-- --offers 100000 --seconds 5 --buyers 8 --concurrency 16 --reuse]
//   [--pg [--instances 2] [--pool 10]]   (--pg needs DATABASE_URL)
// Checkout throughput and correctness at scale: raw SQLite inserts as the yardstick, one-line
// and five-line orders through placeOrder (the domain function the checkout route calls) from C
// concurrent in-process buyers on one connection (one-line also one at a time, for comparison), and
// B worker threads, each with its own connection, racing for a few nearly sold-out offers.
// With --pg, the same catalog is then built in a database of its own on DATABASE_URL's server
// and measured there too: PostgreSQL's raw single-row inserts as its yardstick, one-line orders
// from 1 and from N app instances (processes with a pool each, C buyers each) at once, and the
// N instances' B buyers racing for nearly sold-out offers; then the ledger check.
// Last line on stdout: one JSON object (the SQLite figures, and `pg` with --pg).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import pg from 'pg'
import type { Kysely } from 'kysely'
import { checkpointInBackground, kyselyFor, openDatabase, openPostgres, openSqlite } from '../db/connection'
import type { DB } from '../db/schema'
import { checkLedger } from '../app/modules/ledger/check.server'
import { placeOrder, type PlaceOrderInput } from '../app/modules/orders/place-order.server'
import { buildCatalogDb } from './support/catalog-data'
import { preparedCatalogPg, requireDatabaseUrl } from './support/catalog-data-pg'
import { checkRace, forSeconds, prepare, race, round3, setUpRace, summarise, type Buyer, type RaceInput, type RaceResult } from './support/checkout-shared'
import { runInstances, type InstanceTask, type OrdersResult } from './support/checkout-instance'
import { mulberry32 } from '../db/seed/random'
import { parseFlags, percentile, root } from './support/measure'

const log = (line: string) => process.stderr.write(`[bench:checkout] ${line}\n`)

interface WorkerInput extends Omit<RaceInput, 'racer'> {
  file: string
  worker: number
}

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
  // Asked before the SQLite phases, so a missing DATABASE_URL fails at once, not minutes in.
  const pgUrl = flags.pg ? requireDatabaseUrl('bench:checkout') : null

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
  const { racedIds, checkoutsBefore } = await setUpRace(db, goods, raced, initialStock, rand)
  log(`concurrency: ${buyers} worker threads, own connections, racing for ${raced} offers of ${initialStock} units (1–2 units an order) …`)
  const raceRun = await runWorkers(buyers, { file, runId, personId, organisationId, offerIds: racedIds, deadlineMs: 120_000 })
  const checked = await checkRace(db, { racedIds, checkoutsBefore, initialStock }, raceRun.results)
  const { oversold, negative, disagreements, errors, busyRetries } = checked
  log(`  ${checked.orders} orders placed, ${checked.conflicts} refused as sold out, ${busyRetries} SQLITE_BUSY retries, in ${raceRun.seconds.toFixed(2)} s`)
  for (const e of errors.slice(0, 10)) log(`  worker error: ${e}`)
  log(`  oversold units: ${oversold}; offers with negative stock: ${negative}; raced offers not sold out: ${checked.notSoldOut.length}`)
  if (disagreements.length) log(`  order lines disagree with the workers' counts for offers ${disagreements.join(', ')}`)

  const ledger = await checkLedgerLogged(db)
  await stopCheckpoints()
  await db.destroy()

  const onPostgres = pgUrl ? await postgres(pgUrl, { offers, seconds, buyers, concurrency, runId, reuse: Boolean(flags.reuse), flags }) : null
  if (onPostgres) {
    const { figures } = onPostgres
    const perS = figures.orders_per_s as Record<string, number>
    log(
      `one-line orders/s: SQLite ${ordersPerS.toLocaleString('en')}; PostgreSQL ` +
        Object.entries(perS)
          .map(([k, v]) => `${k.replace('instances_', '')} instance(s) ${v.toLocaleString('en')}`)
          .join(', ') +
        `; PostgreSQL raw inserts/s ${figures.raw_inserts_per_s.toLocaleString('en')} (one connection), ${figures.raw_inserts_per_s_concurrent.toLocaleString('en')} (${figures.raw_concurrent_connections} connections)`,
    )
  }

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
      ...(onPostgres ? { pg: onPostgres.figures } : {}),
    }),
  )
  if (oversold > 0 || negative > 0 || !ledger.ok || disagreements.length > 0 || errors.length > 0 || onPostgres?.failed) process.exitCode = 1
}

async function checkLedgerLogged(db: Kysely<DB>) {
  log('checking the ledger …')
  const ledger = await checkLedger(db)
  log(`  ${ledger.ok ? 'ok' : 'NOT OK'}: ${ledger.entries} entries, ${ledger.postings} postings, ${ledger.orders} orders`)
  for (const p of ledger.problems.slice(0, 20)) log(`  problem: ${p}`)
  if (ledger.problems.length > 20) log(`  … and ${ledger.problems.length - 20} more problems`)
  return ledger
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
        new Promise<RaceResult>((resolve, reject) => {
          w.once('error', reject)
          w.once('message', (m: RaceResult) => resolve(m))
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
  await new Promise<void>((resolve) => {
    parentPort!.once('message', () => resolve())
    parentPort!.postMessage('ready')
  })
  const result = await race(db, { ...input, racer: `w${input.worker}` }, mulberry32(1000 + input.worker))
  await db.destroy()
  parentPort!.postMessage(result)
}

// ---- PostgreSQL ---------------------------------------------------------------------------

interface PostgresOptions {
  offers: number
  seconds: number
  buyers: number
  concurrency: number
  runId: string
  reuse: boolean
  flags: Record<string, string>
}

async function postgres(serverUrl: string, o: PostgresOptions) {
  const instances = Math.max(1, Number(o.flags.instances ?? 2))
  // Each instance's pool, as server.ts sizes it (DATABASE_POOL_SIZE, else openPostgres's default).
  const poolSize = Number(o.flags.pool ?? process.env.DATABASE_POOL_SIZE ?? 10)
  const database = `sm_bench_checkout_${o.offers}`
  const url = await preparedCatalogPg(serverUrl, database, o.offers, o.reuse, log)
  const db = openPostgres(url, poolSize)
  const { personId, organisationId, goods } = await prepare(db)
  const buyer: Buyer = { personId, organisationId }
  // Two cores shared with the database server: what else ran says how far to trust the figures.
  log(`load average before the PostgreSQL phases: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`)

  log(`PostgreSQL raw inserts (prepared statement, autocommit, one connection) for ${o.seconds} s …`)
  const rawPerS = await rawInsertsPg(url, o.seconds, 1)
  log(`  ${rawPerS.toLocaleString('en')} inserts/s`)
  // The orders phase writes through a pool: the same inserts from as many connections at once.
  log(`PostgreSQL raw inserts, ${poolSize} connections at once (one instance's pool) for ${o.seconds} s …`)
  const rawConcurrentPerS = await rawInsertsPg(url, o.seconds, poolSize)
  log(`  ${rawConcurrentPerS.toLocaleString('en')} inserts/s`)

  const ordersPerS: Record<string, number> = {}
  const pctOfRaw: Record<string, number> = {}
  const latency: Record<string, { p50: number; p99: number }> = {}
  const rollbacks: Record<string, number> = {}
  const cpu: Record<string, { instances_pct: number[]; machine_pct: number }> = {}
  const failures: string[] = []
  let failedOrders = 0
  for (const n of new Set([1, instances])) {
    log(`PostgreSQL one-line orders via placeOrder: ${n} instance(s) × ${o.concurrency} buyers, pool ${poolSize} each, for ${o.seconds} s …`)
    const before = await transactionCounts(url)
    const machineBefore = machineCpu()
    const tasks = Array.from({ length: n }, (_, instance): InstanceTask => ({
      mode: 'orders',
      url,
      poolSize,
      instance,
      runId: `${o.runId}-n${n}`,
      buyer,
      goods,
      seconds: o.seconds,
      concurrency: o.concurrency,
    }))
    const results = await runInstances<OrdersResult>(tasks)
    const machineBusy = machineCpu().busySince(machineBefore)
    const after = await transactionCounts(url)
    const perS = results.reduce((sum, r) => sum + r.calls / r.seconds, 0)
    const all = summarise(mergeSamples(results))
    const k = `instances_${n}`
    ordersPerS[k] = Math.round(perS)
    pctOfRaw[k] = Math.round((perS / rawPerS) * 1000) / 10
    latency[k] = { p50: all.p50, p99: all.p99 }
    rollbacks[k] = after.rollbacks - before.rollbacks
    cpu[k] = { instances_pct: results.map((r) => r.cpuPct), machine_pct: machineBusy }
    const failed = results.reduce((sum, r) => sum + r.failures, 0)
    failedOrders += failed
    for (const r of results) failures.push(...r.errors)
    log(
      `  ${ordersPerS[k].toLocaleString('en')} orders/s (${results.map((r) => r.calls).join(' + ')} orders), latency p50 ${all.p50} ms, p99 ${all.p99} ms;` +
        ` ${rollbacks[k]} transactions rolled back (serialization retries); ${failed} orders failed`,
    )
    log(
      `  CPU: instances ${results.map((r) => `${r.cpuPct}%`).join(', ')} of a core; the machine's ${os.cpus().length} cores ${machineBusy}% busy (database and anything else running included)`,
    )
    log(`  = ${pctOfRaw[k]}% of raw inserts/s on one connection (target ≥ 10%), ${((perS / rawConcurrentPerS) * 100).toFixed(1)}% of ${poolSize} connections'`)
  }
  for (const e of failures.slice(0, 10)) log(`  order failed: ${e}`)
  const scaling = ordersPerS[`instances_${instances}`]! / ordersPerS.instances_1!
  log(`  ${instances} instances: ${scaling.toFixed(2)}× one instance's orders/s`)

  // The race, across instances: B buyers split over the N processes, each pool shared by its buyers.
  const raced = 20
  const initialStock = 3
  const rand = mulberry32(0xbeef)
  const { racedIds, checkoutsBefore } = await setUpRace(db, goods, raced, initialStock, rand)
  const racersEach = Math.max(1, Math.ceil(o.buyers / instances))
  log(`PostgreSQL concurrency: ${instances} instances × ${racersEach} buyers racing for ${raced} offers of ${initialStock} units (1–2 units an order) …`)
  const t = performance.now()
  const raceResults = (
    await runInstances<RaceResult[]>(
      Array.from({ length: instances }, (_, instance) => ({
        mode: 'race' as const,
        url,
        poolSize,
        instance,
        runId: o.runId,
        buyer,
        offerIds: racedIds,
        racers: racersEach,
        deadlineMs: 120_000,
      })),
    )
  ).flat()
  const checked = await checkRace(db, { racedIds, checkoutsBefore, initialStock }, raceResults)
  log(`  ${checked.orders} orders placed, ${checked.conflicts} refused as sold out, in ${((performance.now() - t) / 1000).toFixed(2)} s`)
  for (const e of checked.errors.slice(0, 10)) log(`  racer error: ${e}`)
  log(`  oversold units: ${checked.oversold}; offers with negative stock: ${checked.negative}; raced offers not sold out: ${checked.notSoldOut.length}`)
  if (checked.disagreements.length) log(`  order lines disagree with the racers' counts for offers ${checked.disagreements.join(', ')}`)

  const ledger = await checkLedgerLogged(db)
  await db.destroy()
  log(`load average after: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`)

  const figures = {
    database,
    instances,
    pool_size: poolSize,
    concurrency_per_instance: o.concurrency,
    raw_inserts_per_s: rawPerS,
    raw_inserts_per_s_concurrent: rawConcurrentPerS,
    raw_concurrent_connections: poolSize,
    orders_per_s: ordersPerS,
    orders_pct_of_raw: pctOfRaw,
    instances_speedup: Math.round(scaling * 100) / 100,
    order_latency_ms: latency,
    rollbacks,
    cpu,
    failed_orders: failedOrders,
    oversold: checked.oversold,
    negative_stock: checked.negative,
    ledger_ok: ledger.ok,
  }
  const failed = failedOrders > 0 || checked.oversold > 0 || checked.negative > 0 || checked.disagreements.length > 0 || checked.errors.length > 0 || !ledger.ok
  return { figures, failed }
}

/** Single-row inserts, one autocommit transaction each, from `connections` connections at once for `seconds`. */
async function rawInsertsPg(url: string, seconds: number, connections: number): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      return client
    }),
  )
  const [first] = clients as [pg.Client]
  // Shaped as the SQLite yardstick's bench_raw, in the types the migrations give PostgreSQL.
  await first.query('drop table if exists bench_raw')
  await first.query(
    'create table bench_raw (id bigint generated by default as identity primary key, offer_id bigint, quantity bigint, amount bigint, created_at text)',
  )
  const insert = (client: pg.Client, n: number) =>
    client.query({
      name: 'bench_raw_insert',
      text: 'insert into bench_raw (offer_id, quantity, amount, created_at) values ($1, $2, $3, $4)',
      values: [n % 100_000, 1 + (n % 3), 1000 + n, new Date().toISOString()],
    })
  try {
    for (const client of clients) for (let i = 0; i < 100; i++) await insert(client, i)
    const start = performance.now()
    const end = start + seconds * 1000
    let last = start
    const counts = await Promise.all(
      clients.map(async (client) => {
        let n = 0
        while (performance.now() < end) await insert(client, n++)
        last = Math.max(last, performance.now())
        return n
      }),
    )
    return Math.round(counts.reduce((a, b) => a + b, 0) / ((last - start) / 1000))
  } finally {
    await first.query('drop table if exists bench_raw')
    await Promise.all(clients.map((c) => c.end()))
  }
}

/** Committed and rolled-back transactions in the database so far (pg_stat_database, cumulative). */
async function transactionCounts(url: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    // Statistics reach the shared view a moment after a transaction ends; read them fresh.
    await client.query('select pg_stat_clear_snapshot()')
    const r = await client.query<{ commits: string; rollbacks: string }>(
      'select xact_commit as commits, xact_rollback as rollbacks from pg_stat_database where datname = current_database()',
    )
    return { commits: Number(r.rows[0]!.commits), rollbacks: Number(r.rows[0]!.rollbacks) }
  } finally {
    await client.end()
  }
}

/** The machine's CPU time so far (/proc/stat), to tell how busy it was between two readings. */
function machineCpu() {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  const idle = fields[3]! + (fields[4] ?? 0)
  const total = fields.reduce((a, b) => a + b, 0)
  return {
    idle,
    total,
    busySince(before: { idle: number; total: number }) {
      return Math.round((1 - (idle - before.idle) / Math.max(1, total - before.total)) * 100)
    },
  }
}

function mergeSamples(results: OrdersResult[]) {
  const samples = results.flatMap((r) => r.samples).sort((a, b) => a - b)
  return { calls: samples.length, seconds: Math.max(...results.map((r) => r.seconds)), samples }
}
