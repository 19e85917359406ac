import { stringify } from 'csv-stringify/sync'
import { beforeEach, describe, expect, it } from 'vitest'
import { supportedLanguages } from '../../app/i18n/config'
import { columnNamed, CSV_COLUMNS, csvHeader } from '../../app/modules/listings/csv-format.server'
import { exportListingsCsv, importListingsCsv } from '../../app/modules/listings/csv.server'
import * as exportRoute from '../../app/routes/organisations.$slug_.listings[.]csv'
import { useAccountsTestEnv } from '../support/accounts'
import { sessionCookieFor } from '../support/auth'
import { useAsAppDb } from '../support/db'
import { smallMarket, type SmallMarket } from '../support/market'

// The export's header row is in the reader's language, and an import reads a header in any of
// the marketplace's languages: an Italian co-op exports, edits in its spreadsheet and imports
// the file back without renaming a column. The cells keep their codes in every language.

useAccountsTestEnv()
let m: SmallMarket
const now = '2026-11-24T10:00:00.000Z'
const actor = () => ({ personId: m.weaver.id, organisationId: m.weavers.id })
const bytes = (text: string) => new TextEncoder().encode(text)
const headerOf = (csv: string) =>
  csv
    .replace(/^\uFEFF/, '')
    .split('\r\n')[0]!
    .split(',')

beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
})

async function offers() {
  return m.db.selectFrom('offers').selectAll().where('organisationId', '=', m.weavers.id).orderBy('id').execute()
}

describe('CSV headers in five languages', () => {
  it('English keeps the column codes', () => {
    expect(csvHeader('en')).toEqual([...CSV_COLUMNS])
  })

  it('every language names every column, and no name means two different columns', () => {
    const seen = new Map<string, string>()
    for (const language of supportedLanguages) {
      const header = csvHeader(language)
      expect(new Set(header).size).toBe(CSV_COLUMNS.length)
      header.forEach((name, i) => {
        const column = CSV_COLUMNS[i]!
        // A delimiter in a name would break the detection of semicolon files.
        expect(name).not.toMatch(/[,;"\r\n]/)
        expect(seen.get(name) ?? column).toBe(column)
        seen.set(name, column)
        expect(columnNamed(name)).toBe(column)
      })
    }
  })

  it('reads a header however a spreadsheet wrote it: any case, spaces for underscores, stray spaces', () => {
    expect(columnNamed(' Prezzo Scopo di Lucro ')).toBe('for_profit_price')
    expect(columnNamed('CATÉGORIE')).toBe('category')
    expect(columnNamed('Währung')).toBe('currency')
    expect(columnNamed('Commoner Price')).toBe('commoner_price')
    expect(columnNamed('colour')).toBeUndefined()
  })

  it.each(supportedLanguages)('an export in %s imports back unchanged', async (language) => {
    await m.db.updateTable('offers').set({ status: 'archived' }).where('id', '=', m.blanket.id).execute()
    const before = await offers()
    const csv = await exportListingsCsv(m.db, actor(), language)
    expect(headerOf(csv)).toEqual(csvHeader(language))

    const result = await importListingsCsv(m.db, actor(), bytes(csv), now)

    expect(result).toEqual({ ok: true, created: 0, updated: before.length, stockIgnored: 0 })
    const after = await offers()
    expect(after.map(({ updatedAt: _, ...o }) => o)).toEqual(before.map(({ updatedAt: _, ...o }) => o))
  })

  it('an Italian export, edited and imported back, updates and creates listings', async () => {
    const csv = await exportListingsCsv(m.db, actor(), 'it')
    const [header, ...rows] = csv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n')
    expect(header).toBe(
      'slug,tipo,titolo,descrizione,categoria,licenza,unità,consegna,scorte,valuta,prezzo_commoner,prezzo_scopo_di_lucro,quota_produttore_pct,quota_fondo_beni_comuni_pct,quota_infrastruttura_pct,fondo_beni_comuni,stato',
    )
    const italian = header!.split(',')
    const cell = (name: string) => italian.indexOf(name)
    const towel = rows.find((r) => r.startsWith('towel,'))!.split(',')
    towel[cell('titolo')] = 'Strofinaccio di lino'
    const added = italian.map(() => '')
    Object.assign(added, {
      [cell('tipo')]: 'good',
      [cell('titolo')]: 'Corda di canapa',
      [cell('categoria')]: 'designs',
      [cell('unità')]: 'rotolo',
      [cell('consegna')]: 'shipping',
      [cell('scorte')]: '4',
      [cell('prezzo_commoner')]: '12,50',
      [cell('prezzo_scopo_di_lucro')]: '18',
      [cell('fondo_beni_comuni')]: 'open-design-fund',
    })
    // As an Italian spreadsheet saves it: semicolons, since the decimal comma is taken.
    const edited = stringify([italian, towel, added], { delimiter: ';' })

    const result = await importListingsCsv(m.db, actor(), bytes(edited), now)

    expect(result).toMatchObject({ ok: true, created: 1, updated: 1 })
    const after = await offers()
    expect(after.find((o) => o.slug === 'towel')!.title).toBe('Strofinaccio di lino')
    expect(after.find((o) => o.title === 'Corda di canapa')).toMatchObject({ commonerPrice: 1250, forProfitPrice: 1800, stock: 4 })
  })

  it('a column named twice in two languages is refused', async () => {
    const csv = stringify([[...CSV_COLUMNS, 'titolo'], CSV_COLUMNS.map(() => '')])
    const result = await importListingsCsv(m.db, actor(), bytes(csv), now)
    expect(result).toMatchObject({ ok: false, problems: [{ row: 1, column: 'title', message: 'The column “titolo” appears twice.' }] })
  })

  it('the export route writes the header in the reader’s language', async () => {
    const cookie = await sessionCookieFor(m.weaver.id)
    const request = new Request('http://localhost/organisations/weavers/listings.csv?lng=de', { headers: { Cookie: cookie } })
    const response = (await exportRoute.loader({ request, params: { slug: 'weavers' }, context: {} })) as Response
    expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; filename="weavers-angebote-\d{4}-\d{2}-\d{2}\.csv"$/)
    expect(headerOf(await response.text())).toEqual(csvHeader('de'))
  })
})
