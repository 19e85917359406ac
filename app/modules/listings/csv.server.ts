import { CsvError, parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import type { Kysely, Transaction } from 'kysely'
import type { DB, OfferKind, OfferStatus, Db } from '../../../db/schema'
import { parseMinorUnits, toDecimalString } from '../../lib/money'
import { requireMembership } from '../organisations/membership.server'
import { defaultAccessFeeSplit } from '../pricing/pricing'
import { refreshScores } from '../scoring/scores.server'
import { insertListing, listingProblems, offerSlugAllocator, type Actor, type ListingInput } from './listings.server'
import { clock } from '../../lib/clock'

// An organisation's listings as a spreadsheet: exported to edit in bulk, imported back all or
// nothing. A half-applied spreadsheet is worse than none (nobody can tell which rows took), so
// every row is checked before the first write, and the writes share one transaction.


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

function defuse(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell
}

function undefuse(cell: string): string {
  return ESCAPED_FORMULA.test(cell) ? cell.slice(1) : cell
}

/** Basis points as a percentage with at most two decimals: 4500 → "45", 1250 → "12.5". */
function percentOf(bp: number): string {
  const whole = Math.floor(bp / 100)
  const hundredths = bp % 100
  return hundredths === 0 ? String(whole) : `${whole}.${String(hundredths).padStart(2, '0').replace(/0$/, '')}`
}

/** "45", "12.5", "12,50 %" → basis points, without float arithmetic; null when it is not a percentage. */
function basisPointsOf(text: string): number | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?\s*%?$/.exec(text)
  if (!match) return null
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return bp <= 10_000 ? bp : null
}

/**
 * Every listing of the actor's organisation, archived ones too, as CSV text that imports back
 * unchanged: UTF-8 with a byte order mark (so spreadsheet programs read accents right), CRLF
 * line ends (RFC 4180), prices as decimals of their currency, shares as percentages.
 * @throws AppError forbidden (not a member)
 */
export async function exportListingsCsv(db: Db, actor: Actor): Promise<string> {
  await requireMembership(db, actor.personId, actor.organisationId)
  const offers = await db
    .selectFrom('offers as o')
    .innerJoin('categories as c', 'c.id', 'o.categoryId')
    .innerJoin('commonsFunds as f', 'f.id', 'o.commonsFundId')
    .select([
      'o.slug',
      'o.kind',
      'o.title',
      'o.description',
      'c.slug as category',
      'o.licenceCode',
      'o.unit',
      'o.delivery',
      'o.stock',
      'o.currency',
      'o.commonerPrice',
      'o.forProfitPrice',
      'o.accessFeeProducerBp',
      'o.accessFeeCommonsFundBp',
      'o.accessFeeInfrastructureBp',
      'f.slug as commonsFund',
      'o.status',
    ])
    .where('o.organisationId', '=', actor.organisationId)
    .orderBy('o.id')
    .execute()
  const rows = offers.map((o) =>
    [
      o.slug,
      o.kind,
      o.title,
      o.description,
      o.category,
      o.licenceCode ?? '',
      o.unit,
      o.delivery,
      o.stock === null ? '' : String(o.stock),
      o.currency,
      toDecimalString(o.commonerPrice, o.currency),
      toDecimalString(o.forProfitPrice, o.currency),
      percentOf(o.accessFeeProducerBp),
      percentOf(o.accessFeeCommonsFundBp),
      percentOf(o.accessFeeInfrastructureBp),
      o.commonsFund,
      o.status,
    ].map(defuse),
  )
  // csv-stringify quotes a cell holding the record delimiter, but with CRLF records a lone
  // "\n" (as in most descriptions) would go out bare and split the row: quote any line break.
  return stringify([[...CSV_COLUMNS], ...rows], { bom: true, record_delimiter: 'windows', quoted_match: /[\r\n]/ })
}

// ---------------------------------------------------------------------------------------------
// Import

