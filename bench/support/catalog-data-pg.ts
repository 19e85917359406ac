// The benchmarks' catalog in PostgreSQL: a database of its own on the server DATABASE_URL names,
// migrated as the app migrates it, then filled with exactly the rows catalog-data.ts writes to
// SQLite (the same generator), so figures on the two engines are about the same data. The
// triggers fill offer_search and catalog_stats, as they do for the app's own writes.
import pg from 'pg'
import { databaseUrl, migrateToLatest, openPostgres } from '../../db/connection'
import { refreshScores } from '../../app/modules/scoring/scores.server'
import { catalogColumns, catalogRows, type CatalogTable } from './catalog-data'

/** The one-line refusal when --pg is asked for without a server to run on. */
export function requireDatabaseUrl(tool: string): string {
  const url = process.env.DATABASE_URL
  if (!url) {
    process.stderr.write(`[${tool}] --pg needs DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres): the server to create the bench database on\n`)
    process.exit(2)
  }
  return url
}

/** A connection to the server's maintenance database, to create and drop the bench's own. */
async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(url, 'postgres') })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** Whether `database` exists and holds a built catalog (the build analyses it last). */
export async function catalogDatabaseReady(url: string, database: string): Promise<boolean> {
  const exists = await withAdmin(url, async (c) => (await c.query('select 1 from pg_database where datname = $1', [database])).rowCount === 1)
  if (!exists) return false
  const client = new pg.Client({ connectionString: databaseUrl(url, database) })
  await client.connect()
  try {
    const r = await client.query(`select obj_description('offers'::regclass, 'pg_class') as note`)
    return r.rows[0]?.note === 'bench catalog ready'
  } catch {
    return false
  } finally {
    await client.end()
  }
}

export async function recreateDatabase(url: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`not a plain database name: ${database}`)
  await withAdmin(url, async (c) => {
    // WITH (FORCE) ends connections a killed earlier run left behind (PostgreSQL 13+).
    await c.query(`drop database if exists ${database} with (force)`)
    await c.query(`create database ${database}`)
  })
}

/**
 * The URL of the bench's catalog database `database` on `serverUrl`'s server: kept from an
 * earlier run with `reuse` when that run finished building it, else built afresh.
 */
export async function preparedCatalogPg(serverUrl: string, database: string, offers: number, reuse: boolean, log: (line: string) => void): Promise<string> {
  const url = databaseUrl(serverUrl, database)
  if (reuse && (await catalogDatabaseReady(serverUrl, database))) {
    log(`PostgreSQL: reusing database ${database}`)
    return url
  }
  log(`PostgreSQL: building the same catalog in a new database ${database} …`)
  const t = performance.now()
  await recreateDatabase(serverUrl, database)
  await buildCatalogPg(url, offers, (line) => log(`  ${line}`))
  log(`  built in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  return url
}

/** Parameters per statement stay under PostgreSQL's 65,535; a few thousand rows a statement is plenty. */
const maxRowsPerInsert = (columns: number) => Math.min(2000, Math.floor(60_000 / columns))

/** Builds the catalog of `offers` offers in the (new, empty) database at `url`. */
export async function buildCatalogPg(url: string, offers: number, progress: (line: string) => void): Promise<void> {
  const db = openPostgres(url, 2)
  try {
    await migrateToLatest(db)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      // Rows of one table go out together in multi-row INSERTs, in generation order, so ids
      // come out as on SQLite (an identity column numbers a VALUES list in its order).
      let table: CatalogTable | null = null
      let rows: unknown[][] = []
      let offersWritten = 0
      const flush = async () => {
        if (!table || rows.length === 0) return
        const columns = catalogColumns[table]
        const values = rows.map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ')
        await client.query(`insert into ${table} (${columns.join(', ')}) values ${values}`, rows.flat())
        if (table === 'offers') {
          const before = offersWritten
          offersWritten += rows.length
          if (Math.floor(offersWritten / 20_000) > Math.floor(before / 20_000) || offersWritten === offers) progress(`offers: ${offersWritten} / ${offers}`)
        }
        rows = []
      }
      for (const [t, row] of catalogRows(offers)) {
        if (t !== table || rows.length >= maxRowsPerInsert(catalogColumns[t].length)) {
          await flush()
          table = t
        }
        rows.push(row)
      }
      await flush()
    } finally {
      await client.end()
    }
    progress('scoring every offer …')
    await db.transaction().execute((trx) => refreshScores(trx, 'all'))
    const client2 = new pg.Client({ connectionString: url })
    await client2.connect()
    try {
      // Fresh statistics, as a long-running database would have them, before anything is timed.
      await client2.query('vacuum analyze')
      await client2.query(`comment on table offers is 'bench catalog ready'`)
    } finally {
      await client2.end()
    }
  } finally {
    await db.destroy()
  }
  progress('catalog ready')
}
