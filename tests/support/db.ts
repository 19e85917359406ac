import { sql } from 'kysely'
import { migrateToLatest, openDatabase, type Database } from '../../db/connection'
import type { DB } from '../../db/schema'
import { seedDemoMarketplace } from '../../db/seed/index'

/** A fresh in-memory SQLite database with every migration applied. */
export async function testDb(): Promise<Database> {
  const db = openDatabase(':memory:')
  await migrateToLatest(db)
  return db
}

/** A fresh in-memory database holding the demo marketplace. */
export async function seededDb(): Promise<Database> {
  const db = await testDb()
  await seedDemoMarketplace(db)
  return db
}

/** Points the app's getDb() at `db` for tests that call loaders directly. */
export function useAsAppDb(db: Database) {
  globalThis.__solidarityDb = db
}

/** How many rows `table` holds: what a test checks was (or was not) written. */
export async function rowCount(db: Database, table: keyof DB): Promise<number> {
  return Number((await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n)
}

/** An offer's stock as the database has it now (null: not counted). */
export async function stockOf(db: Database, offerId: number): Promise<number | null> {
  return (await db.selectFrom('offers').select('stock').where('id', '=', offerId).executeTakeFirstOrThrow()).stock
}
