import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely'

/**
 * `column` holds `text`, ignoring case, with % and _ in it matched literally. LIKE and lower()
 * mean the same on SQLite and PostgreSQL once both sides are lowered (SQLite's LIKE ignores
 * case by itself, PostgreSQL's does not).
 */
export function containsText(column: Expression<string>, text: string): RawBuilder<SqlBool> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  return sql<SqlBool>`lower(${column}) like lower(${pattern}) escape '\\'`
}
