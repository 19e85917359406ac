import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import SQLite from 'better-sqlite3'
import {
  CamelCasePlugin,
  ColumnDefinitionNode,
  DataTypeNode,
  GeneratedNode,
  Kysely,
  Migrator,
  NO_MIGRATIONS,
  OperationNodeTransformer,
  PostgresDialect,
  SqliteDialect,
  sql,
  type KyselyPlugin,
  type Transaction,
  type TransactionBuilder,
} from 'kysely'
import pg from 'pg'
import { engineOf, isRetryableConflict } from './engine'
import { migrationProvider } from './migrations/index'
import type { DB } from './schema'

export type Database = Kysely<DB>

/** Where the marketplace's data lives: a SQLite file (the default) or a PostgreSQL database. */
export type DatabaseLocation = { url: string; poolSize?: number } | { path: string }

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

/** The database the configuration names: DATABASE_URL (PostgreSQL) when set, else DATABASE_PATH. */
export function databaseLocation(config: { DATABASE_URL?: string; DATABASE_POOL_SIZE?: number; DATABASE_PATH: string }): DatabaseLocation {
  return config.DATABASE_URL ? { url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE } : { path: config.DATABASE_PATH }
}

/** Opens the database `DATABASE_URL` (PostgreSQL) or `DATABASE_PATH` (SQLite) names. */
export function openDatabaseAt(location: DatabaseLocation): Database {
  return 'url' in location ? openPostgres(location.url, location.poolSize) : openDatabase(location.path)
}

// ---- PostgreSQL -------------------------------------------------------------------------

/**
 * Whole numbers come back from PostgreSQL as JS numbers, as they do from SQLite: money and ids
 * are `bigint` columns, and count(*) and sum(…) are bigint and numeric. pg hands those over as
 * strings (a JS number is exact only to 2^53); a value past that would be a wrong amount, so it
 * is refused instead of rounded.
 */
function exactNumber(text: string): number {
  const value = Number(text)
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw new RangeError(`${text} is too large to read as an exact number`)
  return value
}
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return exactNumber
    return pg.types.getTypeParser(oid, format)
  },
}

const MAX_ATTEMPTS = 12

/**
 * Every write transaction runs SERIALIZABLE, so PostgreSQL gives each the same guarantee
 * SQLite's single writer does (as if they ran one after another); one that lost a race to a
 * concurrent one (a serialization failure or a deadlock) is run again here, the one place, after
 * a short random pause. A transaction's callback may therefore run more than once: it must only
 * touch the database through the transaction it is given (the write batch asks the same).
 */
class PostgresKysely extends Kysely<DB> {
  override transaction(): TransactionBuilder<DB> {
    const inner = super.transaction().setIsolationLevel('serializable')
    const retrying = Object.create(inner) as TransactionBuilder<DB>
    retrying.execute = <T>(callback: Parameters<TransactionBuilder<DB>['execute']>[0]) => withRetries(() => inner.execute(callback) as Promise<T>)
    return retrying
  }

  /** A READ COMMITTED transaction, retried as transaction() retries (see inReadCommitted). */
  readCommitted<T>(work: (trx: Transaction<DB>) => Promise<T>, alsoRetry: (error: unknown) => boolean): Promise<T> {
    return withRetries(() => super.transaction().setIsolationLevel('read committed').execute(work), alsoRetry)
  }
}

async function withRetries<T>(run: () => Promise<T>, alsoRetry: (error: unknown) => boolean = () => false): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (error) {
      if (!(isRetryableConflict(error) || alsoRetry(error)) || attempt >= MAX_ATTEMPTS) throw error
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 50)))
    }
  }
}

/**
 * Runs `work` in a READ COMMITTED transaction on PostgreSQL: for the checkout alone (the write
 * batch's seam, app/modules/orders/write-batch.server.ts), whose every write is safe without
 * SERIALIZABLE's guarantee, and whom SERIALIZABLE would abort half the time under load: every
 * checkout inserts at the end of the same primary-key indexes its foreign-key checks read, which
 * PostgreSQL's serializable mode counts as a conflict between any two at once. `alsoRetry` names
 * the domain's own refusals that mean "a concurrent transaction changed what this one read"
 * (a balance that would go below zero). Decision 0019 says why each write stays safe.
 */
export function inReadCommitted<T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>, alsoRetry: (error: unknown) => boolean): Promise<T> {
  // Asked by shape, not instanceof: the server and the Remix build each bundle their own copy of
  // this module, so the class that opened the connection may not be this file's.
  const postgres = db as Partial<Pick<PostgresKysely, 'readCommitted'>>
  if (typeof postgres.readCommitted !== 'function') throw new Error('READ COMMITTED transactions are for PostgreSQL (SQLite has one writer at a time)')
  return postgres.readCommitted.call(db, work, alsoRetry) as Promise<T>
}

