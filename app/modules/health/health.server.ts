import { sql, type Kysely } from 'kysely'

/** True when the database answers a query. */
export async function databaseAnswers(db: Kysely<any>): Promise<boolean> {
  try {
    const { rows } = await sql<{ ok: number }>`select 1 as ok`.execute(db)
    return rows[0]?.ok === 1
  } catch {
    return false
  }
}