class Report {
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

const fileProblem = (message: string): ImportResult => ({ ok: false, problems: [{ row: null, column: null, message }], more: 0 })

const csvFieldOf: Record<string, CsvColumn> = {
  kind: 'kind',
  title: 'title',
  description: 'description',
  category: 'category',
  licence: 'licence',
  unit: 'unit',
  delivery: 'delivery',
  stock: 'stock',
  commonerPrice: 'commoner_price',
  forProfitPrice: 'for_profit_price',
  producerBp: 'producer_share_pct',
  commonsFundBp: 'commons_fund_share_pct',
  infrastructureBp: 'infrastructure_share_pct',
  commonsFund: 'commons_fund',
}

interface ParsedFile {
  header: string[]
  /** data records with their spreadsheet row numbers, blank rows left out */
  records: { row: number; cells: string[] }[]
}

/** Bytes → header and records, or the one thing that makes the file unreadable. */
function readCsv(bytes: Uint8Array): ParsedFile | ImportResult {
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
      return fileProblem(`A quoted cell in row ${row} is never closed: a double quote (") is missing, so everything from there to the end of the file (line ${at.lines}) reads as one cell. Nothing was imported.`)
    }
    if (error.code === 'CSV_INVALID_CLOSING_QUOTE') {
      return fileProblem(`Row ${row} (line ${at.lines}): a quoted cell has text after its closing double quote. Inside a quoted cell, write a double quote twice ("").`)
    }
    return fileProblem(`Line ${at.lines ?? '?'} cannot be read as CSV: ${error.message}`)
  }
  const [first, ...rest] = parsed
  const header = first!.record.map((name) => name.trim().toLowerCase())
  const records = rest.filter((r) => r.record.some((cell) => cell.trim() !== '')).map((r) => ({ row: r.info.records, cells: r.record }))
  return { header, records }
}

interface Columns {
  /** where each known column sits in a record */
  index: Map<CsvColumn, number>
  /** positions with no name, which must stay empty */
  unnamed: number[]
}

function readHeader(header: string[], report: Report): Columns {
  const known = new Set<string>(CSV_COLUMNS)
  const index = new Map<CsvColumn, number>()
  const unnamed: number[] = []
  const unknown: string[] = []
  header.forEach((name, i) => {
    if (name === '') unnamed.push(i)
    else if (!known.has(name)) unknown.push(name)
    else if (index.has(name as CsvColumn)) report.add(1, name as CsvColumn, `The column “${name}” appears twice.`)
    else index.set(name as CsvColumn, i)
  })
  const missing = CSV_COLUMNS.filter((c) => !index.has(c) && !OPTIONAL_COLUMNS.has(c))
  if (unknown.length) report.add(1, null, `Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.map((u) => `“${u}”`).join(', ')}. The columns are: ${CSV_COLUMNS.join(', ')}.`)
  if (missing.length) report.add(1, null, `Missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`)
  return { index, unnamed }
}

/** What the file's rows refer to, loaded once rather than per row. */
async function loadContext(db: Db, organisationId: number) {
  const [offers, categories, licences, funds] = await Promise.all([
    db.selectFrom('offers').select(['id', 'slug', 'kind', 'stock', 'status']).where('organisationId', '=', organisationId).execute(),
    db.selectFrom('categories').select(['id', 'slug']).execute(),
    db.selectFrom('licences').select('code').execute(),
    db.selectFrom('commonsFunds').select(['id', 'slug', 'name', 'kind', 'currency']).execute(),
  ])
  return {
    offers: new Map(offers.map((o) => [o.slug, o])),
    categories: new Map(categories.map((c) => [c.slug.toLowerCase(), c])),
    licences: new Map(licences.map((l) => [l.code.toLowerCase(), l.code])),
    commonsFunds: new Map(funds.filter((f) => f.kind === 'commons').map((f) => [f.slug.toLowerCase(), f])),
    infrastructureCurrencies: new Set(funds.filter((f) => f.kind === 'infrastructure').map((f) => f.currency)),
  }
}
type Context = Awaited<ReturnType<typeof loadContext>>

