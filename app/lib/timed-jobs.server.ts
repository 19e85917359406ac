import { sql } from 'kysely'
import { engineOf } from '../../db/engine'
import type { Database } from '../../db/connection'

/**
 * Runs a timed job (lapsing unpaid orders, rescoring lapsed evidence) unless another instance
 * of the marketplace is running it right now; resolves with null when it was skipped. On
 * PostgreSQL, where several instances share one database, a session advisory lock named after
 * the job decides, held on a connection of its own while the job runs on the others. The jobs
 * only act on what is due, in serializable transactions, so one that starts just after another
 * instance's run finished finds nothing left to do: each due order lapses once. On SQLite there
 * is one instance (the file is its own), so the job simply runs.
 */
export async function runExclusively<T>(db: Database, job: string, run: () => Promise<T>): Promise<T | null> {
  if (engineOf(db) !== 'postgres') return run()
  const key = `solidarity-market:${job}`
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtext(${key})) as locked`.execute(connection)
    if (!rows[0]?.locked) return null
    try {
      return await run()
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(connection)
    }
  })
}
