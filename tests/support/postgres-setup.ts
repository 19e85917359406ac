import type { TestProject } from 'vitest/node'
import { migrateToLatest, openPostgres } from '../../db/connection'
import { demoReferenceTime, seedDemoMarketplace } from '../../db/seed/index'
import { databaseUrl, onServer } from './postgres'

// Global setup of `npm run test:pg` (see tests/support/postgres.ts): two template databases for
// the run, one migrated and one holding the demo marketplace, and at the end the removal of
// every database the run created.

export default async function setup(project: TestProject) {
  const base = process.env.DATABASE_URL
  if (!base) throw new Error('npm run test:pg runs the tests on PostgreSQL: set DATABASE_URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres')
  const prefix = `sm_test_${Date.now().toString(36)}`
  const migrated = `${prefix}_tpl_migrated`
  const seeded = `${prefix}_tpl_seeded`
  for (const [name, seed] of [
    [migrated, false],
    [seeded, true],
  ] as const) {
    await onServer(base, `create database ${name}`)
    const db = openPostgres(databaseUrl(base, name), 2)
    try {
      await migrateToLatest(db)
      if (seed) await seedDemoMarketplace(db, { at: demoReferenceTime })
    } finally {
      await db.destroy()
    }
  }
  project.provide('postgresTemplates', { migrated, seeded, prefix })

  return async () => {
    const client = await import('pg').then(({ default: pg }) => new pg.Client({ connectionString: databaseUrl(base, 'postgres') }))
    await client.connect()
    try {
      const { rows } = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${prefix}\\_%`])
      for (const { datname } of rows) await client.query(`drop database if exists ${datname} with (force)`)
    } finally {
      await client.end()
    }
  }
}
