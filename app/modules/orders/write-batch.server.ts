import { sql, type Kysely, type Transaction } from 'kysely'
import { inReadCommitted } from '../../../db/connection'
import { engineOf } from '../../../db/engine'
import { isOverdraft } from '../ledger/ledger.server'
import type { DB } from '../../../db/schema'

// Group commit for checkouts (issue 5). On SQLite in WAL mode a commit costs more than the
// few statements of an order, so checkouts that arrive while one is being written (or within
// the same event-loop turn) are written together: up to MAX_BATCH of them in ONE transaction,
// each inside its own SAVEPOINT.
//
// - A unit of work that throws (an AppError for a sold-out offer, bad input, …) is rolled back
//   to its savepoint: nothing of it is written, the others in the batch are unaffected, and its
//   caller gets its error once the batch has committed. (Savepoints cost; a batch is first
//   written without them and only written again with them when a unit throws: see
//   writeWithoutSavepoints. So a unit of work may run twice, and must only touch the database,
//   through the transaction it is given.)
// - A unit of work that succeeds resolves only after the COMMIT has succeeded.
// - When the commit (or rolling back to a savepoint) fails, every caller in the batch rejects.
//
// Each unit sees what the earlier units of its batch wrote (same transaction), so guarded stock
// updates stay guarded, and an idempotency key repeated within one batch finds the checkout the
// earlier unit placed. Kysely's SQLite driver serialises everything on its one connection, so
// while a batch is written other queries wait, as they did for a single checkout.
//
// On PostgreSQL each unit is its own transaction: the pool runs several at once on several
// connections, and the server's group commit shares a WAL flush among concurrent commits, so
// there is nothing to batch. It runs READ COMMITTED (db/connection.ts's inReadCommitted says
// why), which the checkout's writes are safe under: stock moves only by the guarded update
// (PostgreSQL re-checks its condition once a concurrent sale commits), a repeated idempotency
// key meets the unique index and finds the first checkout, a ledger account is opened with
// ON CONFLICT DO NOTHING, a person's checkouts queue on their cart's row (cart.server.ts), and a
// credit spent twice at once is refused by the overdraft guard, which locks the account: that
// unit is then run again, and reads what is left.

/** Most units of work in one transaction: bounds one batch's latency and its WAL growth. */
export const MAX_BATCH = 32

type Work<T> = (trx: Transaction<DB>) => Promise<T>

interface Pending {
  work: Work<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

interface Batcher {
  queue: Pending[]
  /** a batch is being written, or one is scheduled to start */
  busy: boolean
}

const batchers = new WeakMap<Kysely<DB>, Batcher>()

/**
 * Runs `work` in a write transaction shared with other concurrent callers on the same `db`,
 * isolated from them by a savepoint. Resolves with what `work` returned once the transaction
 * has committed; rejects with what `work` threw (nothing of it written), or with the commit's
 * error. `work` may run twice (see writeWithoutSavepoints), so it must have no effect outside
 * the transaction it is given. It must not start transactions or savepoints named
 * `write_batch_unit` itself, nor wait for another inWriteBatch call on the same `db` (that
 * call runs in a later batch, which cannot start before this one ends).
 */
export function inWriteBatch<T>(db: Kysely<DB>, work: Work<T>): Promise<T> {
  if (engineOf(db) === 'postgres') return inReadCommitted(db, work, isOverdraft)
  let batcher = batchers.get(db)
  if (!batcher) {
    batcher = { queue: [], busy: false }
    batchers.set(db, batcher)
  }
  const b = batcher
  return new Promise<T>((resolve, reject) => {
    b.queue.push({ work: work as Work<unknown>, resolve: resolve as (value: unknown) => void, reject })
    if (!b.busy) schedule(db, b)
  })
}

/**
 * Starts the next batch after the current event-loop turn, so that callers woken by the last
 * commit (or arriving in the same turn) can join it.
 */
function schedule(db: Kysely<DB>, b: Batcher) {
  b.busy = true
  setImmediate(() => {
    const batch = b.queue.splice(0, MAX_BATCH)
    void writeBatch(db, batch).finally(() => {
      if (b.queue.length > 0) schedule(db, b)
      else b.busy = false
    })
  })
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }

/** A unit failed on the fast path: the batch is written again with savepoints. */
class UnitFailed extends Error {}

async function writeBatch(db: Kysely<DB>, batch: Pending[]): Promise<void> {
  let outcomes: Outcome[]
  try {
    outcomes = await writeWithoutSavepoints(db, batch).catch((error: unknown) => {
      if (error instanceof UnitFailed) return writeWithSavepoints(db, batch)
      throw error
    })
  } catch (error) {
    for (const unit of batch) unit.reject(error)
    return
  }
  batch.forEach((unit, i) => {
    const outcome = outcomes[i]!
    if (outcome.ok) unit.resolve(outcome.value)
    else unit.reject(outcome.error)
  })
}

/**
 * The fast path, for the usual batch where every unit succeeds: no savepoints. A savepoint is
 * not free in SQLite: every page an earlier unit of the batch dirtied is copied to the
 * savepoint's journal before this unit changes it, and past 64 KiB that journal is a temporary
 * file, which cost a one-line checkout more than all its statements. When a unit throws, the
 * whole transaction is rolled back and the batch is written again with savepoints.
 */
function writeWithoutSavepoints(db: Kysely<DB>, batch: Pending[]): Promise<Outcome[]> {
  return db.transaction().execute(async (trx) => {
    const done: Outcome[] = []
    for (const unit of batch) {
      try {
        done.push({ ok: true, value: await unit.work(trx) })
      } catch {
        throw new UnitFailed()
      }
    }
    return done
  })
}

/** Each unit in its own savepoint: a unit that throws is undone alone, and gets its error. */
function writeWithSavepoints(db: Kysely<DB>, batch: Pending[]): Promise<Outcome[]> {
  return db.transaction().execute(async (trx) => {
    const done: Outcome[] = []
    for (const unit of batch) {
      await sql`savepoint write_batch_unit`.execute(trx)
      try {
        done.push({ ok: true, value: await unit.work(trx) })
      } catch (error) {
        // Undo this unit only. Should this fail (SQLite rolled the whole transaction back,
        // e.g. on a full disk), the batch fails: every caller rejects.
        await sql`rollback to write_batch_unit`.execute(trx)
        done.push({ ok: false, error })
      }
      await sql`release write_batch_unit`.execute(trx)
    }
    return done
  })
}

/**
 * Resolves once no batch is being written or waiting on `db`: a graceful stop waits for this
 * before closing the connection, so no caller's checkout is cut between its savepoint and the
 * commit (callers whose client went away still get their batch written).
 */
export async function writeBatchesSettled(db: Kysely<DB>): Promise<void> {
  const b = batchers.get(db)
  while (b && (b.busy || b.queue.length > 0)) await new Promise((resolve) => setTimeout(resolve, 5))
}
