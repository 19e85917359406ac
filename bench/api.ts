// npm run bench:api [-- --offers 1000000 --seconds 10 --connections 10 --reuse]
//   [--pg [--instances 2] [--pool 10]]   (--pg needs DATABASE_URL)
// The open-data API on a large catalog, on the production server: requests per second and p99
// of the first page of /api/v1/offers and of full-text searches through it, next to a bare
// Remix resource route with a fixed JSON body measured the same way in the same run; the
// server's cold start and peak memory. With --pg, the same catalog in a PostgreSQL database of
// its own on DATABASE_URL's server, served by 1 and then N production servers at once (each with
// its own pool), the same total connections spread evenly over them. Last line: one JSON object.
import fs from 'node:fs'
import path from 'node:path'
import autocannon from 'autocannon'
import { openDatabase, migrateToLatest } from '../db/connection'
import { buildApp, buildBareApp, load, parseFlags, root, serve, type Served } from './support/measure'
import { benchSearchTerms, buildCatalogDb } from './support/catalog-data'
import { preparedCatalogPg, requireDatabaseUrl } from './support/catalog-data-pg'

const flags = parseFlags(process.argv.slice(2))
const offers = Number(flags.offers ?? 100_000)
const seconds = Number(flags.seconds ?? 10)
const connections = Number(flags.connections ?? 10)
const file = path.join(root, 'bench/data', `catalog-${offers}.db`)
const log = (line: string) => process.stderr.write(`[bench:api] ${line}\n`)
// Asked first, so a missing DATABASE_URL fails at once, not minutes in.
const pgUrl = flags.pg ? requireDatabaseUrl('bench:api') : null

if (flags.reuse && fs.existsSync(file)) log(`reusing ${path.relative(root, file)}`)
else {
  log(`building a catalog of ${offers.toLocaleString('en')} offers in ${path.relative(root, file)}`)
  const t = performance.now()
  await buildCatalogDb(file, offers, log)
  log(`built in ${((performance.now() - t) / 1000).toFixed(1)} s`)
}
// Migrations landed since the file was built would otherwise run inside the cold start.
{
  const db = openDatabase(file)
  await migrateToLatest(db)
  await db.destroy()
}

log('building the app and the bare Remix yardstick …')
buildApp()
buildBareApp()

/** Like load(), but each request's path comes from `nextPath`, so no two neighbours ask the same. */
async function loadVaried(base: string, nextPath: () => string, headers: Record<string, string> = {}) {
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    pipelining: 1,
    headers,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: nextPath() }) }],
  })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${base}: ${result.non2xx} non-2xx and ${result.errors} errors under load`)
  return { rps: Math.round(result.requests.average), p99: result.latency.p99 }
}

const listPath = '/api/v1/offers?limit=24'
log(`cold start: spawn to the first 200 on ${listPath} …`)
const server = await serve('build/server.js', { DATABASE_PATH: file }, listPath)
const coldStartMs = server.startMs
log(`  ${coldStartMs} ms`)

log(`load: GET ${listPath}, ${connections} connections, ${seconds} s …`)
const list = await load(`${server.url}${listPath}`, seconds, connections)
log(`  ${list.rps} req/s, p99 ${list.p99} ms (page cache on, as mirrors get it)`)

let term = 0
const searchPath = () => `/api/v1/offers?limit=24&q=${encodeURIComponent(benchSearchTerms[term++ % benchSearchTerms.length]!)}`
log(`load: full-text search through the API, the term varying per request over ${benchSearchTerms.length} words …`)
const search = await loadVaried(server.url, searchPath)
log(`  ${search.rps} req/s, p99 ${search.p99} ms (repeated terms are answered from the page cache)`)
// The figures that say what the database work costs: every request searched or listed afresh.
log('load: the same searches, every one searched afresh (Cache-Control: no-cache) …')
const searchUncached = await loadVaried(server.url, searchPath, { 'Cache-Control': 'no-cache' })
log(`  ${searchUncached.rps} req/s, p99 ${searchUncached.p99} ms`)
log(`load: GET ${listPath} answered afresh every time (Cache-Control: no-cache) …`)
const listUncached = await load(`${server.url}${listPath}`, seconds, connections, { 'Cache-Control': 'no-cache' })
log(`  ${listUncached.rps} req/s, p99 ${listUncached.p99} ms`)
const rss = server.peakRssMb()
await server.stop()
log(`  server peak RSS ${rss} MB`)

// Measured the same way as the API: through the same page cache code (as bench:catalog
// measures its bare page). Its uncached figure, every request running the Remix resource
// route, is printed beside the API's uncached figures.
log('load: GET /api/bare on the bare Remix app (a fixed JSON body), built and served the same way …')
const bare = await serve('bench/bare/build/server.js', {}, '/')
const bareLoad = await load(`${bare.url}/api/bare`, seconds, connections)
log(`  ${bareLoad.rps} req/s, p99 ${bareLoad.p99} ms`)
log('load: GET /api/bare run by Remix every time (Cache-Control: no-cache) …')
const bareUncached = await load(`${bare.url}/api/bare`, seconds, connections, { 'Cache-Control': 'no-cache' })
await bare.stop()
log(`  ${bareUncached.rps} req/s, p99 ${bareUncached.p99} ms`)
log(
  `list serves ${Math.round((list.rps / bareLoad.rps) * 100)}% and search ${Math.round((search.rps / bareLoad.rps) * 100)}% of the bare route's requests per second`,
)

