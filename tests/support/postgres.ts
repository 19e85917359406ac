import fs from 'node:fs'
import pg from 'pg'
import { afterAll, inject } from 'vitest'
import { databaseUrl, openPostgres, type Database } from '../../db/connection'

// `npm run test:pg` runs the suite against the PostgreSQL server DATABASE_URL names. The global
// setup (tests/support/postgres-setup.ts) creates one database for the run, migrates one schema
// in it and seeds another with the demo marketplace, and dumps both as SQL. Each test database
// is then a schema of its own, made by running that SQL under the schema's name (a third of a
// second; migrating and seeding afresh takes three times as long, and migrations take a lock
// the workers would queue on), reached through a pool whose search_path starts with it.
// Schemas, not databases: creating and dropping a database costs a checkpoint, seconds on a
// busy server. Every schema a test file made is dropped when the file ends; the global
// teardown drops the run's database with whatever a crashed file left.

export interface PostgresRun {
  database: string
  /** a schema's SQL (pg_dump), per kind, naming the schema `placeholder` */
  dumps: { migrated: string; seeded: string }
  placeholder: { migrated: string; seeded: string }
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresRun: PostgresRun
  }
}

/** Runs `statements` on `database` of the DATABASE_URL server, outside any transaction. */
export async function onServer(base: string, database: string, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(base, database) })
  await client.connect()
  try {
    for (const statement of statements) await client.query(statement)
  } finally {
    await client.end()
  }
}

const opened: { db: Database; schema: string }[] = []
const dumps = new Map<string, string>()
let counter = 0
let admin: pg.Client | undefined

/** A fresh PostgreSQL database (a schema), migrated, and seeded with the demo marketplace when asked. */
export async function postgresTestDb(kind: 'migrated' | 'seeded'): Promise<Database> {
  return (await postgresTestDatabase(kind)).db
}

/** As postgresTestDb, with the URL other processes (servers under test) reach it at. */
export async function postgresTestDatabase(kind: 'migrated' | 'seeded'): Promise<{ db: Database; url: string }> {
  const base = process.env.DATABASE_URL!
  const run = inject('postgresRun')
  if (!admin) {
    admin = new pg.Client({ connectionString: databaseUrl(base, run.database) })
    await admin.connect()
    afterAll(async () => {
      const these = opened.splice(0)
      await Promise.all(these.map(({ db }) => db.destroy().catch(() => {})))
      if (these.length) await admin!.query(these.map(({ schema }) => `drop schema if exists ${schema} cascade;`).join('\n'))
      await admin!.end()
      admin = undefined
    })
  }
  let dump = dumps.get(kind)
  if (dump === undefined) {
    dump = fs.readFileSync(run.dumps[kind], 'utf8')
    dumps.set(kind, dump)
  }
  const schema = `t_${process.pid}_${++counter}`
  await admin.query(dump.replaceAll(run.placeholder[kind], schema))
  const url = databaseUrl(base, run.database, schema)
  const db = openPostgres(url, 4)
  opened.push({ db, schema })
  return { db, url }
}
