import { CompiledQuery } from 'kysely'
import { engineOf } from '../../db/engine'
import type { Db } from '../../db/schema'

// The checkout's hot path (placing orders, posting their ledger entries, deciding the buyer's
// class) runs prebuilt SQL rather than the query builder: building, compiling and camel-casing
// a query with Kysely costs more JavaScript than SQLite spends running most of these
// statements, and a checkout runs about ten of them (issue 5). The SQL text depends only on
// the number of rows, so connection.ts's statement cache prepares each shape once. Columns are
// snake_case in the text; the CamelCasePlugin still camel-cases the rows that come back.

/** Runs one prebuilt statement on `db` or a transaction (see above). */
export function runPrebuilt<R>(db: Db, text: string, parameters: readonly unknown[]) {
  const engineText = engineOf(db) === 'postgres' ? numberedPlaceholders(text) : text
  return db.executeQuery<R>(CompiledQuery.raw(engineText, parameters as unknown[]))
}

// The statements are written with SQLite's `?`; PostgreSQL numbers its parameters ($1, $2, …).
// The texts hold no `?` of their own (no string literal in them has one), so each `?` is a
// parameter. Each shape is translated once.
const numbered = new Map<string, string>()
function numberedPlaceholders(text: string): string {
  let translated = numbered.get(text)
  if (translated === undefined) {
    let n = 0
    translated = text.replace(/\?/g, () => `$${++n}`)
    if (numbered.size >= 500) numbered.delete(numbered.keys().next().value!)
    numbered.set(text, translated)
  }
  return translated
}

/** `(?, …, ?), …` — `count` rows of `width` placeholders, for a multi-row VALUES or an IN list. */
export function placeholders(count: number, width: number): string {
  const row = `(${Array.from({ length: width }, () => '?').join(', ')})`
  return Array.from({ length: count }, () => row).join(', ')
}