const onPostgres = pgUrl ? await postgres(pgUrl) : null

console.log(
  JSON.stringify({
    offers,
    list_rps: list.rps,
    search_rps: search.rps,
    bare_api_rps: bareLoad.rps,
    list_p99_ms: list.p99,
    search_p99_ms: search.p99,
    cold_start_ms: coldStartMs,
    server_rss_mb: rss,
    list_uncached_rps: listUncached.rps,
    search_uncached_rps: searchUncached.rps,
    search_uncached_p99_ms: searchUncached.p99,
    bare_api_p99_ms: bareLoad.p99,
    bare_api_uncached_rps: bareUncached.rps,
    ...(onPostgres ? { pg: onPostgres } : {}),
  }),
)

/** The same paths on PostgreSQL, from 1 and from N servers at once; SQLite's figures beside them in the log. */
async function postgres(serverUrl: string) {
  const instances = Math.max(1, Number(flags.instances ?? 2))
  const poolSize = Number(flags.pool ?? process.env.DATABASE_POOL_SIZE ?? 10)
  const database = `sm_bench_api_${offers}`
  const url = await preparedCatalogPg(serverUrl, database, offers, Boolean(flags.reuse), log)
  const env = { DATABASE_URL: url, DATABASE_POOL_SIZE: String(poolSize) }
  const sqliteFigures: Record<string, number> = { list: list.rps, search: search.rps, search_uncached: searchUncached.rps, list_uncached: listUncached.rps }
  const loads: { name: string; path: () => string; headers: Record<string, string> }[] = [
    { name: 'list', path: () => listPath, headers: {} },
    { name: 'search', path: searchPath, headers: {} },
    { name: 'search_uncached', path: searchPath, headers: { 'Cache-Control': 'no-cache' } },
    { name: 'list_uncached', path: () => listPath, headers: { 'Cache-Control': 'no-cache' } },
  ]
  const rps: Record<string, Record<string, number>> = {}
  const p99: Record<string, Record<string, number>> = {}
  const coldStartMs: Record<string, number> = {}
  const rssMb: Record<string, number> = {}
  for (const n of new Set([1, instances])) {
    const k = `instances_${n}`
    log(`PostgreSQL: ${n} production server(s), pool ${poolSize} each …`)
    // Started together, as a deployment would start them: migrations and the seed check take turns.
    const servers = await Promise.all(Array.from({ length: n }, () => serve('build/server.js', env, listPath)))
    coldStartMs[k] = Math.max(...servers.map((s) => s.startMs))
    log(`  cold start ${coldStartMs[k]} ms (the slowest)`)
    rps[k] = {}
    p99[k] = {}
    for (const l of loads) {
      const r = await loadSpread(servers, l.path, l.headers)
      rps[k][l.name] = r.rps
      p99[k][l.name] = r.p99
      log(`  ${l.name}: ${r.rps} req/s, p99 ${r.p99} ms (SQLite, one server: ${sqliteFigures[l.name]} req/s)`)
    }
    rssMb[k] = Math.max(...servers.map((s) => s.peakRssMb()))
    await Promise.all(servers.map((s) => s.stop()))
  }
  return { database, instances, pool_size: poolSize, connections, rps, p99_ms: p99, cold_start_ms: coldStartMs, server_rss_mb: rssMb }
}

/**
 * `connections` connections spread evenly over the servers, one autocannon each, all at once:
 * requests per second summed, the worst p99.
 */
async function loadSpread(servers: Served[], nextPath: () => string, headers: Record<string, string>) {
  const results = await Promise.all(
    servers.map((server, i) =>
      autocannon({
        url: server.url,
        connections: Math.floor(connections / servers.length) + (i < connections % servers.length ? 1 : 0),
        duration: seconds,
        pipelining: 1,
        headers,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: nextPath() }) }],
      }),
    ),
  )
  for (const [i, result] of results.entries()) {
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${servers[i]!.url}: ${result.non2xx} non-2xx and ${result.errors} errors under load`)
  }
  return { rps: Math.round(results.reduce((sum, r) => sum + r.requests.average, 0)), p99: Math.max(...results.map((r) => r.latency.p99)) }
}
