import fs from 'node:fs'
import SQLite from 'better-sqlite3'
import { sql, type Kysely, type Transaction } from 'kysely'
import { checkLedger, type LedgerCheck } from '../app/modules/ledger/check.server'
import { migrateToLatest, openPostgres } from './connection'
import { migrationProvider } from './migrations/index'
import type { DB } from './schema'

// `npm run db:copy -- --from FILE --to URL`: moves a marketplace from its SQLite file into an
// empty PostgreSQL database (docs/decisions/0019-postgresql.md). The tables and their order come
// from the source's own schema, so the next migration needs nothing here; what is named below
// is only what the two engines keep differently.

/** A refusal the person running the copy can act on: printed as one line, never a stack trace. */
export class CopyError extends Error {}

/** Rows the migrations write into every new database: the source's own rows replace them. */
const writtenByMigrations = new Set(['score_rules'])

/**
 * Counters the target's triggers keep as the copy inserts rows (catalog_stats.listed_count goes
 * up with every listed offer_scores row): never copied, so never counted twice, but checked.
 * The generation is a cache key and only has to move, so it is left to the triggers.
 */
const keptByTriggers = new Set(['catalog_stats'])

/** Search documents PostgreSQL's triggers build from offers (SQLite's FTS5 table is skipped). */
const searchTable = 'offer_search'

/** Rows per INSERT; PostgreSQL takes at most 65,535 parameters in one statement. */
const BATCH_ROWS = 500
const MAX_PARAMETERS = 65_535

export interface CopiedTable {
  name: string
  rows: number
}

export interface CopyReport {
  from: string
  /** the target's URL without its password */
  to: string
  migration: string
  tables: CopiedTable[]
  /** identity sequences moved past the copied ids */
  sequences: number
  listedOffers: number
  searchDocuments: number
  ledger: LedgerCheck
  ms: number
}

/** A URL fit to print: the password, if any, is masked. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(an unreadable URL)'
  }
}

interface SourceTable {
  name: string
  columns: string[]
  /** the primary key's columns, or rowid: rows go in in this order, so self-references resolve */
  orderBy: string[]
  references: string[]
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`

/** Opens the SQLite file read-only: the copy never writes to the live marketplace. */
function openSource(file: string): SQLite.Database {
  if (!fs.existsSync(file)) throw new CopyError(`There is no SQLite database at ${file}.`)
  if (!fs.statSync(file).isFile()) throw new CopyError(`${file} is not a file.`)
  let sqlite: SQLite.Database
  try {
    sqlite = new SQLite(file, { readonly: true, fileMustExist: true, timeout: 5000 })
    // The first read says whether this is a database at all.
    sqlite.prepare('select count(*) from sqlite_master').get()
  } catch (error) {
    throw new CopyError(`${file} cannot be read as a SQLite database: ${(error as Error).message}.`)
  }
  return sqlite
}

/** The migrations the source has applied must be exactly this version's: the copy needs the same columns on both sides. */
async function checkSourceMigrations(sqlite: SQLite.Database, file: string): Promise<string> {
  const known = Object.keys(await migrationProvider.getMigrations()).sort()
  const hasTable = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get()
  if (!hasTable) throw new CopyError(`${file} is not a Solidarity Market database (it has no kysely_migration table).`)
  const applied = sqlite.prepare('select name from kysely_migration order by name').pluck().all() as string[]
  const unknown = applied.filter((name) => !known.includes(name))
  if (unknown.length) throw new CopyError(`${file} has migrations this version does not know (${unknown.join(', ')}): copy with the version that wrote it.`)
  const missing = known.filter((name) => !applied.includes(name))
  if (missing.length) {
    throw new CopyError(`${file} is ${missing.length} migration(s) behind (${missing[0]} first): run "npm run db:migrate" with DATABASE_PATH=${file} first.`)
  }
  return applied.at(-1)!
}

/**
 * The source's tables in an order the foreign keys accept (a table after every table it
 * references), read from its own schema. SQLite's internal tables, the migrations' bookkeeping,
 * the full-text index (virtual, with its shadow tables) and the counters are left out.
 */
function sourceTables(sqlite: SQLite.Database): SourceTable[] {
  const list = sqlite.pragma('table_list') as { schema: string; name: string; type: string }[]
  const names = list
    .filter((t) => t.schema === 'main' && t.type === 'table' && !t.name.startsWith('sqlite_') && !t.name.startsWith('kysely_') && !keptByTriggers.has(t.name))
    .map((t) => t.name)
    .sort()
  const tables = new Map<string, SourceTable>()
  for (const name of names) {
    const info = sqlite.pragma(`table_info(${quote(name)})`) as { name: string; pk: number }[]
    const key = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk)
    const references = (sqlite.pragma(`foreign_key_list(${quote(name)})`) as { table: string }[]).map((f) => f.table)
    tables.set(name, {
      name,
      columns: info.map((c) => c.name),
      orderBy: key.length ? key.map((c) => c.name) : ['rowid'],
      // A table referencing itself (orders' back-charges, journal entries' reversals) only needs
      // its rows in id order: a row never refers to one written after it.
      references: [...new Set(references)].filter((table) => table !== name),
    })
  }
  const ordered: SourceTable[] = []
  const placed = new Set<string>()
  while (placed.size < tables.size) {
    const ready = [...tables.values()].filter((t) => !placed.has(t.name) && t.references.every((r) => placed.has(r) || !tables.has(r)))
    if (!ready.length) {
      const left = [...tables.keys()].filter((name) => !placed.has(name))
      throw new CopyError(`These tables reference each other in a cycle, which the copy cannot order: ${left.join(', ')}.`)
    }
    for (const t of ready) {
      ordered.push(t)
      placed.add(t.name)
    }
  }
  return ordered
}

/** Turns a connection failure into a sentence (a wrong host, database or password). */
function unreachable(error: unknown, url: string): CopyError {
  const { code, message } = error as { code?: string; message?: string }
  const reason =
    code === 'ECONNREFUSED'
      ? 'nothing answers at that host and port'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'that host name does not resolve'
        : code === '3D000'
          ? 'that database does not exist (create it first: createdb …)'
          : code === '28P01' || code === '28000'
            ? 'the server refused the user or password'
            : (message ?? String(error))
  return new CopyError(`Cannot connect to ${redactUrl(url)}: ${reason}.`)
}

async function targetColumns(db: Kysely<DB>): Promise<Map<string, string[]>> {
  const rows = await sql<{ table: string; column: string }>`
    select table_name as "table", column_name as "column" from information_schema.columns
    where table_schema = current_schema() order by table_name, ordinal_position`.execute(db)
  const tables = new Map<string, string[]>()
  for (const { table, column } of rows.rows) tables.set(table, [...(tables.get(table) ?? []), column])
  return tables
}

/**
 * The target must hold no marketplace data (a database someone only migrated is fine) and
 * nothing else: checked before the migrations run, so a database that is refused is left as
 * it was found.
 */
async function checkTargetEmpty(db: Kysely<DB>, url: string): Promise<void> {
  const tables = [...(await targetColumns(db)).keys()]
  if (!tables.length) return
  if (!tables.includes('kysely_migration')) {
    const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '')
    throw new CopyError(`${redactUrl(url)} already holds tables that are not a marketplace's (${shown}): copy into a new, empty database.`)
  }
  const holding: string[] = []
  for (const table of tables) {
    if (table.startsWith('kysely_') || writtenByMigrations.has(table) || keptByTriggers.has(table)) continue
    const { n } = (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!
    if (Number(n) > 0) holding.push(`${table} ${n}`)
  }
  if (holding.length) {
    const shown = holding.slice(0, 4).join(', ') + (holding.length > 4 ? `, and ${holding.length - 4} more tables` : '')
    throw new CopyError(`${redactUrl(url)} is not empty (rows: ${shown}): copy only into a new database.`)
  }
}