type Planned =
  | { row: number; action: 'create'; listing: ListingInput; status: OfferStatus }
  | {
      row: number
      action: 'update'
      offerId: number
      listing: ListingInput
      status: OfferStatus
      refs: { categoryId: number; licenceCode: string | null; commonsFundId: number; currency: string }
      stock: number | null
      /** a commons item that becomes a good starts its stock history here */
      startsStock: boolean
      kindChanged: boolean
      stockIgnored: boolean
    }

/** One row checked against the same rules as the listing form; its problems go to `report`. */
function checkRow(row: number, cells: string[], columns: Columns, context: Context, seenSlugs: Map<string, number>, report: Report): Planned | null {
  const cell = (c: CsvColumn) => {
    const i = columns.index.get(c)
    return i === undefined ? '' : undefuse(cells[i] ?? '').trim()
  }
  const own = new Map<CsvColumn, string>()
  const problem = (c: CsvColumn, message: string) => {
    if (!own.has(c)) own.set(c, message)
  }

  const slug = cell('slug').toLowerCase()
  const existing = slug ? context.offers.get(slug) : undefined
  if (slug && !existing) problem('slug', `This organisation has no listing “${slug}”. Leave slug empty to create a new listing.`)
  if (slug && seenSlugs.has(slug)) problem('slug', `Row ${seenSlugs.get(slug)} already updates “${slug}”; a listing can appear once per file.`)
  if (slug) seenSlugs.set(slug, seenSlugs.get(slug) ?? row)

  const kind = cell('kind').toLowerCase()
  const fundCell = cell('commons_fund')
  const fund = context.commonsFunds.get(fundCell.toLowerCase())
  if (fundCell && !fund) problem('commons_fund', `There is no commons fund “${fundCell}”.`)
  else if (fund && !context.infrastructureCurrencies.has(fund.currency)) problem('commons_fund', `The marketplace takes no orders in ${fund.currency} yet.`)

  const currencyCell = cell('currency').toUpperCase()
  if (currencyCell && !/^[A-Z]{3}$/.test(currencyCell)) problem('currency', 'Write the currency as its three-letter code, such as EUR, or leave it empty.')
  else if (fund && currencyCell && currencyCell !== fund.currency) problem('currency', `The ${fund.name} takes ${fund.currency}: write prices in ${fund.currency}.`)
  // The fund decides the currency; without one, the cell's code still lets the prices be checked.
  const currency = fund?.currency ?? (/^[A-Z]{3}$/.test(currencyCell) ? currencyCell : 'EUR')

  const price = (c: 'commoner_price' | 'for_profit_price', label: string) => {
    const text = cell(c)
    if (text === '') return problem(c, `Enter the ${label}, such as ${toDecimalString(1250, currency)} (0 when it is free).`)
    const minor = parseMinorUnits(text, currency, { decimalComma: true })
    if (minor === null) problem(c, `Write the ${label} as a plain amount in ${currency}, such as ${toDecimalString(1250, currency)}, without a currency sign.`)
    return minor ?? undefined
  }
  const commonerPrice = price('commoner_price', 'commoner price')
  const forProfitPrice = price('for_profit_price', 'for-profit price')

  const shareColumns = ['producer_share_pct', 'commons_fund_share_pct', 'infrastructure_share_pct'] as const
  const shares = shareColumns.map((c) => {
    const text = cell(c)
    if (text === '') return undefined
    const bp = basisPointsOf(text)
    if (bp === null) problem(c, 'Write a share as a percentage from 0 to 100 with at most two decimals, such as 45 or 12.5.')
    return bp ?? undefined
  })

  // An import never changes a listed good's stock: between the export and the import, buyers
  // may have taken some, and setting the old figure back would sell units that are gone.
  // Stock changes go through the listing's stock adjustments, which keep their reason.
  const stockText = cell('stock')
  const startsStock = kind === 'good' && (!existing || existing.stock === null)
  const stock = startsStock ? (stockText === '' ? undefined : stockText) : existing && kind === 'good' ? existing.stock! : undefined

  const statusText = cell('status').toLowerCase()
  if (statusText && statusText !== 'active' && statusText !== 'archived') problem('status', 'Write active or archived (or leave it empty).')
  const status: OfferStatus = statusText === 'active' || statusText === 'archived' ? statusText : (existing?.status ?? 'active')

  const checked = listingProblems({
    kind,
    title: cell('title'),
    description: cell('description'),
    category: cell('category').toLowerCase(),
    licence: cell('licence'),
    unit: cell('unit'),
    delivery: cell('delivery').toLowerCase(),
    stock,
    commonerPrice,
    forProfitPrice,
    producerBp: shares[0],
    commonsFundBp: shares[1],
    infrastructureBp: shares[2],
    commonsFund: fundCell,
  })
  if (!checked.ok) {
    for (const [field, message] of Object.entries(checked.error.details ?? {})) {
      const column = csvFieldOf[field]
      if (column) problem(column, message)
      else report.add(row, null, message)
    }
  }

  const category = context.categories.get(cell('category').toLowerCase())
  if (cell('category') && !category) problem('category', `There is no category “${cell('category')}”.`)
  const licenceCode = cell('licence') ? context.licences.get(cell('licence').toLowerCase()) : null
  if (licenceCode === undefined) problem('licence', `There is no licence “${cell('licence')}”.`)

  for (const i of columns.unnamed) {
    if ((cells[i] ?? '').trim() !== '') report.add(row, null, `Cell ${i + 1} holds “${cells[i]!.trim().slice(0, 40)}” under a column without a name.`)
  }
  for (const [c, message] of own) report.add(row, c, message)
  if (own.size || !checked.ok || !category || licenceCode === undefined || !fund) return null

  const listing: ListingInput = { ...checked.listing, category: category.slug, licence: licenceCode, commonsFund: fund.slug }
  if (!existing) return { row, action: 'create', listing, status }
  return {
    row,
    action: 'update',
    offerId: existing.id,
    listing,
    status,
    refs: { categoryId: category.id, licenceCode, commonsFundId: fund.id, currency: fund.currency },
    stock: listing.kind === 'good' ? (startsStock ? listing.stock ?? 0 : existing.stock!) : null,
    startsStock,
    kindChanged: listing.kind !== existing.kind,
    stockIgnored: !startsStock && kind === 'good' && stockText !== '' && stockText !== String(existing.stock),
  }
}

