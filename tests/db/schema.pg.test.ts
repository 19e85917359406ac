import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, migrateToLatest, rollbackAll, type Database } from '../../db/connection'
import { testDb } from '../support/db'

// The same migrations build the same schema on both engines: every table with the same columns,
// the same of them required, and the rules the database enforces by itself. Runs in `npm run
// test:pg` (testDb() is a PostgreSQL database there), beside a SQLite database in memory.

type Columns = Record<string, Record<string, { required: boolean }>>

async function sqliteColumns(db: Database): Promise<Columns> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'
    and name not like 'sqlite_%' and name not like 'kysely_%' and name not like 'offer_search%'`.execute(db)
  const out: Columns = {}
  for (const { name } of tables.rows) {
    const columns = await sql<{ name: string; notnull: number; pk: number }>`select name, "notnull", pk from pragma_table_info(${name})`.execute(db)
    out[name] = Object.fromEntries(columns.rows.map((c) => [c.name, { required: c.notnull === 1 || c.pk > 0 }]))
  }
  return out
}

async function postgresColumns(db: Database): Promise<Columns> {
  const rows = await sql<{ tableName: string; columnName: string; isNullable: string }>`
    select table_name, column_name, is_nullable from information_schema.columns
    where table_schema = current_schema() and table_name not like 'kysely_%' and table_name <> 'offer_search'`.execute(db)
  const out: Columns = {}
  for (const r of rows.rows) (out[r.tableName] ??= {})[r.columnName] = { required: r.isNullable === 'NO' }
  return out
}

describe('the schema on PostgreSQL', () => {
  let pg: Database
  let lite: Database
  beforeAll(async () => {
    pg = await testDb()
    lite = openDatabase(':memory:')
    await migrateToLatest(lite)
  })
  afterAll(async () => lite?.destroy())

  it('has every table and column SQLite has, required where SQLite requires it', async () => {
    const [onSqlite, onPostgres] = await Promise.all([sqliteColumns(lite), postgresColumns(pg)])
    expect(Object.keys(onSqlite).length).toBeGreaterThan(30)
    expect(onPostgres).toEqual(onSqlite)
  })

  it('keeps money and ids as bigint, and reads them back as exact numbers, refusing one it cannot hold exactly', async () => {
    const types = await sql<{ columnName: string; dataType: string }>`select column_name, data_type from information_schema.columns
      where table_schema = current_schema() and table_name = 'orders' and column_name in ('id', 'total', 'credit_applied')`.execute(pg)
    expect(new Set(types.rows.map((t) => t.dataType))).toEqual(new Set(['bigint']))
    const { rows } = await sql<{
      n: number
      s: number
    }>`select 9007199254740991::bigint as n, sum(x) as s from (values (1::bigint), (2::bigint)) as v(x)`.execute(pg)
    expect(rows[0]).toEqual({ n: Number.MAX_SAFE_INTEGER, s: 3 })
    await expect(sql`select 9007199254740993::bigint as n`.execute(pg)).rejects.toThrow(/too large to read as an exact number/)
  })

  it('treats email addresses as SQLite does: unique and found whatever their case', async () => {
    await sql`insert into people (email, display_name) values ('Ada@Example.org', 'Ada')`.execute(pg)
    await expect(sql`insert into people (email, display_name) values ('ada@example.ORG', 'Ada again')`.execute(pg)).rejects.toThrow(/people_email_key|unique/)
    const found = await pg.selectFrom('people').select('displayName').where('email', '=', 'ADA@example.org').executeTakeFirst()
    expect(found?.displayName).toBe('Ada')
  })

  it('rolls every migration back and applies them again', async () => {
    const fresh = await testDb()
    expect((await rollbackAll(fresh)).length).toBeGreaterThan(10)
    expect(await postgresColumns(fresh)).toEqual({})
    await migrateToLatest(fresh)
    expect(await postgresColumns(fresh)).toEqual(await sqliteColumns(lite))
  })
})
