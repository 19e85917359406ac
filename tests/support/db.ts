import { sql } from 'kysely'
import { beforeEach } from 'vitest'
import { setClock } from '../../app/lib/clock'
import { migrateToLatest, openDatabase, type Database } from '../../db/connection'
import type { DB } from '../../db/schema'
import { demoReferenceTime, seedDemoMarketplace } from '../../db/seed/index'
import { postgresTestDb } from './postgres'
import { engineOf } from '../../db/engine'

/**
 * A fresh in-memory SQLite database with every migration applied; under `npm run test:pg`
 * (DATABASE_URL set), a fresh PostgreSQL database instead.
 */
export async function testDb(): Promise<Database> {
  if (process.env.DATABASE_URL) return postgresTestDb('migrated')
  const db = openDatabase(':memory:')
  await migrateToLatest(db)
  return db
}

/**
 * A fresh in-memory database holding the demo marketplace as of its reference time, so the rows,
 * scores and evidence a test sees are the same on whatever day the suite runs. Code under test
 * that reads the clock on it must be at that time too: call `atDemoTime()` in the file.
 */
export async function seededDb(): Promise<Database> {
  if (process.env.DATABASE_URL) return postgresTestDb('seeded')
  const db = await testDb()
  await seedDemoMarketplace(db, { at: demoReferenceTime })
  return db
}

/**
 * Stops the app's clock at the demo's reference time before every test of the calling file (or
 * describe block), for loaders and domain calls on a `seededDb()` that read "now" themselves.
 */
export function atDemoTime(): void {
  beforeEach(() => setClock(demoReferenceTime))
}

/** Points the app's getDb() at `db` for tests that call loaders directly. */
export function useAsAppDb(db: Database) {
  globalThis.__solidarityDb = db
}

/** How many rows `table` holds: what a test checks was (or was not) written. */
export async function rowCount(db: Database, table: keyof DB): Promise<number> {
  return Number(
    (
      await db
        .selectFrom(table)
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )
}

/** An offer's stock as the database has it now (null: not counted). */
export async function stockOf(db: Database, offerId: number): Promise<number | null> {
  return (await db.selectFrom('offers').select('stock').where('id', '=', offerId).executeTakeFirstOrThrow()).stock
}

/**
 * Drops one of the schema's guard triggers, for a test of books written before that guard
 * existed (the two engines spell it differently: PostgreSQL drops it from its table).
 */
export async function dropGuardTrigger(db: Database, name: string, table: string): Promise<void> {
  if (engineOf(db) === 'postgres') await sql.raw(`drop trigger ${name} on ${table}`).execute(db)
  else await sql.raw(`drop trigger ${name}`).execute(db)
}
