// Production entry: check configuration, migrate, seed an empty database, serve the Remix build.
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ServerBuild } from '@remix-run/node'
import { createRequestHandler } from '@remix-run/express'
import express from 'express'
import { migrateToLatest, openDatabase } from './db/connection'
import { isDatabaseEmpty, seedDemoMarketplace } from './db/seed/index'
import { ConfigError, parseEnv } from './app/lib/env.server'

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

  let db
  try {
    db = openDatabase(config.DATABASE_PATH)
  } catch (error) {
    fail(`Cannot open the database at DATABASE_PATH=${config.DATABASE_PATH}: ${(error as Error).message}`)
  }
  const applied = await migrateToLatest(db)
  if (applied.length) console.log(`Applied ${applied.length} migration(s).`)
  if (await isDatabaseEmpty(db)) {
    const counts = await seedDemoMarketplace(db)
    console.log(`Seeded the demo marketplace: ${counts.organisations} organisations, ${counts.offers} offers.`)
  }
  // The Remix build reads this connection through getDb(), so there is one per process.
  globalThis.__solidarityDb = db

  const buildPath = path.resolve('build/index.js')
  let build: ServerBuild
  try {
    build = (await import(pathToFileURL(buildPath).href)) as ServerBuild
  } catch (error) {
    fail(`Cannot load the app build at ${buildPath} (run "npm run build" first): ${(error as Error).message}`)
  }

  const app = express()
  app.disable('x-powered-by')
  app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }))
  app.use(express.static('public', { maxAge: '1h' }))
  app.all('*', createRequestHandler({ build, mode: config.NODE_ENV }))

  const server = app.listen(config.PORT, () => {
    console.log(`Solidarity Market is serving on http://localhost:${config.PORT}`)
  })
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') fail(`PORT ${config.PORT} is already in use; set PORT to a free port.`)
    fail(`The server stopped: ${error.message}`)
  })

  const shutdown = () => {
    server.close(() => {
      void db.destroy().finally(() => process.exit(0))
    })
    // Keep-alive connections may hold close() open; don't wait for them forever.
    setTimeout(() => process.exit(0), 3000).unref()
  }
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
