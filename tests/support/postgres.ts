import pg from 'pg'
import { afterAll, inject } from 'vitest'
import { openPostgres, type Database } from '../../db/connection'

// `npm run test:pg` runs the suite against the PostgreSQL server DATABASE_URL names. Each test
// database is a fresh database of its own, copied from a template the global setup
// (tests/support/postgres-setup.ts) migrated (and seeded) once for the run: creating one from a
// template takes milliseconds, migrating one takes a second. Every database a test file made
// is dropped when the file ends; the global teardown drops whatever a crashed file left.

declare module 'vitest' {
  export interface ProvidedContext {
    postgresTemplates: { migrated: string; seeded: string; prefix: string } | null
  }
}

/** The same server and credentials as DATABASE_URL, another database. */
export function databaseUrl(base: string, database: string): string {
  const url = new URL(base)
  url.pathname = `/${database}`
  return url.toString()
}

/** Runs `statements` on the server's maintenance database (CREATE/DROP DATABASE cannot run inside one). */
export async function onServer(base: string, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(base, 'postgres') })
  await client.connect()
  try {
    for (const statement of statements) await client.query(statement)
  } finally {
    await client.end()
  }
}

const opened: { db: Database; name: string }[] = []
let counter = 0
let registered = false

/** A fresh PostgreSQL database, migrated (and seeded with the demo marketplace when asked). */
export async function postgresTestDb(kind: 'migrated' | 'seeded'): Promise<Database> {
  const base = process.env.DATABASE_URL!
  const templates = inject('postgresTemplates')
  if (!templates) throw new Error('DATABASE_URL is set but the PostgreSQL global setup did not run (use npm run test:pg)')
  if (!registered) {
    registered = true
    afterAll(async () => {
      const these = opened.splice(0)
      await Promise.all(these.map(({ db }) => db.destroy().catch(() => {})))
      if (these.length) await onServer(base, ...these.map(({ name }) => `drop database if exists ${name} with (force)`))
    })
  }
  const name = `${templates.prefix}_${process.pid}_${++counter}`
  await onServer(base, `create database ${name} template ${templates[kind]}`)
  const db = openPostgres(databaseUrl(base, name), 4)
  opened.push({ db, name })
  return db
}
