import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../db/connection'
import { ledgerCheck, prepareBuyers, startCheckoutLoad, untilAcknowledged } from '../support/checkout-load'
import { startServer, tempDir, type RunningServer } from '../support/server'

// The production build (npm test builds first), stopped with SIGTERM in the middle of checkouts.

describe('a graceful stop under checkout load', () => {
  let server: RunningServer | undefined
  afterAll(async () => server?.stop())

  it('answers or refuses every request (none cut), loses no acknowledged order, checkpoints and exits 0', async () => {
    const dir = tempDir('sm-stop')
    const databasePath = path.join(dir, 'market.db')
    server = await startServer({ DATABASE_PATH: databasePath, OUTBOX_DIR: path.join(dir, 'outbox') })
    const { goodId, cookies } = await prepareBuyers(server.url, databasePath, 12)
    expect(cookies.length).toBeGreaterThanOrEqual(8)

    const load = startCheckoutLoad(server.url, goodId, cookies)
    await untilAcknowledged(load, 40)
    const exited = new Promise<number | null>((resolve) => server!.process.once('exit', (code) => resolve(code)))
    server.process.kill('SIGTERM')
    // The buyers go on until the server refuses them.
    await load.done
    expect(await exited).toBe(0)

    const cut = load.outcomes.filter((o) => o.kind === 'cut')
    expect(cut).toEqual([])
    const refused = load.outcomes.filter((o) => o.kind === 'refused')
    // Every buyer was still going when the stop came, and ended on a refusal.
    expect(refused.length).toBe(cookies.length)

    // Measured before this test opens the database (closing it would checkpoint).
    const wal = `${databasePath}-wal`
    const walBytes = fs.existsSync(wal) ? fs.statSync(wal).size : 0
    const db = openDatabase(databasePath)
    try {
      const placed = await db
        .selectFrom('checkouts')
        .select(['id', 'idempotencyKey'])
        .where('idempotencyKey', 'in', [...load.sent])
        .execute()
      // Every checkout the client was told succeeded is there, with the receipt it was sent to…
      expect(new Map(placed.map((c) => [c.idempotencyKey, c.id]))).toEqual(load.acknowledged)
      // …and none that the client never heard about (a request cut after its commit).
      expect(placed.length).toBe(load.acknowledged.size)
    } finally {
      await db.destroy()
    }
    // The WAL was checkpointed into the database file before the exit.
    expect(walBytes).toBe(0)

    const ledger = ledgerCheck(databasePath)
    expect(ledger.output).toContain('✓ Every entry balances')
    expect(ledger.code).toBe(0)
    expect(server.output()).toMatch(/Stopping: finishing \d+ request\(s\) in flight\.[\s\S]*Stopped\./)
  }, 240_000)
})
