import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listCatalog } from '../../app/modules/catalog/catalog.server'
import { getFundSummary } from '../../app/modules/funds/funds.server'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { databaseUrl, migrateToLatest, openDatabase, openPostgres, rollbackOne, type Database } from '../../db/connection'
import { copyMarketplace, CopyError, type CopyReport } from '../../db/copy'
import { demoLogins } from '../../db/seed/data'
import { demoReferenceTime, seedDemoMarketplace } from '../../db/seed/index'
import { atDemoTime } from '../support/db'
import { onServer } from '../support/postgres'

// npm run db:copy (db/copy.ts): the demo marketplace, seeded into a SQLite file, copied into a new
// PostgreSQL database of its own (on DATABASE_URL's server, or the local one), which is dropped
// afterwards. The copy must show buyers the same catalog and funds, and go on taking orders.

const server = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
const urlOf = (database: string) => databaseUrl(server, database)

const databases: string[] = []
const opened: Database[] = []
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-copy-'))

/** A new, empty PostgreSQL database; its URL. */
async function newDatabase(): Promise<string> {
  const name = `sm_copy_${process.pid}_${randomBytes(4).toString('hex')}`
  await onServer(server, 'postgres', `create database ${name}`)
  databases.push(name)
  return urlOf(name)
}

function open<T extends Database>(db: T): T {
  opened.push(db)
  return db
}

afterAll(async () => {
  for (const db of opened.splice(0)) await db.destroy()
  for (const name of databases.splice(0)) await onServer(server, 'postgres', `drop database if exists ${name} with (force)`)
  fs.rmSync(dir, { recursive: true, force: true })
})

/** The demo marketplace in a SQLite file, as the server leaves it: still open, in WAL mode. */
async function seededFile(name: string): Promise<{ file: string; db: Database }> {
  const file = path.join(dir, name)
  const db = open(openDatabase(file))
  await migrateToLatest(db)
  await seedDemoMarketplace(db, { at: demoReferenceTime })
  return { file, db }
}

const countIn = async (db: Database, table: string) => Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n)

describe('copying the demo marketplace from SQLite into PostgreSQL', () => {
  atDemoTime()
  let file: string
  let source: Database
  let url: string
  let copy: Database
  let report: CopyReport

  beforeAll(async () => {
    ;({ file, db: source } = await seededFile('market.db'))
    url = await newDatabase()
    report = await copyMarketplace(file, url)
    copy = open(openPostgres(url, 2))
  })

  it('copies every table, row for row', async () => {
    const tables = report.tables.map((t) => t.name)
    // Read from the source's schema, not a list kept here; the search index is PostgreSQL's own.
    expect(tables).toEqual(expect.arrayContaining(['organisations', 'offers', 'offer_scores', 'orders', 'journal_entries', 'postings']))
    expect(tables.some((t) => t.startsWith('offer_search') || t.startsWith('sqlite_') || t.startsWith('kysely_'))).toBe(false)
    // Each table after the tables it references.
    expect(tables.indexOf('organisations')).toBeLessThan(tables.indexOf('offers'))
    expect(tables.indexOf('journal_entries')).toBeLessThan(tables.indexOf('postings'))
    for (const { name, rows } of report.tables) {
      expect({ name, rows: await countIn(copy, name) }).toEqual({ name, rows: await countIn(source, name) })
      expect(rows).toBe(await countIn(source, name))
    }
    expect(report.tables.find((t) => t.name === 'offers')!.rows).toBeGreaterThan(200)
    expect(await countIn(copy, 'offer_search')).toBe(await countIn(source, 'offers'))
    const stats = (db: Database) => db.selectFrom('catalogStats').select('listedCount').executeTakeFirstOrThrow()
    expect(await stats(copy)).toEqual(await stats(source))
  })

  it('shows the same first catalog page', async () => {
    const [fromSqlite, fromPostgres] = [await listCatalog(source, {}), await listCatalog(copy, {})]
    expect(fromPostgres.offers.length).toBeGreaterThan(0)
    expect(fromPostgres.offers.map((o) => o.slug)).toEqual(fromSqlite.offers.map((o) => o.slug))
    expect(fromPostgres.total).toBe(fromSqlite.total)
  })

  it('keeps every commons fund at its balance', async () => {
    const funds = await source.selectFrom('commonsFunds').select('slug').orderBy('id').execute()
    expect(funds.length).toBeGreaterThan(0)
    // The balance each fund's public page shows.
    const balances = async (db: Database) => Promise.all(funds.map(async ({ slug }) => ({ slug, balance: (await getFundSummary(db, slug)).balance })))
    const before = await balances(source)
    expect(await balances(copy)).toEqual(before)
    // The demo's orders have paid into some funds: there is something to get wrong.
    expect(before.some((f) => f.balance.amount !== 0)).toBe(true)
  })

  it('keeps books that pass the ledger check', async () => {
    const check = await checkLedger(copy)
    expect(check.problems).toEqual([])
    expect(check).toMatchObject({ ok: true, entries: await countIn(source, 'journal_entries'), postings: await countIn(source, 'postings') })
    expect(report.ledger.ok).toBe(true)
  })

  it('takes new rows after the copied ids: a new organisation, an order and its payment', async () => {
    const maxId = async (db: Database, table: 'organisations' | 'checkouts' | 'orders' | 'payments' | 'journalEntries') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.max('id').as('id'))
            .executeTakeFirstOrThrow()
        ).id,
      )
    const organisation = await copy
      .insertInto('organisations')
      .values({
        slug: 'founded-after-the-copy',
        name: 'Founded after the copy',
        legalForm: 'worker_coop',
        countryCode: 'DE',
        city: 'Leipzig',
        website: null,
        region: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    expect(organisation.id).toBe((await maxId(source, 'organisations')) + 1)

    const buyer = await copy.selectFrom('people').select('id').where('email', '=', demoLogins.commoner).executeTakeFirstOrThrow()
    // Something with a price, so the order posts ledger entries and takes a payment.
    const offer = (await listCatalog(copy, {})).offers.find((o) => o.prices.commoner.amount > 0 && (o.stock === null || o.stock > 0))!
    const { id: offerId } = await copy.selectFrom('offers').select('id').where('slug', '=', offer.slug).executeTakeFirstOrThrow()
    const at = '2026-11-24T10:00:00.000Z'
    const placed = await placeOrder(
      copy,
      {
        buyer: { personId: buyer.id, use: { kind: 'personal' } },
        lines: [{ offerId, quantity: 1 }],
        idempotencyKey: 'after-the-copy',
        paymentProvider: 'invoice',
      },
      at,
    )
    expect(placed.checkoutId).toBe((await maxId(source, 'checkouts')) + 1)
    expect(placed.orderIds).toEqual([(await maxId(source, 'orders')) + 1])
    expect(placed.total).toBeGreaterThan(0)
    const order = await copy.selectFrom('orders').select('organisationId').where('id', '=', placed.orderIds[0]!).executeTakeFirstOrThrow()
    const seller = await copy.selectFrom('memberships').select('personId').where('organisationId', '=', order.organisationId).executeTakeFirstOrThrow()
    await recordInvoicePayment(copy, { orderId: placed.orderIds[0]!, personId: seller.personId }, at)
    expect(await maxId(copy, 'payments')).toBe((await maxId(source, 'payments')) + 1)
    expect(await maxId(copy, 'journalEntries')).toBeGreaterThan(await maxId(source, 'journalEntries'))
    expect((await checkLedger(copy)).problems).toEqual([])
  })

  it('refuses to copy into the target again, now that it holds a marketplace', async () => {
    const refused = copyMarketplace(file, url)
    await expect(refused).rejects.toThrow(CopyError)
    await expect(refused).rejects.toThrow(/is not empty \(rows: [a-z_]+ \d+.*\): copy only into a new database\.$/)
  })
})

