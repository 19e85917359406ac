import { databaseLocation, openDatabaseAt, type Database } from '../../db/connection'
import { env } from './env.server'

// One connection per process; kept on globalThis so a dev rebuild does not open another.
declare global {
  var __solidarityDb: Database | undefined
}

export function getDb(): Database {
  globalThis.__solidarityDb ??= openDatabaseAt(databaseLocation(env()))
  return globalThis.__solidarityDb
}
