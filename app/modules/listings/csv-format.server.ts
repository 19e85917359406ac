import { CsvError, parse } from 'csv-parse/sync'
import { fallbackLanguage, supportedLanguages, type Language } from '../../i18n/config'
import { translator } from '../../i18n/translator.server'

// The listings spreadsheet as a file: its columns, reading it (encoding, delimiter, quotes),
// the escaping that keeps a cell from running as a formula, shares as percentages, and the
// problems an import reports. No database here: the rows' checks are in csv-rows.server.ts and
// the export and the all-or-nothing import in csv.server.ts.

/** The columns, in the order the export writes them; an import may give them in any order. */
export const CSV_COLUMNS = [
  'slug',
  'kind',
  'title',
  'description',
  'category',
  'licence',
  'unit',
  'delivery',
  'stock',
  'currency',
  'commoner_price',
  'for_profit_price',
  'producer_share_pct',
  'commons_fund_share_pct',
  'infrastructure_share_pct',
  'commons_fund',
  'status',
] as const
export type CsvColumn = (typeof CSV_COLUMNS)[number]

/**
 * The header row the export writes for a reader of `language`: the columns' names under
 * `csv.columns` in locales/<language>/listings.json. English's are the column codes themselves.
 */
export function csvHeader(language: Language = fallbackLanguage): string[] {
  const t = translator(language, 'listings')
  return CSV_COLUMNS.map((c) => t(`csv.columns.${c}`))
}

/** A header cell as it is compared: trimmed, lower case, composed accents, spaces as underscores. */
export function normalisedColumnName(name: string): string {
  return name.normalize('NFC').trim().toLowerCase().replace(/\s+/g, '_')
}

let columnNames: Map<string, CsvColumn> | undefined

/**
 * The column a header cell names, in any language the marketplace speaks: an Italian co-op's
 * export, edited and imported back, keeps its Italian header. The codes always count.
 */
export function columnNamed(name: string): CsvColumn | undefined {
  if (!columnNames) {
    const names = new Map<string, CsvColumn>(CSV_COLUMNS.map((c) => [c, c]))
    for (const language of supportedLanguages) {
      csvHeader(language).forEach((translated, i) => {
        const key = normalisedColumnName(translated)
        // A name that means one column in one language and another elsewhere would be read wrong.
        if (!names.has(key)) names.set(key, CSV_COLUMNS[i]!)
      })
    }
    columnNames = names
  }
  return columnNames.get(normalisedColumnName(name))
}

/** Only `slug` may be left out of an import's header: a file of new listings has none. */
const OPTIONAL_COLUMNS: ReadonlySet<CsvColumn> = new Set(['slug'])

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024
export const MAX_IMPORT_ROWS = 10_000
export const MAX_REPORTED_PROBLEMS = 200

/** Something wrong with an import. `row` is the spreadsheet's row number (the header is row 1); null for the file as a whole. */
export interface ImportProblem {
  row: number | null
  column: CsvColumn | null
  message: string
}

export type ImportResult =
  | {
      ok: true
      created: number
      updated: number
      /** updated goods whose stock cell differs from the stored stock, which an import never changes */
      stockIgnored: number
    }
  | { ok: false; problems: ImportProblem[]; more: number }

// ---------------------------------------------------------------------------------------------
// Formula injection: a spreadsheet runs a cell that starts with = + - @ (or a tab or carriage
// return) as a formula, so a listing titled "=HYPERLINK(…)" could act on whoever opens the
// export. A leading apostrophe makes it text. Apostrophes already in front of such a character
// get one more, so the import's stripping of exactly one gives back what was stored.

const FORMULA_START = /^'*[=+\-@\t\r]/
const ESCAPED_FORMULA = /^'+[=+\-@\t\r]/

export function defuse(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell
}

export function undefuse(cell: string): string {
  return ESCAPED_FORMULA.test(cell) ? cell.slice(1) : cell
}

// ---------------------------------------------------------------------------------------------
// Reading a file, and what is wrong with it

/** The problems an import found, row by row. */
export class Report {
  readonly problems: ImportProblem[] = []
  add(row: number | null, column: CsvColumn | null, message: string) {
    this.problems.push({ row, column, message })
  }
  get empty() {
    return this.problems.length === 0
  }
  result(): ImportResult {
    // Left to right within a row, as the spreadsheet shows it.
    const position = (c: CsvColumn | null) => (c === null ? -1 : CSV_COLUMNS.indexOf(c))
    const sorted = [...this.problems].sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || position(a.column) - position(b.column))
    return { ok: false, problems: sorted.slice(0, MAX_REPORTED_PROBLEMS), more: Math.max(0, sorted.length - MAX_REPORTED_PROBLEMS) }
  }
}

