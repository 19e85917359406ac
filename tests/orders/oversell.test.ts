import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrateToLatest, openDatabase, type Database } from '../../db/connection'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { buyerThread, buyOneAtATime } from '../support/checkout-race'
import { stockOf } from '../support/db'
import { smallMarket } from '../support/market'

// The stock guard must hold across connections, not only within the one connection the server
// uses: two buyers, one in a thread of its own, each with its own connection to one database
// file (as the checkout benchmark has, and as two server processes would), race for the last
// units of an offer.

const now = '2026-11-24T10:00:00.000Z'
const dirs: string[] = []
const open: Database[] = []
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy()
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

describe('overselling across two database connections', () => {
  it('is impossible: the units sold are exactly the stock, and the stock never goes below zero', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-oversell-'))
    dirs.push(dir)
    const file = path.join(dir, 'market.db')
    const db = openDatabase(file)
    open.push(db)
    await migrateToLatest(db)
    const m = await smallMarket(db)
    const stock = 3
    await db.updateTable('offers').set({ stock }).where('id', '=', m.towel.id).execute()

    const attempts = 6
    const race = { offerId: m.towel.id, attempts, now }
    const there = await buyerThread(file, { ...race, personId: m.commoner.id, keyPrefix: 'race-thread' })
    const here = openDatabase(file)
    open.push(here)
    const results = (await Promise.all([there(), buyOneAtATime(here, { ...race, personId: m.buyer.id, keyPrefix: 'race-here' })])).flat()

    // Every attempt either bought a unit or was told plainly that it sold out: no other error.
    expect(results).toHaveLength(2 * attempts)
    expect(results.filter((r) => !r.placed && !('code' in r && r.code === 'conflict'))).toEqual([])
    expect(results.filter((r) => r.placed)).toHaveLength(stock)
    expect(await stockOf(db, m.towel.id)).toBe(0)
    const lines = await db
      .selectFrom('orderLines')
      .select((eb) => eb.fn.sum<number>('quantity').as('units'))
      .where('offerId', '=', m.towel.id)
      .executeTakeFirstOrThrow()
    expect(Number(lines.units)).toBe(stock)
    expect(await db.selectFrom('offers').select('id').where('stock', '<', 0).execute()).toEqual([])
    expect(await checkLedger(db)).toMatchObject({ ok: true, problems: [] })
  }, 60_000)
})
