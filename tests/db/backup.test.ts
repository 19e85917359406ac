import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { migrateToLatest, openDatabase, rollbackOne } from '../../db/connection'
import { ledgerCheck, prepareBuyers, startCheckoutLoad, untilAcknowledged } from '../support/checkout-load'
import { projectRoot, startServer, tempDir, type RunningServer } from '../support/server'

// npm run db:backup / db:restore against the production build (npm test builds first) while it
// takes checkouts.

/** npm run db:backup / db:restore, run beside this process (whose buyers keep buying meanwhile). */
function cli(command: 'backup' | 'restore', file: string, databasePath: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'db/cli.ts', command, file], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_PATH: databasePath },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

const checkoutKeys = (file: string) => {
  const sqlite = new SQLite(file, { readonly: true })
  try {
    return new Set(sqlite.prepare('select idempotency_key from checkouts').pluck().all() as string[])
  } finally {
    sqlite.close()
  }
}

describe('backups of a live database', () => {
  let server: RunningServer | undefined
  afterAll(async () => server?.stop())

  it('backs up under checkout load without stopping the server; the copy restores, balances and refuses while in use', async () => {
    const dir = tempDir('sm-backup')
    const databasePath = path.join(dir, 'market.db')
    server = await startServer({ DATABASE_PATH: databasePath, OUTBOX_DIR: path.join(dir, 'outbox') })
    const { goodId, cookies } = await prepareBuyers(server.url, databasePath, 8)
    const load = startCheckoutLoad(server.url, goodId, cookies)
    await untilAcknowledged(load, 20)

    const before = new Set(load.acknowledged.keys())
    const backupFile = path.join(dir, 'backup.db')
    const backup = await cli('backup', backupFile, databasePath)
    const after = new Set(load.acknowledged.keys())
    expect(backup.stderr).toBe('')
    expect(backup.code).toBe(0)
    expect(backup.stdout).toMatch(/^Backed up .* to .*backup\.db: [\d.]+ MB, \d+ pages, integrity ok, at migration \d{4}_/)
    // The server kept taking checkouts while the backup ran, and after.
    expect(after.size).toBeGreaterThan(before.size)
    await untilAcknowledged(load, after.size + 10)
    load.stop()
    await load.done
    expect(load.outcomes.filter((o) => o.kind !== 'answered')).toEqual([])

    // One consistent moment: everything acknowledged before the copy began is in it, and it
    // holds no more than was placed by the time it ended.
    const copied = checkoutKeys(backupFile)
    for (const key of before) expect(copied.has(key)).toBe(true)
    for (const key of copied) if (key.startsWith('load-')) expect(load.sent.has(key)).toBe(true)
    expect(fs.existsSync(`${backupFile}-wal`)).toBe(false)

    // A running server holds its database: restoring into it is refused, and nothing changes.
    const refused = await cli('restore', backupFile, databasePath)
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toBe(`The database at ${databasePath} is in use: stop the server (and any other process using it) before restoring.`)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)

    // Into a stopped instance (here: the same data folder, once the server is stopped).
    await server.stop()
    const stoppedKeys = checkoutKeys(databasePath)
    const restored = await cli('restore', backupFile, databasePath)
    expect(restored.stderr).toBe('')
    expect(restored.code).toBe(0)
    expect(restored.stdout).toMatch(/^Restored .*backup\.db into .*market\.db \(integrity ok, at migration \d{4}_/)
    expect(restored.stdout).toMatch(/The database it replaced is kept as .*market\.db\.before-restore-/)
    expect(checkoutKeys(databasePath)).toEqual(copied)
    expect(copied.size).toBeLessThan(stoppedKeys.size)
    const ledger = ledgerCheck(databasePath)
    expect(ledger.output).toContain('✓ Every entry balances')
    expect(ledger.code).toBe(0)
  }, 240_000)

  it('refuses a damaged file, a file that is not a database, and a backup from a newer version; migrates an older one', async () => {
    const dir = tempDir('sm-restore')
    const source = path.join(dir, 'source.db')
    const seeded = openDatabase(source)
    await migrateToLatest(seeded)
    await seeded.destroy()
    const target = path.join(dir, 'restored.db')

    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a database at all, just some words for the restore to read')
    const notDb = await cli('restore', path.join(dir, 'notes.txt'), target)
    expect(notDb.code).toBe(1)
    expect(notDb.stderr).toMatch(/notes\.txt is not a SQLite database/)

    // Pages of the file overwritten with garbage: the integrity check must find them.
    const good = await cli('backup', path.join(dir, 'good.db'), source)
    expect(good.code).toBe(0)
    const bytes = fs.readFileSync(path.join(dir, 'good.db'))
    const pageSize = bytes.readUInt16BE(16)
    // The last two pages (tables of later migrations): the schema and the migration list still read.
    for (let i = bytes.length - 2 * pageSize; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff
    fs.writeFileSync(path.join(dir, 'damaged.db'), bytes)
    const damaged = await cli('restore', path.join(dir, 'damaged.db'), target)
    expect(damaged.code).toBe(1)
    expect(damaged.stderr).toMatch(/damaged\.db failed its integrity check, so it was not restored: /)
    expect(fs.existsSync(target)).toBe(false)

    // From a newer version: a migration this version does not know.
    const newer = new SQLite(path.join(dir, 'good.db'))
    newer.prepare("insert into kysely_migration (name, timestamp) values ('2099_01_01_0000_from_the_future', '2099-01-01T00:00:00.000Z')").run()
    newer.close()
    const future = await cli('restore', path.join(dir, 'good.db'), target)
    expect(future.code).toBe(1)
    expect(future.stderr.trim()).toMatch(/was made by a newer version of Solidarity Market \(migration 2099_01_01_0000_from_the_future is unknown here\)/)
    expect(fs.existsSync(target)).toBe(false)

    // From an older version: migrated on the way in, and it says so.
    const older = openDatabase(path.join(dir, 'older.db'))
    await migrateToLatest(older)
    await rollbackOne(older)
    await older.destroy()
    const migrated = await cli('restore', path.join(dir, 'older.db'), target)
    expect(migrated.stderr).toBe('')
    expect(migrated.code).toBe(0)
    expect(migrated.stdout).toMatch(/^The backup was from an older version: applied 1 migration\(s\)/)
  }, 120_000)
})