/** Updated rows that would change the kind of a listing orders already refer to (orders snapshot it). */
async function orderedKindChanges(db: Db, planned: Planned[], report: Report) {
  const changing = planned.filter((p): p is Extract<Planned, { action: 'update' }> => p.action === 'update' && p.kindChanged)
  for (let i = 0; i < changing.length; i += 500) {
    const batch = changing.slice(i, i + 500)
    const ordered = new Set(
      (await db.selectFrom('orderLines').select('offerId').distinct().where('offerId', 'in', batch.map((p) => p.offerId)).execute()).map((l) => l.offerId),
    )
    for (const p of batch) {
      if (!ordered.has(p.offerId)) continue
      const was: OfferKind = p.listing.kind === 'good' ? 'commons' : 'good'
      report.add(p.row, 'kind', `This listing has been ordered, so it stays a ${was === 'good' ? 'good' : 'commons item'}. List a new one instead.`)
    }
  }
}

/**
 * Imports a CSV of listings for the actor's organisation, all or nothing. Every row is checked
 * first (the listing rules, the references, the slugs); when any is wrong nothing is written and
 * the result lists the problems row by row. Otherwise new rows (no slug) are listed, rows whose
 * slug names one of the organisation's listings update it (text, prices, shares, status; never
 * the stock of a good), all in one transaction, and the organisation is rescored once.
 * @throws AppError forbidden (not a member)
 */