export const fileProblem = (message: string): ImportResult => ({ ok: false, problems: [{ row: null, column: null, message }], more: 0 })

interface ParsedFile {
  header: string[]
  /** data records with their spreadsheet row numbers, blank rows left out */
  records: { row: number; cells: string[] }[]
}

/** Bytes → header and records, or the one thing that makes the file unreadable. */
export function readCsv(bytes: Uint8Array): ParsedFile | ImportResult {
  if (bytes.byteLength === 0) return fileProblem('This file is empty. Export your listings to get a file with the right columns, then fill it in.')
  if (bytes.byteLength > MAX_IMPORT_BYTES) return fileProblem('This file is larger than 5 MB. Split it into several files and import them one after another.')
  let text: string
  try {
    // fatal: a Latin-1 or UTF-16 file would otherwise turn every accent into "�" silently. The
    // decoder also drops a leading byte order mark.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return fileProblem('This file is not UTF-8 text; save it as CSV UTF-8 (in Excel: Save As › “CSV UTF-8”; in LibreOffice: character set “Unicode (UTF-8)”).')
  }
  if (text.trim() === '') return fileProblem('This file is empty. Export your listings to get a file with the right columns, then fill it in.')
  // Spreadsheets set to a language that writes decimal commas save CSV with semicolons. Column
  // names hold neither character, so the first line tells which one this file uses.
  const firstLine = text.slice(0, text.search(/[\r\n]|$/))
  const delimiter = !firstLine.includes(',') && firstLine.includes(';') ? ';' : ','
  let parsed: { record: string[]; info: { records: number } }[]
  try {
    // With `info`, each record comes with where it ends; the sync typings do not model that.
    parsed = parse(text, { delimiter, info: true, relax_column_count: true, relax_quotes: true }) as unknown as typeof parsed
  } catch (error) {
    if (!(error instanceof CsvError)) throw error
    const at = error as CsvError & { lines?: number; records?: number }
    const row = (at.records ?? 0) + 1
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      return fileProblem(
        `A quoted cell in row ${row} is never closed: a double quote (") is missing, so everything from there to the end of the file (line ${at.lines}) reads as one cell. Nothing was imported.`,
      )
    }
    if (error.code === 'CSV_INVALID_CLOSING_QUOTE') {
      return fileProblem(
        `Row ${row} (line ${at.lines}): a quoted cell has text after its closing double quote. Inside a quoted cell, write a double quote twice ("").`,
      )
    }
    return fileProblem(`Line ${at.lines ?? '?'} cannot be read as CSV: ${error.message}`)
  }
  const [first, ...rest] = parsed
  const header = first!.record.map((name) => name.trim().toLowerCase())
  const records = rest.filter((r) => r.record.some((cell) => cell.trim() !== '')).map((r) => ({ row: r.info.records, cells: r.record }))
  return { header, records }
}

export interface Columns {
  /** where each known column sits in a record */
  index: Map<CsvColumn, number>
  /** positions with no name, which must stay empty */
  unnamed: number[]
}

export function readHeader(header: string[], report: Report): Columns {
  const index = new Map<CsvColumn, number>()
  const unnamed: number[] = []
  const unknown: string[] = []
  header.forEach((name, i) => {
    const column = name === '' ? undefined : columnNamed(name)
    if (name === '') unnamed.push(i)
    else if (!column) unknown.push(name)
    else if (index.has(column)) report.add(1, column, `The column “${name}” appears twice.`)
    else index.set(column, i)
  })
  const missing = CSV_COLUMNS.filter((c) => !index.has(c) && !OPTIONAL_COLUMNS.has(c))
  if (unknown.length) {
    const names = unknown.map((u) => `“${u}”`).join(', ')
    const codes = CSV_COLUMNS.join(', ')
    report.add(1, null, unknown.length > 1 ? `Unknown columns: ${names}. The columns are: ${codes}.` : `Unknown column: ${names}. The columns are: ${codes}.`)
  }
  if (missing.length) {
    const names = missing.join(', ')
    report.add(1, null, missing.length > 1 ? `Missing columns: ${names}.` : `Missing column: ${names}.`)
  }
  return { index, unnamed }
}
