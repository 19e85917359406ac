// Production entry (compiled to build/server.js by `npm run build`): check configuration,
// migrate, seed an empty database, rescore lapsed evidence, serve the Remix build. The database
// is the SQLite file at DATABASE_PATH, or PostgreSQL at DATABASE_URL, which several instances
// of this server may share (README: "Running on PostgreSQL").
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ServerBuild } from '@remix-run/node'
import { sql } from 'kysely'
import {
  catalogGenerationReader,
  checkpointInBackground,
  kyselyFor,
  migrateToLatest,
  openPostgres,
  openSqlite,
  postgresGenerationReader,
  type Database,
} from './db/connection'
import { isDatabaseEmpty, seedDemoMarketplace } from './db/seed/index'
import { ConfigError, parseEnv } from './app/lib/env.server'
import { refreshExpiredScores } from './app/modules/scoring/scores.server'
import { expireUnpaidOrders } from './app/modules/orders/settlement.server'
import { createPageCache } from './app/lib/page-cache.server'
import { visitorLanguage } from './app/i18n/detect'
import { createHttpApp } from './app/lib/http-app.server'
import { gracefulStop } from './app/lib/graceful-stop.server'
import { writeBatchesSettled } from './app/modules/orders/write-batch.server'
import { runExclusively } from './app/lib/timed-jobs.server'

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

async function main() {
  let config
  try {
    config = parseEnv()
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message)
    throw error
  }
  process.env.NODE_ENV = config.NODE_ENV

  let db: Database
  let sqlite: ReturnType<typeof openSqlite> | null = null
  let stopCheckpoints = async () => {}
  if (config.DATABASE_URL) {
    db = openPostgres(config.DATABASE_URL, config.DATABASE_POOL_SIZE)
    try {
      await sql`select 1`.execute(db)
    } catch (error) {
      // The URL itself is not shown: it may hold a password.
      fail(`Cannot connect to the database at DATABASE_URL: ${(error as Error).message || String(error)}`)
    }
  } else {
    try {
      sqlite = openSqlite(config.DATABASE_PATH)
    } catch (error) {
      fail(`Cannot open the database at DATABASE_PATH=${config.DATABASE_PATH}: ${(error as Error).message}`)
    }
    db = kyselyFor(sqlite)
    stopCheckpoints = checkpointInBackground(sqlite)
  }
  // Instances starting together migrate one at a time (Kysely's migrator locks on PostgreSQL),
  // and only one of them seeds an empty database.
  const applied = await migrateToLatest(db)
  if (applied.length) console.log(`Applied ${applied.length} migration(s).`)
  await runExclusively(db, 'seed-demo-marketplace', async () => {
    if (!(await isDatabaseEmpty(db))) return
    const counts = await seedDemoMarketplace(db)
    console.log(`Seeded the demo marketplace: ${counts.organisations} organisations, ${counts.offers} offers.`)
  })
  // Evidence expires with the passing of time, not with a write: rescore what has lapsed. With
  // several instances, whichever is not already doing it.
  const rescoreExpired = () =>
    runExclusively(db, 'rescore-expired-evidence', () => refreshExpiredScores(db)).then(
      (n) => n !== null && n > 0 && console.log(`Rescored ${n} offer(s) whose evidence expired.`),
      (error) => console.error('Rescoring expired evidence failed:', error),
    )
  await rescoreExpired()
  const rescoreTimer = setInterval(rescoreExpired, 10 * 60 * 1000).unref()
  // Unpaid orders lapse with time too: their stock goes back on sale.
  const lapseUnpaid = () =>
    runExclusively(db, 'lapse-unpaid-orders', () => expireUnpaidOrders(db)).then(
      (n) => n !== null && n > 0 && console.log(`${n} unpaid order(s) lapsed; their stock is back on sale.`),
      (error) => console.error('Lapsing unpaid orders failed:', error),
    )
  await lapseUnpaid()
  const lapseTimer = setInterval(lapseUnpaid, 60 * 1000).unref()

  // The Remix build reads this connection through getDb(), so there is one per process.
  globalThis.__solidarityDb = db

  const buildPath = path.resolve('build/index.js')
  let build: ServerBuild
  try {
    build = (await import(pathToFileURL(buildPath).href)) as ServerBuild
  } catch (error) {
    fail(`Cannot load the app build at ${buildPath} (run "npm run build" first): ${(error as Error).message}`)
  }

  // Public catalog, offer and organisation pages are kept while the catalog is unchanged.
  const pageCache = createPageCache({
    // The open-data API's catalog and organisation answers read the same generation-covered
    // tables as those pages (fund ledgers do not: postings move no generation).
    isCacheablePath: (p) =>
      p === '/' ||
      p === '/_root.data' ||
      /^\/(offers|organisations)\/[a-z0-9-]+(\.data)?$/.test(p) ||
      /^\/api\/v1\/(offers|organisations(\/[a-z0-9-]+)?)$/.test(p),
    // A page is in one language and shows times in one zone: both are part of the key.
    varyCookies: ['catalog_view', 'lng', 'tz'],
    variant: (request) => visitorLanguage(request),
    // Prepared once migrated: a new database has no catalog_stats before.
    currentGeneration: sqlite ? catalogGenerationReader(sqlite) : postgresGenerationReader(db),
  })
  const app = createHttpApp(build, config.NODE_ENV, 'public', (request, render) => pageCache.serve(request, render), {
    trustProxy: config.TRUST_PROXY,
    appUrl: config.APP_URL,
    // A checkout without JavaScript is a form post that Stripe Checkout's address answers.
    formActionOrigins: ['https://checkout.stripe.com', ...(config.STRIPE_API_URL ? [new URL(config.STRIPE_API_URL).origin] : [])],
  })
  // A socket handed over already listening (LISTEN_FD) keeps its port held from before this
  // process started, so nothing can take it in between (tests start servers side by side).
  const server = app.listen(config.LISTEN_FD === undefined ? config.PORT : { fd: config.LISTEN_FD }, () => {
    console.log(`Solidarity Market is serving on http://localhost:${(server.address() as { port: number }).port}`)
  })
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') fail(`PORT ${config.PORT} is already in use; set PORT to a free port.`)
    fail(`The server stopped: ${error.message}`)
  })

  // On SIGTERM/SIGINT: stop accepting, answer what is in flight (Connection: close), let the
  // checkout write batch commit, checkpoint the WAL into the database file, close and exit.
  const stop = gracefulStop(server, {
    afterClose: async () => {
      clearInterval(rescoreTimer)
      clearInterval(lapseTimer)
      await writeBatchesSettled(db)
      await stopCheckpoints()
      await db.destroy()
    },
  })
  const shutdown = () => {
    // Should anything hang, the process still ends; the database is safe at any point (WAL).
    setTimeout(() => {
      console.error('Stopping took longer than 30 s; exiting anyway.')
      process.exit(1)
    }, 30_000).unref()
    stop().then(
      () => {
        console.log('Stopped.')
        process.exit(0)
      },
      (error) => {
        console.error('Stopping failed:', error)
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
