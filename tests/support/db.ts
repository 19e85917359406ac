import { migrateToLatest, openDatabase, type Database } from '../../db/connection'
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
