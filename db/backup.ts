import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { clock } from '../app/lib/clock'
import { migrateToLatest, openDatabase } from './connection'
import { migrationProvider } from './migrations/index'

// Online backups and offline restores of the SQLite database (npm run db:backup / db:restore).

export class BackupError extends Error {}

const sidecars = (file: string) => [`${file}-wal`, `${file}-shm`, `${file}-journal`]

/** The migrations a database has applied, in order; null when it has no migration table. */
function appliedMigrations(sqlite: SQLite.Database): string[] | null {
  const table = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get()
  if (!table) return null
  return (sqlite.prepare('select name from kysely_migration order by name').pluck().all() as string[]) ?? []
}

/** The first problems PRAGMA integrity_check reports, or an empty list when the file is sound. */
function integrityProblems(sqlite: SQLite.Database): string[] {
  let rows: { integrity_check: string }[]
  try {
    rows = sqlite.pragma('integrity_check(20)', { simple: false }) as { integrity_check: string }[]
  } catch (error) {
    // Damage bad enough that the check itself cannot read the file.
    return [(error as Error).message]
  }
  const messages = rows.map((r) => r.integrity_check)
  return messages.length === 1 && messages[0] === 'ok' ? [] : messages
}

function removeWithSidecars(file: string) {
  for (const f of [file, ...sidecars(file)]) fs.rmSync(f, { force: true })
}

export interface BackupResult {
  file: string
  bytes: number
  pages: number
  migration: string | null
}

/**
 * Copies the live database at `source` to `target` with SQLite's online backup API while the
 * server goes on serving (WAL: its writes continue during the copy). The whole copy is one step,
 * inside one read transaction, so it is the database as of one commit: a stepwise copy would
 * start over whenever the server commits between steps, and under checkout load never finish.
 * The copy is written beside `target`, checked, switched to a single-file journal mode and
 * only then renamed to `target`, so `target` is never a half-written backup.
 */
export async function backupDatabase(source: string, target: string): Promise<BackupResult> {
  if (!fs.existsSync(source)) throw new BackupError(`There is no database at ${source} (DATABASE_PATH).`)
  const targetPath = path.resolve(target)
  if (targetPath === path.resolve(source)) throw new BackupError('The backup file must not be the database itself.')
  if (!fs.existsSync(path.dirname(targetPath))) throw new BackupError(`The folder ${path.dirname(targetPath)} does not exist.`)
  const partial = `${targetPath}.partial-${process.pid}`
  removeWithSidecars(partial)
  const live = new SQLite(source, { fileMustExist: true })
  try {
    live.pragma('busy_timeout = 5000')
    await live.backup(partial, { progress: () => 0x7fffffff })
  } catch (error) {
    removeWithSidecars(partial)
    throw new BackupError(`The backup failed: ${(error as Error).message}`)
  } finally {
    live.close()
  }
  const copy = new SQLite(partial)
  let result: Omit<BackupResult, 'bytes'>
  try {
    // A backup is one self-contained file, whatever mode the live database runs in.
    copy.pragma('journal_mode = DELETE')
    const problems = integrityProblems(copy)
    if (problems.length) throw new BackupError(`The copy failed its integrity check: ${problems.join('; ')}`)
    result = { file: targetPath, pages: copy.pragma('page_count', { simple: true }) as number, migration: appliedMigrations(copy)?.at(-1) ?? null }
  } catch (error) {
    copy.close()
    removeWithSidecars(partial)
    throw error
  }
  copy.close()
  fs.renameSync(partial, targetPath)
  return { ...result, bytes: fs.statSync(targetPath).size }
}

/**
 * Whether another connection (a running server, its checkpointer, a CLI) has the database open:
 * in WAL mode every open connection keeps a shared lock, so an exclusive one cannot be had.
 */
export function databaseInUse(file: string): boolean {
  if (!fs.existsSync(file)) return false
  const sqlite = new SQLite(file, { fileMustExist: true })
  try {
    sqlite.pragma('busy_timeout = 0')
    sqlite.pragma('locking_mode = EXCLUSIVE')
    sqlite.exec('begin exclusive; commit')
    // Leaving WAL needs every other connection gone (it checkpoints whatever the WAL holds).
    sqlite.pragma('journal_mode = DELETE')
    return false
  } catch (error) {
    if (String((error as { code?: string }).code).startsWith('SQLITE_BUSY')) return true
    throw error
  } finally {
    sqlite.close()
  }
}

export interface RestoreResult {
  /** where the database that was replaced now is, if there was one */
  previous: string | null
  /** migrations applied to bring the backup up to this version */
  migrated: string[]
  migration: string
}

/**
 * Restores `backup` as the database at `target`, which no server may have open. The backup is
 * copied first (the file given is never changed), checked with PRAGMA integrity_check, and
 * compared with the migrations this version knows: one from a newer version is refused, an
 * older one is migrated. The replaced database is kept beside it, renamed.
 */
export async function restoreDatabase(backup: string, target: string): Promise<RestoreResult> {
  if (!fs.existsSync(backup)) throw new BackupError(`There is no backup file at ${backup}.`)
  const targetPath = path.resolve(target)
  if (path.resolve(backup) === targetPath) throw new BackupError('The backup file is the database itself.')
  if (databaseInUse(targetPath)) {
    throw new BackupError(`The database at ${targetPath} is in use: stop the server (and any other process using it) before restoring.`)
  }
  fs.mkdirSync(path.dirname(targetPath), { recursive: true })
  const staged = `${targetPath}.restoring-${process.pid}`
  removeWithSidecars(staged)
  fs.copyFileSync(backup, staged)
  let migrated: string[] = []
  try {
    let sqlite: SQLite.Database
    try {
      sqlite = new SQLite(staged, { fileMustExist: true })
      sqlite.pragma('schema_version')
    } catch (error) {
      throw new BackupError(`${backup} is not a SQLite database: ${(error as Error).message}`)
    }
    try {
      const problems = integrityProblems(sqlite)
      if (problems.length) throw new BackupError(`${backup} failed its integrity check, so it was not restored: ${problems.join('; ')}`)
      const applied = appliedMigrations(sqlite)
      if (!applied) throw new BackupError(`${backup} is not a Solidarity Market database (it has no migration table).`)
      const known = new Set(Object.keys(await migrationProvider.getMigrations()))
      const unknown = applied.filter((name) => !known.has(name))
      if (unknown.length) {
        throw new BackupError(
          `${backup} was made by a newer version of Solidarity Market (migration ${unknown.at(-1)} is unknown here): restore it with that version or a later one.`,
        )
      }
    } finally {
      sqlite.close()
    }
    const db = openDatabase(staged)
    try {
      migrated = (await migrateToLatest(db)).map((r) => r.migrationName)
    } finally {
      await db.destroy()
    }
    // Back to one file: the migration may have left a WAL beside it.
    const single = new SQLite(staged)
    single.pragma('journal_mode = DELETE')
    single.close()
  } catch (error) {
    removeWithSidecars(staged)
    throw error
  }

  let previous: string | null = null
  if (fs.existsSync(targetPath)) {
    previous = `${targetPath}.before-restore-${clock.now().replace(/[:.]/g, '-')}`
    fs.renameSync(targetPath, previous)
  }
  for (const f of sidecars(targetPath)) fs.rmSync(f, { force: true })
  fs.renameSync(staged, targetPath)
  const check = new SQLite(targetPath, { fileMustExist: true })
  const migration = appliedMigrations(check)!.at(-1)!
  check.close()
  return { previous, migrated, migration }
}
