// npm run db:copy -- --from FILE --to postgres://user@host:5432/database
// Copies a SQLite marketplace into an empty PostgreSQL database and checks the copy (db/copy.ts);
// exits 1 when the target is not empty or the copy does not match its source.
import { isAppError } from '../app/lib/errors'
import { copyMarketplace, CopyError, type CopyReport } from './copy'

const usage = 'usage: npm run db:copy -- --from FILE --to postgres://user@host:5432/database'

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

function print(report: CopyReport) {
  const rows = report.tables.reduce((sum, t) => sum + t.rows, 0)
  console.log(`Copied ${report.from} into ${report.to} (at migration ${report.migration}) in ${(report.ms / 1000).toFixed(1)} s.`)
  console.log(`  ${report.tables.length} tables, ${rows} rows: ${report.tables.map((t) => `${t.name} ${t.rows}`).join(', ')}`)
  console.log(`✓ Every table holds as many rows as in the source; identity sequences set on ${report.sequences} tables.`)
  console.log(`✓ ${report.listedOffers} listed offers, as in the source; the search index holds all ${report.searchDocuments} offers.`)
  const l = report.ledger
  console.log(`✓ Ledger: ${l.entries} entries, ${l.postings} postings, ${l.orders} orders, ${l.payments} payments; every entry balances and agrees.`)
}

async function main() {
  const args = process.argv.slice(2)
  const from = flag(args, '--from')
  const to = flag(args, '--to')
  if (!from || !to || from.startsWith('--') || to.startsWith('--')) {
    console.error(usage)
    process.exitCode = 2
    return
  }
  print(await copyMarketplace(from, to))
}

/** PostgreSQL's own refusals (a missing privilege, a full disk) carry a code and read well alone. */
const fromPostgres = (error: unknown): error is Error => error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && 'severity' in error

main().catch((error) => {
  if (error instanceof CopyError || isAppError(error)) console.error(`✗ ${error.message}`)
  else if (fromPostgres(error)) console.error(`✗ PostgreSQL refused: ${error.message}`)
  else console.error(error)
  process.exit(1)
})
