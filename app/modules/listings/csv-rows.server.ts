import type { Db, OfferKind, OfferStatus } from '../../../db/schema'
import { parseMinorUnits, toDecimalString } from '../../lib/money'
import { basisPointsFrom } from '../../lib/percent'
import { undefuse, type Columns, type CsvColumn, type Report } from './csv-format.server'
import { listingProblems, type ListingInput } from './listings.server'

// Each row of an imported spreadsheet checked against the same rules as the listing form and
// against what it refers to (its listing, category, licence, commons fund), before anything is
// written. What a row would do comes out as a plan for csv.server.ts to write.

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

/** What the file's rows refer to, loaded once rather than per row. */
export async function loadContext(db: Db, organisationId: number) {
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
export type Context = Awaited<ReturnType<typeof loadContext>>

export type Planned =
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
export function checkRow(row: number, cells: string[], columns: Columns, context: Context, seenSlugs: Map<string, number>, report: Report): Planned | null {
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
  else if (fund && currencyCell && currencyCell !== fund.currency)
    problem('currency', `The ${fund.name} takes ${fund.currency}: write prices in ${fund.currency}.`)
  // The fund decides the currency; without one, the cell's code still lets the prices be checked.
  const currency = fund?.currency ?? (/^[A-Z]{3}$/.test(currencyCell) ? currencyCell : 'EUR')

  const example = toDecimalString(1250, currency)
  const priceMessages = {
    commoner_price: {
      missing: `Enter the commoner price, such as ${example} (0 when it is free).`,
      unreadable: `Write the commoner price as a plain amount in ${currency}, such as ${example}, without a currency sign.`,
    },
    for_profit_price: {
      missing: `Enter the for-profit price, such as ${example} (0 when it is free).`,
      unreadable: `Write the for-profit price as a plain amount in ${currency}, such as ${example}, without a currency sign.`,
    },
  }
  const price = (c: 'commoner_price' | 'for_profit_price') => {
    const text = cell(c)
    if (text === '') return problem(c, priceMessages[c].missing)
    const minor = parseMinorUnits(text, currency, { decimalComma: true })
    if (minor === null) problem(c, priceMessages[c].unreadable)
    return minor ?? undefined
  }
  const commonerPrice = price('commoner_price')
  const forProfitPrice = price('for_profit_price')

  const shareColumns = ['producer_share_pct', 'commons_fund_share_pct', 'infrastructure_share_pct'] as const
  const shares = shareColumns.map((c) => {
    const text = cell(c)
    if (text === '') return undefined
    const bp = basisPointsFrom(text)
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
    stock: listing.kind === 'good' ? (startsStock ? (listing.stock ?? 0) : existing.stock!) : null,
    startsStock,
    kindChanged: listing.kind !== existing.kind,
    stockIgnored: !startsStock && kind === 'good' && stockText !== '' && stockText !== String(existing.stock),
  }
}

/** Updated rows that would change the kind of a listing orders already refer to (orders snapshot it). */
export async function orderedKindChanges(db: Db, planned: Planned[], report: Report) {
  const changing = planned.filter((p): p is Extract<Planned, { action: 'update' }> => p.action === 'update' && p.kindChanged)
  for (let i = 0; i < changing.length; i += 500) {
    const batch = changing.slice(i, i + 500)
    const ordered = new Set(
      (
        await db
          .selectFrom('orderLines')
          .select('offerId')
          .distinct()
          .where(
            'offerId',
            'in',
            batch.map((p) => p.offerId),
          )
          .execute()
      ).map((l) => l.offerId),
    )
    for (const p of batch) {
      if (!ordered.has(p.offerId)) continue
      const was: OfferKind = p.listing.kind === 'good' ? 'commons' : 'good'
      report.add(
        p.row,
        'kind',
        was === 'good'
          ? 'This listing has been ordered, so it stays a good. List a new one instead.'
          : 'This listing has been ordered, so it stays a commons item. List a new one instead.',
      )
    }
  }
}
