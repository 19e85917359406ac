import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import SQLite from 'better-sqlite3'
import { CamelCasePlugin, Kysely, Migrator, NO_MIGRATIONS, SqliteDialect } from 'kysely'
import { migrationProvider } from './migrations/index'
import type { DB } from './schema'

export type Database = Kysely<DB>

/** Opens (and creates, with its folder) the SQLite file at `file`, or ':memory:'. */
export function openSqlite(file: string): SQLite.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const sqlite = new SQLite(file)
  // WAL lets readers go on while one writer commits; NORMAL is durable across app crashes in WAL.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // 16 MB of page cache (the default is 2 MB) holds the ranking and search indexes of a
  // 100,000-offer catalog; searches otherwise re-read them from the OS on every request.
  sqlite.pragma('cache_size = -16000')
  return sqlite
}

/**
 * Kysely prepares every query afresh; preparing costs more than running most of ours. The same
 * SQL text reuses its prepared statement (the app never streams, so none is ever busy twice).
 */
function withStatementCache(sqlite: SQLite.Database, max = 500) {
  const cache = new Map<string, SQLite.Statement>()
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      // Every transaction the app opens writes. BEGIN IMMEDIATE takes the write lock at the
      // start (waiting out busy_timeout for another connection's writer), so a transaction that
      // reads and then writes can never fail to upgrade its lock with SQLITE_BUSY_SNAPSHOT
      // after another connection committed in between (Kysely's SQLite driver sends "begin").
      const sql = text === 'begin' ? 'begin immediate' : text
      const cached = cache.get(sql)
      if (cached && !cached.busy) return cached
      const statement = sqlite.prepare(sql)
      if (cache.size >= max) cache.delete(cache.keys().next().value!)
      cache.set(sql, statement)
      return statement
    },
  }
}

// The checkpointer's own thread: a second connection that copies the WAL back into the database
// file every `everyMs`. PASSIVE never waits for readers or the writer, so the main thread's
// commits go on while pages are copied and fsynced. Plain JS, as a worker does not inherit tsx.
const checkpointerSource = `
const { parentPort, workerData } = require('node:worker_threads')
const SQLite = require(workerData.driver)
const sqlite = new SQLite(workerData.file)
sqlite.pragma('busy_timeout = 5000')
sqlite.pragma('wal_autocheckpoint = 0')
const checkpoint = (mode) => {
  try {
    sqlite.pragma('wal_checkpoint(' + mode + ')')
  } catch (error) {
    console.error('WAL checkpoint failed:', error)
  }
}
const timer = setInterval(() => checkpoint('PASSIVE'), workerData.everyMs)
parentPort.on('message', () => {
  clearInterval(timer)
  checkpoint('TRUNCATE')
  sqlite.close()
  parentPort.close()
})
`

/**
 * Moves WAL checkpoints off the request path and off the event loop: SQLite otherwise
 * checkpoints inside whichever commit crosses 1000 WAL pages, stalling that request for
 * milliseconds (a checkpoint copies and fsyncs every page written since the last one: about
 * a tenth of a second for a second of busy checkout traffic). A worker thread with its own
 * connection checkpoints every `everyMs` instead. Returns a stop function that checkpoints
 * fully; it resolves once the worker has finished.
 */
export function checkpointInBackground(sqlite: SQLite.Database, everyMs = 1000): () => Promise<void> {
  sqlite.pragma('wal_autocheckpoint = 0')
  if (sqlite.memory || !sqlite.name) return async () => {}
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(checkpointerSource, { eval: true, workerData: { file: sqlite.name, driver, everyMs } })
  worker.unref()
  worker.on('error', (error) => console.error('The WAL checkpointer stopped:', error))
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  let stopping: Promise<void> | null = null
  return () => {
    // Held open until the last checkpoint is written, even when nothing else is left to do.
    worker.ref()
    stopping ??= (worker.postMessage('stop'), exited)
    return stopping
  }
}

export function kyselyFor(sqlite: SQLite.Database): Database {
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), plugins: [new CamelCasePlugin()] })
}

export function openDatabase(file: string): Database {
  return kyselyFor(openSqlite(file))
}

function migratorFor(db: Kysely<any>) {
  // Migrations speak snake_case to the raw schema; strip the camelCase plugin for them.
  const raw = db.withoutPlugins()
  return new Migrator({ db: raw, provider: migrationProvider })
}

function unwrap(result: Awaited<ReturnType<Migrator['migrateToLatest']>>) {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')
    const message = result.error instanceof Error ? result.error.message : String(result.error)
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${message}`)
  }
  return result.results ?? []
}

export async function migrateToLatest(db: Kysely<any>) {
  return unwrap(await migratorFor(db).migrateToLatest())
}

export async function rollbackOne(db: Kysely<any>) {
  return unwrap(await migratorFor(db).migrateDown())
}

export async function rollbackAll(db: Kysely<any>) {
  return unwrap(await migratorFor(db).migrateTo(NO_MIGRATIONS))
}

/**
 * Reads the catalog's generation (catalog_stats, kept by triggers) with one prepared statement:
 * the page cache asks on every request, and the query builder would cost three times as much.
 */
export function catalogGenerationReader(sqlite: SQLite.Database): () => number {
  const statement = sqlite.prepare('select generation from catalog_stats where id = 1').pluck()
  return () => statement.get() as number
}
