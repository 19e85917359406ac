// npm run db:migrate | db:rollback [-- --all] | db:seed [-- --reset]
import { ConfigError, parseEnv } from '../app/lib/env.server'
import { migrateToLatest, openDatabase, rollbackAll, rollbackOne } from './connection'
import { isDatabaseEmpty, seedDemoMarketplace } from './seed/index'

async function main() {
  const [command, ...flags] = process.argv.slice(2)
  const { DATABASE_PATH } = parseEnv()
  const db = openDatabase(DATABASE_PATH)
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
          console.log(`${DATABASE_PATH} already holds data; run "npm run db:seed -- --reset" to start over.`)
          break
        }
        const counts = await seedDemoMarketplace(db)
        console.log(`Seeded ${DATABASE_PATH}: ${JSON.stringify(counts)}`)
        break
      }
      default:
        console.error('usage: tsx db/cli.ts migrate | rollback [--all] | seed [--reset]')
        process.exitCode = 2
    }
  } finally {
    await db.destroy()
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error)
  process.exit(1)
})
