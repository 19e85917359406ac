import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { checkpointInBackground, kyselyFor, openSqlite } from '../../db/connection'

// How the server's connection is configured (db/connection.ts): checkpoints by a worker thread,
// and transactions that hold the write lock from their first statement.

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

function tempFile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-connection-'))
  dirs.push(dir)
  return path.join(dir, 'market.db')
}

/** The rows the database file itself holds, leaving out whatever is still only in the WAL. */
function rowsInMainFile(file: string): number {
  const copy = `${file}.copy`
  fs.copyFileSync(file, copy)
  const reader = new SQLite(copy, { readonly: true })
  try {
    return (reader.prepare('select count(*) as n from notes').get() as { n: number }).n
  } finally {
    reader.close()
    fs.rmSync(copy)
  }
}

describe('WAL checkpoints in the background', () => {
  it('copies committed writes into the database file without the writing connection doing it', async () => {
    const file = tempFile()
    const sqlite = openSqlite(file)
    sqlite.exec('create table notes (id integer primary key, body text not null)')
    const stop = checkpointInBackground(sqlite, 20)
    try {
      const insert = sqlite.prepare('insert into notes (body) values (?)')
      for (let i = 0; i < 500; i++) insert.run(`note ${i}`)
      // The writer never checkpoints itself (wal_autocheckpoint = 0): only the worker can.
      expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
      await expect.poll(() => rowsInMainFile(file), { timeout: 5000, interval: 50 }).toBe(500)
    } finally {
      await stop()
    }
    // Stopping checkpoints fully and empties the WAL.
    expect(fs.statSync(`${file}-wal`).size).toBe(0)
    sqlite.close()
  })

  it('does nothing for an in-memory database', async () => {
    const sqlite = openSqlite(':memory:')
    const stop = checkpointInBackground(sqlite)
    await stop()
    expect(sqlite.open).toBe(true)
    sqlite.close()
  })
})

describe('transactions', () => {
  it('hold the write lock from their start, so a read-then-write cannot be overtaken by another connection', async () => {
    const file = tempFile()
    const db = kyselyFor(openSqlite(file))
    await sql`create table notes (id integer primary key, body text not null)`.execute(db)
    const other = new SQLite(file, { timeout: 0 })
    try {
      await db.transaction().execute(async (trx) => {
        await sql`select count(*) from notes`.execute(trx)
        // With a deferred BEGIN this write would go through, and our own write below would
        // then fail with SQLITE_BUSY_SNAPSHOT.
        expect(() => other.prepare("insert into notes (body) values ('from elsewhere')").run()).toThrow(/database is locked/)
        await sql`insert into notes (body) values ('ours')`.execute(trx)
      })
      expect(other.prepare('select body from notes').pluck().all()).toEqual(['ours'])
    } finally {
      other.close()
      await db.destroy()
    }
  })
})
