// npm run db:migrate | db:rollback [-- --all] | db:seed [-- --reset]
// npm run rules:list | rules:publish -- --weights 25,20,15,15,10,10,5 --by "Name" [--note "why"] | scores:refresh
// npm run steward:grant -- someone@example.org | steward:grant -- --revoke someone@example.org
// npm run ledger:check   (exits 1 when the books do not balance or disagree with orders and payments)
// npm run db:backup -- FILE   (an online copy of the live database)
// npm run db:restore -- FILE  (into a stopped instance: checks integrity and the migration level)
import { ConfigError, parseEnv } from '../app/lib/env.server'
import { databaseLocation, migrateToLatest, openDatabaseAt, rollbackAll, rollbackOne } from './connection'
import { isDatabaseEmpty, seedDemoMarketplace } from './seed/index'
import { criteria } from '../app/modules/scoring/rules'
import { listRules, publishRules, refreshExpiredScores, refreshScores } from '../app/modules/scoring/scores.server'
import { WeightsParam } from '../app/modules/catalog/query'
import { isAppError } from '../app/lib/errors'
import { setSteward } from '../app/modules/accounts/stewards.server'
import { checkLedger } from '../app/modules/ledger/check.server'
import { backupDatabase, BackupError, restoreDatabase } from './backup'

function flag(flags: string[], name: string): string | undefined {
  const i = flags.indexOf(name)
  return i >= 0 ? flags[i + 1] : undefined
}

async function main() {
  const [command, ...flags] = process.argv.slice(2)
  const config = parseEnv()
  const { DATABASE_PATH } = config
  const where = config.DATABASE_URL ? 'the PostgreSQL database at DATABASE_URL' : DATABASE_PATH
  // These two must not open (or create) the database the ordinary way.
  if (command === 'backup' || command === 'restore') {
    if (config.DATABASE_URL) {
      console.error(`db:${command} copies the SQLite file; a PostgreSQL database is backed up and restored with pg_dump and pg_restore.`)
      process.exitCode = 2
      return
    }
    return backupOrRestore(command, flags, DATABASE_PATH)
  }
  const db = openDatabaseAt(databaseLocation(config))
  try {
    switch (command) {
      case 'migrate': {
        const results = await migrateToLatest(db)
        for (const r of results) console.log(`migrated up: ${r.migrationName}`)
        if (!results.length) console.log('Already at the latest migration.')
        break
      }
      case 'rollback': {
        const results = flags.includes('--all') ? await rollbackAll(db) : await rollbackOne(db)
        for (const r of results) console.log(`rolled back: ${r.migrationName}`)
        if (!results.length) console.log('Nothing to roll back.')
        break
      }
      case 'seed': {
        if (flags.includes('--reset')) {
          await rollbackAll(db)
          console.log('Dropped every table.')
        }
        await migrateToLatest(db)
        if (!(await isDatabaseEmpty(db))) {
          console.log(`${where} already holds data; run "npm run db:seed -- --reset" to start over.`)
          break
        }
        const counts = await seedDemoMarketplace(db)
        console.log(`Seeded ${where}: ${JSON.stringify(counts)}`)
        break
      }
      case 'rules:list': {
        await migrateToLatest(db)
        for (const r of await listRules(db)) {
          console.log(
            `v${r.version}  ${r.publishedAt}  by ${r.publishedBy}  ${criteria.map((c) => `${c}=${r.weights[c]}`).join(' ')}${r.note ? `  — ${r.note}` : ''}`,
          )
        }
        break
      }
      case 'rules:publish': {
        await migrateToLatest(db)
        const weights = WeightsParam.safeParse(flag(flags, '--weights') ?? '')
        if (!weights.success) {
          console.error(`--weights: ${weights.error.issues[0]!.message} (order: ${criteria.join(', ')})`)
          process.exitCode = 2
          break
        }
        const rules = await publishRules(db, { weights: weights.data, note: flag(flags, '--note') ?? '', publishedBy: flag(flags, '--by') ?? '' })
        console.log(`Published score rules v${rules.version}; every offer was rescored with them.`)
        break
      }
      case 'scores:refresh': {
        await migrateToLatest(db)
        if (flags.includes('--expired')) console.log(`Rescored ${await refreshExpiredScores(db)} offer(s) whose evidence expired.`)
        else console.log(`Rescored ${await db.transaction().execute((trx) => refreshScores(trx, 'all'))} offer(s).`)
        break
      }
      case 'steward:grant': {
        await migrateToLatest(db)
        const revoke = flags.includes('--revoke')
        const email = flags.find((f) => !f.startsWith('--'))
        if (!email) {
          console.error('usage: npm run steward:grant -- someone@example.org   (or -- --revoke someone@example.org)')
          process.exitCode = 2
          break
        }
        const person = await setSteward(db, null, email, !revoke)
        console.log(
          revoke
            ? `${person.displayName} <${person.email}> is no longer a steward.`
            : `${person.displayName} <${person.email}> is now a steward (Steward desk appears at their next page load).`,
        )
        break
      }
      case 'ledger:check': {
        await migrateToLatest(db)
        const check = await checkLedger(db)
        console.log(`${check.entries} entries, ${check.postings} postings, ${check.orders} orders, ${check.payments} payments checked.`)
        for (const problem of check.problems) console.error(`✗ ${problem}`)
        if (check.ok) console.log('✓ Every entry balances, and the ledger agrees with every order, payment and refund.')
        else {
          console.error(`${check.problems.length} problem(s) found.`)
          process.exitCode = 1
        }
        break
      }
      default:
        console.error(
          'usage: tsx db/cli.ts migrate | rollback [--all] | seed [--reset] | rules:list | rules:publish --weights … --by … [--note …] | scores:refresh [--expired] | steward:grant [--revoke] <email> | ledger:check | backup FILE | restore FILE',
        )
        process.exitCode = 2
    }
  } finally {
    await db.destroy()
  }
}

async function backupOrRestore(command: 'backup' | 'restore', flags: string[], databasePath: string) {
  const file = flags.find((f) => !f.startsWith('--'))
  if (!file) {
    console.error(`usage: npm run db:${command} -- FILE`)
    process.exitCode = 2
    return
  }
  if (command === 'backup') {
    const backup = await backupDatabase(databasePath, file)
    console.log(
      `Backed up ${databasePath} to ${backup.file}: ${(backup.bytes / 1024 / 1024).toFixed(1)} MB, ${backup.pages} pages, integrity ok, at migration ${backup.migration ?? '(none)'}.`,
    )
    return
  }
  const restored = await restoreDatabase(file, databasePath)
  if (restored.migrated.length)
    console.log(`The backup was from an older version: applied ${restored.migrated.length} migration(s) (${restored.migrated.join(', ')}).`)
  console.log(`Restored ${file} into ${databasePath} (integrity ok, at migration ${restored.migration}).`)
  if (restored.previous) console.log(`The database it replaced is kept as ${restored.previous}.`)
}

main().catch((error) => {
  console.error(error instanceof ConfigError || error instanceof BackupError || isAppError(error) ? error.message : error)
  process.exit(1)
})