describe('copies that cannot be made', () => {
  it('say so in a sentence for a missing file, a SQLite file that is not a marketplace, or a bad URL', async () => {
    await expect(copyMarketplace(path.join(dir, 'missing.db'), urlOf('postgres'))).rejects.toThrow(/^There is no SQLite database at .*missing\.db\.$/)
    const other = path.join(dir, 'other.db')
    const notes = new SQLite(other)
    notes.exec('create table notes (body text)')
    notes.close()
    await expect(copyMarketplace(other, urlOf('postgres'))).rejects.toThrow(/is not a Solidarity Market database/)
    const { file } = await seededFile('for-bad-urls.db')
    await expect(copyMarketplace(file, 'mysql://root@localhost/market')).rejects.toThrow(/--to must be a PostgreSQL URL/)
    await expect(copyMarketplace(file, urlOf(`sm_copy_missing_${process.pid}`))).rejects.toThrow(/Cannot connect to .*: that database does not exist/)
  })

  it('refuse a source that is behind on its migrations, touching nothing', async () => {
    const { file, db } = await seededFile('behind.db')
    await rollbackOne(db)
    const url = await newDatabase()
    await expect(copyMarketplace(file, url)).rejects.toThrow(/migration\(s\) behind .*npm run db:migrate/)
    const target = open(openPostgres(url, 1))
    expect((await sql`select table_name from information_schema.tables where table_schema = current_schema()`.execute(target)).rows).toEqual([])
  })

  it('leave the target empty when a row fails on the way, so the copy can simply be run again', async () => {
    const { file, db } = await seededFile('with-a-nul.db')
    // SQLite keeps a NUL character in text; PostgreSQL refuses it.
    const offer = await db.selectFrom('offers').select(['id', 'description']).orderBy('id', 'desc').executeTakeFirstOrThrow()
    await db.updateTable('offers').set({ description: 'Before\u0000after' }).where('id', '=', offer.id).execute()
    const url = await newDatabase()
    await expect(copyMarketplace(file, url)).rejects.toThrow(/^Copying offers failed at the batch from id \d+: /)
    const target = open(openPostgres(url, 1))
    for (const table of ['organisations', 'offers', 'people']) expect(await countIn(target, table)).toBe(0)

    await db.updateTable('offers').set({ description: offer.description }).where('id', '=', offer.id).execute()
    const report = await copyMarketplace(file, url)
    expect(report.tables.find((t) => t.name === 'offers')!.rows).toBe(await countIn(db, 'offers'))
  })
})