function checkSameColumns(tables: SourceTable[], target: Map<string, string[]>): void {
  for (const t of tables) {
    const columns = target.get(t.name)
    if (!columns) throw new CopyError(`The target has no table ${t.name} after migrating; the two engines' schemas differ.`)
    const onlySource = t.columns.filter((c) => !columns.includes(c))
    const onlyTarget = columns.filter((c) => !t.columns.includes(c))
    if (onlySource.length || onlyTarget.length) {
      const differences = [
        onlySource.length ? `only in SQLite: ${onlySource.join(', ')}` : '',
        onlyTarget.length ? `only in PostgreSQL: ${onlyTarget.join(', ')}` : '',
      ]
      throw new CopyError(`${t.name} has different columns on the two engines (${differences.filter(Boolean).join('; ')}).`)
    }
  }
}

/** Copies one table in batches, in primary-key order; returns how many rows went in. */
async function copyTable(sqlite: SQLite.Database, trx: Transaction<DB>, table: SourceTable): Promise<number> {
  // snake_case as SQLite names it, into tables the types here know only by name.
  const raw = trx.withoutPlugins() as unknown as Transaction<Record<string, Record<string, unknown>>>
  const perBatch = Math.max(1, Math.min(BATCH_ROWS, Math.floor(MAX_PARAMETERS / table.columns.length)))
  const select = sqlite.prepare(`select ${table.columns.map(quote).join(', ')} from ${quote(table.name)} order by ${table.orderBy.map(quote).join(', ')}`)
  // Whole numbers as BigInt: exact past 2^53, and pg sends them as text to bigint columns.
  select.safeIntegers(true)
  let copied = 0
  let batch: Record<string, unknown>[] = []
  const flush = async () => {
    if (!batch.length) return
    try {
      await raw.insertInto(table.name).values(batch).execute()
    } catch (error) {
      const first = table.orderBy.map((c) => String(batch[0]![c] ?? '')).join('/')
      throw new CopyError(`Copying ${table.name} failed at the batch from ${table.orderBy.join('/')} ${first}: ${(error as Error).message}`)
    }
    copied += batch.length
    batch = []
  }
  for (const row of select.iterate() as Iterable<Record<string, unknown>>) {
    batch.push(row)
    if (batch.length >= perBatch) await flush()
  }
  await flush()
  return copied
}