export async function importListingsCsv(db: Kysely<DB>, actor: Actor, bytes: Uint8Array, now = clock.now()): Promise<ImportResult> {
  await requireMembership(db, actor.personId, actor.organisationId)
  const file = readCsv(bytes)
  if ('ok' in file) return file
  const report = new Report()
  const columns = readHeader(file.header, report)
  if (!report.empty) return report.result()
  if (file.records.length === 0) return fileProblem('This file has the column names but no listings below them.')
  if (file.records.length > MAX_IMPORT_ROWS) {
    return fileProblem(`This file has ${file.records.length.toLocaleString('en')} listings; import at most 10,000 rows per import. Split it into several files.`)
  }

  const context = await loadContext(db, actor.organisationId)
  const seenSlugs = new Map<string, number>()
  const planned: Planned[] = []
  for (const { row, cells } of file.records) {
    const extra = cells.slice(file.header.length)
    if (cells.length < file.header.length || extra.some((c) => c.trim() !== '')) {
      // A stray double quote swallows line breaks and commas up to the next one: say so when a cell spans lines.
      const hint = cells.some((c) => /[\r\n]/.test(c)) ? ' It runs over several lines of the file: check it for a double quote (") that is not closed.' : ' A cell that holds a comma needs double quotes around it.'
      report.add(row, null, `This row has ${cells.length} cells but the header has ${file.header.length}.${hint}`)
      continue
    }
    const plan = checkRow(row, cells, columns, context, seenSlugs, report)
    if (plan) planned.push(plan)
  }
  await orderedKindChanges(db, planned, report)
  if (!report.empty) return report.result()

  return db.transaction().execute(async (trx): Promise<ImportResult> => {
    // Checked again where it counts: an order may have come in while the rows were checked.
    await requireMembership(trx, actor.personId, actor.organisationId)
    await orderedKindChanges(trx, planned, report)
    if (!report.empty) return report.result()
    let created = 0
    let updated = 0
    let stockIgnored = 0
    const allocateSlug = offerSlugAllocator(trx)
    for (const p of planned) {
      if (p.action === 'create') {
        const offer = await insertListing(trx, actor, p.listing, 'imported', now, allocateSlug)
        if (p.status !== 'active') await trx.updateTable('offers').set({ status: p.status }).where('id', '=', offer.id).execute()
        created++
        continue
      }
      const split = { ...defaultAccessFeeSplit(p.listing.kind), ...definedSplit(p.listing) }
      await trx
        .updateTable('offers')
        .set({
          kind: p.listing.kind,
          title: p.listing.title,
          description: p.listing.description,
          unit: p.listing.unit,
          delivery: p.listing.delivery,
          commonerPrice: p.listing.commonerPrice,
          forProfitPrice: p.listing.forProfitPrice,
          accessFeeProducerBp: split.producerBp,
          accessFeeCommonsFundBp: split.commonsFundBp,
          accessFeeInfrastructureBp: split.infrastructureBp,
          ...p.refs,
          stock: p.stock,
          status: p.status,
          updatedAt: now,
        })
        .where('id', '=', p.offerId)
        .where('organisationId', '=', actor.organisationId)
        .execute()
      if (p.startsStock && p.stock !== null) {
        await trx.insertInto('stockAdjustments').values({ offerId: p.offerId, delta: p.stock, stockAfter: p.stock, reason: 'imported', personId: actor.personId, createdAt: now }).execute()
      }
      updated++
      if (p.stockIgnored) stockIgnored++
    }
    await refreshScores(trx, { organisationIds: [actor.organisationId] }, now)
    return { ok: true, created, updated, stockIgnored }
  })
}

/** As the listing form: shares given in part count the missing ones as 0; none given, the kind's default. */
function definedSplit(v: { producerBp?: number; commonsFundBp?: number; infrastructureBp?: number }) {
  if (v.producerBp === undefined && v.commonsFundBp === undefined && v.infrastructureBp === undefined) return {}
  return { producerBp: v.producerBp ?? 0, commonsFundBp: v.commonsFundBp ?? 0, infrastructureBp: v.infrastructureBp ?? 0 }
}
