// npm run bench:api [-- --offers 1000000 --seconds 10 --connections 10 --reuse]
// The open-data API on a large catalog, on the production server: requests per second and p99
// of the first page of /api/v1/offers and of full-text searches through it, next to a bare
// Remix resource route with a fixed JSON body measured the same way in the same run; the
// server's cold start and peak memory. Last line: one JSON object.
import fs from 'node:fs'
import path from 'node:path'
import autocannon from 'autocannon'
import { openDatabase, migrateToLatest } from '../db/connection'
import { buildApp, buildBareApp, load, parseFlags, root, serve } from './support/measure'
import { benchSearchTerms, buildCatalogDb } from './support/catalog-data'

const flags = parseFlags(process.argv.slice(2))
const offers = Number(flags.offers ?? 100_000)
const seconds = Number(flags.seconds ?? 10)
const connections = Number(flags.connections ?? 10)
const file = path.join(root, 'bench/data', `catalog-${offers}.db`)
const log = (line: string) => process.stderr.write(`[bench:api] ${line}\n`)

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
  }),
)