/** Moves every identity column's sequence past the highest copied value, so new rows get new ids. */
async function setSequences(trx: Transaction<DB>): Promise<number> {
  const identities = await sql<{ table: string; column: string }>`
    select table_name as "table", column_name as "column" from information_schema.columns
    where table_schema = current_schema() and is_identity = 'YES'`.execute(trx)
  let set = 0
  for (const { table, column } of identities.rows) {
    // setval of a null (an empty table) does nothing: the sequence then starts at 1.
    const { value } = (
      await sql<{ value: number | null }>`select setval(pg_get_serial_sequence(${table}, ${column}), max(${sql.ref(column)})) as value
        from ${sql.table(table)}`.execute(trx)
    ).rows[0]!
    if (value !== null) set++
  }
  return set
}

const rowsIn = (sqlite: SQLite.Database, table: string) =>
  Number(
    sqlite
      .prepare(`select count(*) from ${quote(table)}`)
      .pluck()
      .get(),
  )

const countOf = async (trx: Transaction<DB>, table: string) =>
  Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(trx)).rows[0]!.n)

/**
 * Copies the marketplace in the SQLite file `fromFile` into the empty PostgreSQL database at
 * `toUrl`. The target is migrated first; then every table is copied, the sequences set and the
 * copy checked (row counts, the listed-offer counter, the search index, the ledger) in one
 * transaction, so a copy that fails or does not check out leaves the target empty.
 * The source is read in one read transaction: a server may go on using it, and the copy is the
 * marketplace as of one commit.
 * @throws CopyError for a refusal or a failed check, in a sentence
 */
export async function copyMarketplace(fromFile: string, toUrl: string): Promise<CopyReport> {
  const started = Date.now()
  if (!/^postgres(ql)?:\/\//.test(toUrl)) throw new CopyError(`--to must be a PostgreSQL URL (postgres://user@host:5432/database), not ${redactUrl(toUrl)}.`)
  try {
    new URL(toUrl)
  } catch {
    throw new CopyError(`--to is not a valid URL: ${redactUrl(toUrl)}.`)
  }
  const sqlite = openSource(fromFile)
  const target = openPostgres(toUrl, 2)
  try {
    const migration = await checkSourceMigrations(sqlite, fromFile)
    const tables = sourceTables(sqlite)
    try {
      await sql`select 1`.execute(target)
    } catch (error) {
      throw unreachable(error, toUrl)
    }
    await checkTargetEmpty(target, toUrl)
    try {
      await migrateToLatest(target)
    } catch (error) {
      throw new CopyError(`Migrating the target failed, so nothing was copied: ${(error as Error).message}`)
    }
    checkSameColumns(tables, await targetColumns(target))

    sqlite.exec('begin')
    try {
      const sourceCount = (table: string) => rowsIn(sqlite, table)
      const sourceListed = Number(sqlite.prepare('select listed_count from catalog_stats where id = 1').pluck().get())
      const sourceOffers = sourceCount('offers')

      const report = await target.transaction().execute(async (trx) => {
        for (const table of writtenByMigrations) await sql`delete from ${sql.table(table)}`.execute(trx)
        const copied: CopiedTable[] = []
        for (const table of tables) copied.push({ name: table.name, rows: await copyTable(sqlite, trx, table) })
        const sequences = await setSequences(trx)

        const problems: string[] = []
        for (const { name } of tables) {
          const [from, to] = [sourceCount(name), await countOf(trx, name)]
          if (from !== to) problems.push(`${name}: ${from} rows in SQLite, ${to} in PostgreSQL`)
        }
        const listed = await sql<{ n: number }>`select listed_count as n from catalog_stats where id = 1`.execute(trx)
        const listedOffers = Number(listed.rows[0]?.n)
        if (listedOffers !== sourceListed) problems.push(`catalog_stats counts ${listedOffers} listed offers, the source ${sourceListed}`)
        const searchDocuments = await countOf(trx, searchTable)
        if (searchDocuments !== sourceOffers) problems.push(`the search index holds ${searchDocuments} offers of ${sourceOffers}`)
        if (problems.length) throw new CopyError(`The copy does not match its source, so nothing was kept: ${problems.join('; ')}.`)

        const ledger = await checkLedger(trx)
        if (!ledger.ok) {
          throw new CopyError(
            `The ledger check fails on the copy, so nothing was kept (run "npm run ledger:check" on the source too): ${ledger.problems.join(' ')}`,
          )
        }
        return { tables: copied, sequences, listedOffers, searchDocuments, ledger }
      })
      return { from: fromFile, to: redactUrl(toUrl), migration, ...report, ms: Date.now() - started }
    } finally {
      sqlite.exec('commit')
    }
  } finally {
    sqlite.close()
    await target.destroy()
  }
}
