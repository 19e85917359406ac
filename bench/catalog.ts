// npm run bench:catalog [-- --offers 1000000 --seconds 10 --connections 10 --reuse]
// Query latency of the ranked catalog at scale, and the production server's throughput and
// memory next to a minimal Remix page served the same way. Last line: one JSON object.
import fs from 'node:fs'
import path from 'node:path'
import { openDatabase } from '../db/connection'
import { listCatalog } from '../app/modules/catalog/catalog.server'
import { buildApp, buildBareApp, load, parseFlags, root, serve, timeIt } from './support/measure'
import { benchSearchTerms, buildCatalogDb } from './support/catalog-data'

const flags = parseFlags(process.argv.slice(2))
const offers = Number(flags.offers ?? 100_000)
const seconds = Number(flags.seconds ?? 10)
const connections = Number(flags.connections ?? 10)
const runs = Number(flags.runs ?? 400)
const file = path.join(root, 'bench/data', `catalog-${offers}.db`)
const log = (line: string) => process.stderr.write(`[bench:catalog] ${line}\n`)

if (flags.reuse && fs.existsSync(file)) log(`reusing ${path.relative(root, file)}`)
else {
  log(`building a catalog of ${offers.toLocaleString('en')} offers in ${path.relative(root, file)}`)
  const t = performance.now()
  await buildCatalogDb(file, offers, log)
  log(`built in ${((performance.now() - t) / 1000).toFixed(1)} s`)
}

const db = openDatabase(file)
const custom = {
  name: 'custom' as const,
  weights: { ownership: 10, surplus: 10, openKnowledge: 30, fairWork: 20, transparency: 10, environment: 15, cooperation: 5 },
}
let term = 0
const nextTerm = () => benchSearchTerms[term++ % benchSearchTerms.length]!

log('timing the first ranked page with community weights …')
const community = await timeIt(() => listCatalog(db, {}), runs)
log(`  ${JSON.stringify(community)}`)
log('timing the first page with custom weights …')
const customWeights = await timeIt(() => listCatalog(db, {}, custom), Math.min(runs, 200))
log(`  ${JSON.stringify(customWeights)}`)
log('timing search plus a filter (kind=good) …')
const search = await timeIt(() => listCatalog(db, { q: nextTerm(), kind: 'good' }), runs)
log(`  ${JSON.stringify(search)}`)
log('timing page 200 …')
const deep = await timeIt(() => listCatalog(db, { page: 200 }), runs)
log(`  ${JSON.stringify(deep)}`)
await db.destroy()

log('building the app and the bare Remix yardstick …')
buildApp()
buildBareApp()

log(`load: GET / on the production server, ${connections} connections, ${seconds} s …`)
const server = await serve('build/server.js', { DATABASE_PATH: file }, '/healthz')
// Requests carry Accept-Encoding: gzip, as every browser's do.
const browserHeaders = { 'Accept-Encoding': 'gzip, deflate, br' }
const catalog = await load(`${server.url}/`, seconds, connections, browserHeaders)
log(`  ${catalog.rps} req/s, p99 ${catalog.p99} ms (page cache on, as visitors get it)`)
log(`load: GET / rendered afresh every time (Cache-Control: no-cache), same way …`)
const uncached = await load(`${server.url}/`, seconds, connections, { ...browserHeaders, 'Cache-Control': 'no-cache' })
log(`  ${uncached.rps} req/s, p99 ${uncached.p99} ms (page cache bypassed)`)
const rss = server.peakRssMb()
await server.stop()
log(`  server peak RSS ${rss} MB`)

log(`load: GET / on the bare Remix app, built and served the same way (same page cache) …`)
const bare = await serve('bench/bare/build/server.js', {}, '/')
const bareLoad = await load(`${bare.url}/`, seconds, connections, browserHeaders)
await bare.stop()
log(`  ${bareLoad.rps} req/s, p99 ${bareLoad.p99} ms`)
log(`catalog serves ${Math.round((catalog.rps / bareLoad.rps) * 100)}% of the bare page's requests per second`)

console.log(
  JSON.stringify({
    offers,
    p95_default_ms: community.p95,
    p95_custom_ms: customWeights.p95,
    p95_search_ms: search.p95,
    p95_deep_ms: deep.p95,
    catalog_rps: catalog.rps,
    bare_rps: bareLoad.rps,
    server_rss_mb: rss,
  }),
)
