import { sql } from 'kysely'
import type { Db } from '../../../db/schema'

/** True when the database answers a query. */
export async function databaseAnswers(db: Db): Promise<boolean> {
  try {
    const { rows } = await sql<{ ok: number }>`select 1 as ok`.execute(db)
    return rows[0]?.ok === 1
  } catch {
    return false
  }
}
