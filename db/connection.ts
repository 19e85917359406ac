import fs from 'node:fs'
import path from 'node:path'
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
    prepare(sql: string) {
      const cached = cache.get(sql)
      if (cached && !cached.busy) return cached
      const statement = sqlite.prepare(sql)
      if (cache.size >= max) cache.delete(cache.keys().next().value!)
      cache.set(sql, statement)
      return statement
    },
  }
}

/**
 * Moves WAL checkpoints off the request path: SQLite otherwise checkpoints inside whichever
 * commit crosses 1000 WAL pages, stalling that request for milliseconds. A passive checkpoint
 * every `everyMs` never waits for readers. Returns a stop function that checkpoints fully.
 */
export function checkpointInBackground(sqlite: SQLite.Database, everyMs = 1000): () => void {
  sqlite.pragma('wal_autocheckpoint = 0')
  const timer = setInterval(() => {
    // Between the awaits of an open transaction, a checkpoint on this connection would fail.
    if (sqlite.inTransaction) return
    try {
      sqlite.pragma('wal_checkpoint(PASSIVE)')
    } catch (error) {
      console.error('WAL checkpoint failed:', error)
    }
  }, everyMs)
  timer.unref()
  return () => {
    clearInterval(timer)
    if (sqlite.open) sqlite.pragma('wal_checkpoint(TRUNCATE)')
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