/** The pool behind a PostgreSQL database, kept to end it and for the copy and test tools. */
const pools = new WeakMap<Kysely<any>, pg.Pool>()

/**
 * A connection that prepares each statement once: Kysely sends every query unnamed, so
 * PostgreSQL would parse and plan it afresh each time, which costs more than running most of
 * ours (as on SQLite, where connection.ts's statement cache does the same). Naming a statement
 * after its text makes pg prepare it on the connection's first use and only bind and execute it
 * after. The app's texts are few (parameters are never inlined), so each connection keeps a
 * bounded set.
 */
class PreparingClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [text, values] = args
    if (typeof text === 'string' && Array.isArray(values) && args.length === 2) {
      const name = `s${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`
      return (super.query as unknown as (config: pg.QueryConfig) => never)({ name, text, values })
    }
    return (super.query as unknown as (...a: unknown[]) => never)(...args)
  }
}

/**
 * The URL of `database` on the same PostgreSQL server, with the same credentials, as
 * `serverUrl`; with `schema`, connections made with it work in that schema first (search_path).
 */
export function databaseUrl(serverUrl: string, database: string, schema?: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${database}`
  if (schema) url.searchParams.set('options', `-c search_path=${schema},public`)
  return url.toString()
}

/** Opens a pool of `poolSize` connections to the PostgreSQL database at `url`. */
export function openPostgres(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: pgTypes, Client: PreparingClient })
  // An idle connection the server drops (a restart, a proxy's timeout) must not crash the process.
  pool.on('error', (error) => console.error('A PostgreSQL connection failed while idle:', error.message))
  const db = new PostgresKysely({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] })
  pools.set(db, pool)
  return db
}

/**
 * The migrations name portable column types; PostgreSQL gets its equivalents: every integer is
 * a `bigint` (money, counts, ids alike), a real a `double precision`, a blob a `bytea`, and an
 * auto-increment key an identity column (SQLite's `autoincrement` is not PostgreSQL syntax).
 */
class PostgresColumnTypes extends OperationNodeTransformer {
  static readonly types: Record<string, 'bigint' | 'double precision' | 'bytea'> = { integer: 'bigint', real: 'double precision', blob: 'bytea' }
  protected override transformDataType(node: DataTypeNode): DataTypeNode {
    const type = PostgresColumnTypes.types[node.dataType]
    return type ? DataTypeNode.create(type) : node
  }
  protected override transformColumnDefinition(node: ColumnDefinitionNode): ColumnDefinitionNode {
    const column = super.transformColumnDefinition(node)
    if (!column.autoIncrement) return column
    return ColumnDefinitionNode.cloneWith(column, { autoIncrement: false, generated: GeneratedNode.create({ byDefault: true, identity: true }) })
  }
}
const postgresColumnTypes: KyselyPlugin = {
  transformQuery: ({ node }) => new PostgresColumnTypes().transformNode(node),
  transformResult: async ({ result }) => result,
}

async function migratorFor(db: Kysely<any>) {
  // Migrations speak snake_case to the raw schema; strip the camelCase plugin for them.
  if (engineOf(db) !== 'postgres') return new Migrator({ db: db.withoutPlugins(), provider: migrationProvider })
  // Kysely looks for its migration tables in any schema unless told which: name the one the
  // connection works in (its search_path's first), so two marketplaces in two schemas of one
  // database (the PostgreSQL tests do this) each keep their own.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db)
  return new Migrator({ db: db.withoutPlugins().withPlugin(postgresColumnTypes), provider: migrationProvider, migrationTableSchema: rows[0]!.schema })
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
  return unwrap(await (await migratorFor(db)).migrateToLatest())
}

export async function rollbackOne(db: Kysely<any>) {
  return unwrap(await (await migratorFor(db)).migrateDown())
}

export async function rollbackAll(db: Kysely<any>) {
  return unwrap(await (await migratorFor(db)).migrateTo(NO_MIGRATIONS))
}

/**
 * Reads the catalog's generation (catalog_stats, kept by triggers) with one prepared statement:
 * the page cache asks on every request, and the query builder would cost three times as much.
 */
export function catalogGenerationReader(sqlite: SQLite.Database): () => number {
  const statement = sqlite.prepare('select generation from catalog_stats where id = 1').pluck()
  return () => statement.get() as number
}

/**
 * The same generation from PostgreSQL, asked on every request too: another instance's change
 * moves it in the shared database, so no instance serves a page older than its data.
 */
export function postgresGenerationReader(db: Database): () => Promise<number> {
  const pool = pools.get(db)
  if (!pool) throw new Error('not a PostgreSQL database opened by openPostgres')
  const query = { name: 'catalog_generation', text: 'select generation from catalog_stats where id = 1' }
  return async () => Number((await pool.query<{ generation: number }>(query)).rows[0]!.generation)
}
