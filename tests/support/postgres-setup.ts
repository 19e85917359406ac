import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { databaseUrl, migrateToLatest, openPostgres } from '../../db/connection'
import { demoReferenceTime, seedDemoMarketplace } from '../../db/seed/index'
import { onServer, type PostgresRun } from './postgres'

// Global setup of `npm run test:pg` (see tests/support/postgres.ts): the run's own database, with
// the extension the schema needs installed once (a schema cannot hold its own copy), a migrated
// and a seeded template schema dumped as SQL with pg_dump (PostgreSQL's client tools, installed
// with the server), and at the end the removal of the database.

export default async function setup(project: TestProject) {
  const base = process.env.DATABASE_URL
  if (!base) throw new Error('npm run test:pg runs the tests on PostgreSQL: set DATABASE_URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres')
  const id = `${Date.now().toString(36)}_${process.pid}`
  const database = `sm_test_${id}`
  const maintenance = new URL(base).pathname.slice(1) || 'postgres'
  await onServer(base, maintenance, `create database ${database}`)
  await onServer(base, database, 'create extension unaccent')

  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-test-pg-'))
  const run: PostgresRun = {
    database,
    placeholder: { migrated: `sm_template_migrated_${id}`, seeded: `sm_template_seeded_${id}` },
    dumps: { migrated: path.join(folder, 'migrated.sql'), seeded: path.join(folder, 'seeded.sql') },
  }
  for (const kind of ['migrated', 'seeded'] as const) {
    const schema = run.placeholder[kind]
    await onServer(base, database, `create schema ${schema}`)
    const db = openPostgres(databaseUrl(base, database, schema), 2)
    try {
      await migrateToLatest(db)
      if (kind === 'seeded') await seedDemoMarketplace(db, { at: demoReferenceTime })
    } finally {
      await db.destroy()
    }
    const sql = execFileSync(
      'pg_dump',
      ['--dbname', databaseUrl(base, database), '--schema', schema, '--no-owner', '--no-privileges', '--inserts', '--rows-per-insert=500'],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    )
    // psql's own commands (\restrict …) are not SQL.
    fs.writeFileSync(
      run.dumps[kind],
      sql
        .split('\n')
        .filter((line) => !line.startsWith('\\'))
        .join('\n'),
    )
  }
  project.provide('postgresRun', run)

  return async () => {
    await onServer(base, maintenance, `drop database if exists ${database} with (force)`)
    fs.rmSync(folder, { recursive: true, force: true })
  }
}
