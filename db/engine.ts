import { PostgresAdapter, type Kysely } from 'kysely'

// The one question only the engine seams ask (search, the write batch, prebuilt SQL, timed
// jobs, migrations): is this connection, or a transaction on it, SQLite or PostgreSQL? Domain
// modules never ask it; docs/decisions/0019-postgresql.md lists the seams.

export type Engine = 'sqlite' | 'postgres'

export function engineOf(db: Pick<Kysely<unknown>, 'getExecutor'>): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite'
}

/** PostgreSQL's error codes for a transaction that lost a race and may simply be run again. */
const retryableCodes = new Set(['40001', '40P01'])

export function isRetryableConflict(error: unknown): boolean {
  return typeof error === 'object' && error !== null && retryableCodes.has((error as { code?: string }).code ?? '')
}
