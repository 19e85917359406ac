import { stringify } from 'csv-stringify/sync'
import type { Kysely } from 'kysely'
import type { DB, Db } from '../../../db/schema'
import { toDecimalString } from '../../lib/money'
import { requireMembership } from '../organisations/membership.server'
import { accessFeeSplitOf } from '../pricing/pricing'
import { refreshScores } from '../scoring/scores.server'
import { startStock, stockForKind } from '../stock/stock.server'
import { csvHeader, defuse, fileProblem, MAX_IMPORT_ROWS, readCsv, readHeader, Report, type ImportResult } from './csv-format.server'
import { percentText } from '../../lib/percent'
import { checkRow, loadContext, orderedKindChanges, type Planned } from './csv-rows.server'
import { insertListing, offerSlugAllocator, type Actor } from './listings.server'
import { clock } from '../../lib/clock'
import { fallbackLanguage, type Language } from '../../i18n/config'

// An organisation's listings as a spreadsheet: exported to edit in bulk, imported back all or
// nothing. A half-applied spreadsheet is worse than none (nobody can tell which rows took), so
// every row is checked before the first write, and the writes share one transaction.

/**
 * Every listing of the actor's organisation, archived ones too, as CSV text that imports back
 * unchanged: UTF-8 with a byte order mark (so spreadsheet programs read accents right), CRLF
 * line ends (RFC 4180), prices as decimals of their currency, shares as percentages. The header
 * row is in `language` (the import reads a header in any language); the cells keep their codes.
 * @throws AppError forbidden (not a member)
 */
export async function exportListingsCsv(db: Db, actor: Actor, language: Language = fallbackLanguage): Promise<string> {
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
      percentText(o.accessFeeProducerBp),
      percentText(o.accessFeeCommonsFundBp),
      percentText(o.accessFeeInfrastructureBp),
      o.commonsFund,
      o.status,
    ].map(defuse),
  )
  // csv-stringify quotes a cell holding the record delimiter, but with CRLF records a lone
  // "\n" (as in most descriptions) would go out bare and split the row: quote any line break.
  return stringify([csvHeader(language), ...rows], { bom: true, record_delimiter: 'windows', quoted_match: /[\r\n]/ })
}

// ---------------------------------------------------------------------------------------------
// Import

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
    return fileProblem(
      `This file has ${file.records.length.toLocaleString('en')} listings; import at most 10,000 rows per import. Split it into several files.`,
    )
  }

  const context = await loadContext(db, actor.organisationId)
  const seenSlugs = new Map<string, number>()
  const planned: Planned[] = []
  for (const { row, cells } of file.records) {
    const extra = cells.slice(file.header.length)
    if (cells.length < file.header.length || extra.some((c) => c.trim() !== '')) {
      // A stray double quote swallows line breaks and commas up to the next one: say so when a cell spans lines.
      const found = cells.length
      const expected = file.header.length
      report.add(
        row,
        null,
        cells.some((c) => /[\r\n]/.test(c))
          ? `This row has ${found} cells but the header has ${expected}. It runs over several lines of the file: check it for a double quote (") that is not closed.`
          : `This row has ${found} cells but the header has ${expected}. A cell that holds a comma needs double quotes around it.`,
      )
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
      const split = accessFeeSplitOf(p.listing.kind, p.listing)
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
          status: p.status,
          updatedAt: now,
        })
        .where('id', '=', p.offerId)
        .where('organisationId', '=', actor.organisationId)
        .execute()
      // A listed good's stock is never written here: the import read it before this transaction,
      // and buyers may have taken some since. Only a change of kind starts or ends the count.
      if (p.startsStock && p.stock !== null)
        await startStock(trx, { offerId: p.offerId, stock: p.stock, reason: 'imported', personId: actor.personId, set: true }, now)
      else if (p.kindChanged && p.listing.kind === 'commons') await stockForKind(trx, p.offerId, 'commons')
      updated++
      if (p.stockIgnored) stockIgnored++
    }
    await refreshScores(trx, { organisationIds: [actor.organisationId] }, now)
    return { ok: true, created, updated, stockIgnored }
  })
}

/** As the listing form: shares given in part count the missing ones as 0; none given, the kind's default. */
