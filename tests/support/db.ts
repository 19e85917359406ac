import { sql } from 'kysely'
import { beforeEach } from 'vitest'
import { setClock } from '../../app/lib/clock'
import { migrateToLatest, openDatabase, type Database } from '../../db/connection'
import type { DB } from '../../db/schema'
import { demoReferenceTime, seedDemoMarketplace } from '../../db/seed/index'

/** A fresh in-memory SQLite database with every migration applied. */
export async function testDb(): Promise<Database> {
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
