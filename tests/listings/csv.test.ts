import { stringify } from 'csv-stringify/sync'
import { sql } from 'kysely'
import { beforeEach, describe, expect, it } from 'vitest'
import { CSV_COLUMNS, type CsvColumn, type ImportResult } from '../../app/modules/listings/csv-format.server'
import { exportListingsCsv, importListingsCsv } from '../../app/modules/listings/csv.server'
import { createListing } from '../../app/modules/listings/listings.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import * as exportRoute from '../../app/routes/organisations.$slug_.listings[.]csv'
import * as importRoute from '../../app/routes/organisations.$slug_.listings.import'
import { useAccountsTestEnv } from '../support/accounts'
import { sessionCookieFor, statusOf } from '../support/auth'
import { useAsAppDb } from '../support/db'
import { asPerson, newKey, smallMarket, type SmallMarket } from '../support/market'

useAccountsTestEnv()
let m: SmallMarket
const now = '2026-11-24T10:00:00.000Z'
const actor = () => ({ personId: m.weaver.id, organisationId: m.weavers.id })

beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
})

type Row = Partial<Record<CsvColumn, string>>
const good: Row = {
  kind: 'good',
  title: 'Hemp rope, 10 m',
  description: 'Braided by hand.',
  category: 'designs',
  unit: 'coil',
  delivery: 'shipping',
  stock: '12',
  currency: 'EUR',
  commoner_price: '12.50',
  for_profit_price: '18',
  commons_fund: 'open-design-fund',
}
const commons: Row = {
  kind: 'commons',
  title: 'Loom plans',
  category: 'designs',
  licence: 'CC-BY-SA-4.0',
  unit: 'download',
  delivery: 'download',
  commoner_price: '0',
  for_profit_price: '25.00',
  commons_fund: 'open-design-fund',
}

/** A CSV with every column, as a spreadsheet saves it. */
function csvOf(rows: Row[], columns: readonly string[] = CSV_COLUMNS): string {
  return stringify([columns, ...rows.map((r) => columns.map((c) => r[c as CsvColumn] ?? ''))])
}
const bytes = (text: string) => new TextEncoder().encode(text)
const importText = (text: string) => importListingsCsv(m.db, actor(), bytes(text), now)

async function offers() {
  return m.db.selectFrom('offers').selectAll().where('organisationId', '=', m.weavers.id).orderBy('id').execute()
}
const offerCount = async () =>
  Number(
    (
      await m.db
        .selectFrom('offers')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

function refused(result: ImportResult) {
  if (result.ok) throw new Error(`expected the import to be refused, got ${JSON.stringify(result)}`)
  return result
}

describe('exporting listings', () => {
  it('writes every listing, archived too, with decimal prices, percentage shares and codes', async () => {
    await m.db.updateTable('offers').set({ status: 'archived' }).where('id', '=', m.blanket.id).execute()
    const csv = await exportListingsCsv(m.db, actor())
    expect(csv.startsWith('\uFEFF')).toBe(true)
    const lines = csv.slice(1).split('\r\n')
    expect(lines[0]).toBe(CSV_COLUMNS.join(','))
    expect(lines[1]).toBe('towel,good,Linen tea towel,,designs,,piece,shipping,5,EUR,12.00,18.00,45,45,10,open-design-fund,active')
    expect(lines[2]).toBe('blanket,good,Wool blanket,,designs,,piece,shipping,2,EUR,90.00,120.00,45,45,10,open-design-fund,archived')
    expect(lines).toHaveLength(4) // and a final line break
    // only this organisation's listings
    expect(csv).not.toContain('beehive')
  })

  it('writes shares with up to two decimals', async () => {
    await m.db
      .updateTable('offers')
      .set({ accessFeeProducerBp: 4055, accessFeeCommonsFundBp: 4695, accessFeeInfrastructureBp: 1250 })
      .where('id', '=', m.towel.id)
      .execute()
    expect(await exportListingsCsv(m.db, actor())).toContain(',40.55,46.95,12.5,')
  })

  it('defuses cells a spreadsheet would run as formulas, and the import gives them back unchanged', async () => {
    const risky = await createListing(
      m.db,
      actor(),
      {
        ...good,
        title: '=HYPERLINK("http://evil.example","Rope")',
        description: '+1 555 0100 @ the market',
        unit: '-',
        stock: '3',
        commonerPrice: '900',
        forProfitPrice: '1300',
        commonsFund: 'open-design-fund',
      },
      now,
    )
    const quoted = await createListing(
      m.db,
      actor(),
      { ...good, title: "'=already quoted", unit: '@home', stock: '1', commonerPrice: '900', forProfitPrice: '1300', commonsFund: 'open-design-fund' },
      now,
    )
    const csv = await exportListingsCsv(m.db, actor())
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""Rope"")"`)
    expect(csv).toContain(`'+1 555 0100 @ the market`)
    expect(csv).toContain(`,'-,`)
    expect(csv).toContain(`''=already quoted`)
    expect(csv).toContain(`,'@home,`)
    const before = await offers()
    expect(await importText(csv)).toMatchObject({ ok: true, created: 0, updated: 4 })
    const after = await offers()
    expect(after.find((o) => o.id === risky.id)).toMatchObject({
      title: '=HYPERLINK("http://evil.example","Rope")',
      description: '+1 555 0100 @ the market',
      unit: '-',
    })
    expect(after.find((o) => o.id === quoted.id)).toMatchObject({ title: "'=already quoted", unit: '@home' })
    expect(after.map(({ updatedAt: _, ...o }) => o)).toEqual(before.map(({ updatedAt: _, ...o }) => o))
  })

  it('strips the apostrophe a spreadsheet user puts before a formula character', async () => {
    expect(await importText(csvOf([{ ...good, title: "'=SUM(A1:A3) rope", description: "'-- hand made --" }]))).toMatchObject({ ok: true, created: 1 })
    expect((await offers()).at(-1)).toMatchObject({ title: '=SUM(A1:A3) rope', description: '-- hand made --' })
  })
})

describe('importing listings', () => {
  it('round trip: an export imports back as updates that change nothing', async () => {
    await createListing(
      m.db,
      actor(),
      {
        ...good,
        title: 'Tovaglia di lino “Aurora”, 150 × 200',
        description: 'Line one, with a comma.\nLine "two".\r\nLine three: àèìòù ß €',
        stock: '7',
        commonerPrice: '4990',
        forProfitPrice: '6990',
        producerBp: '4050',
        commonsFundBp: '4700',
        infrastructureBp: '1250',
        commonsFund: 'open-design-fund',
      },
      now,
    )
    await createListing(m.db, actor(), { ...commons, commonerPrice: '0', forProfitPrice: '2500', commonsFund: 'open-design-fund' }, now)
    await m.db.updateTable('offers').set({ status: 'archived' }).where('id', '=', m.blanket.id).execute()
    const before = await offers()
    const adjustmentsBefore = await m.db.selectFrom('stockAdjustments').selectAll().execute()

    const result = await importText(await exportListingsCsv(m.db, actor()))

    expect(result).toEqual({ ok: true, created: 0, updated: 4, stockIgnored: 0 })
    expect(await offerCount()).toBe(5)
    const after = await offers()
    expect(after.map(({ updatedAt: _, ...o }) => o)).toEqual(before.map(({ updatedAt: _, ...o }) => o))
    expect(after.every((o) => o.updatedAt === now)).toBe(true)
    expect(await m.db.selectFrom('stockAdjustments').selectAll().execute()).toEqual(adjustmentsBefore)
  })

  it('creates listings with minor-unit prices, stock history and scores, in one go', async () => {
    const csv = csvOf([
      good,
      { ...commons, producer_share_pct: '0', commons_fund_share_pct: '87.5', infrastructure_share_pct: '12.5 %', status: 'archived' },
      { ...good, title: 'Linen apron', commoner_price: '1,234.5', for_profit_price: '2000', stock: '0', currency: '' },
    ])
    expect(await importText(csv)).toEqual({ ok: true, created: 3, updated: 0, stockIgnored: 0 })
    const [rope, plans, apron] = (await offers()).slice(2)
    expect(rope).toMatchObject({
      slug: 'hemp-rope-10-m',
      kind: 'good',
      commonerPrice: 1250,
      forProfitPrice: 1800,
      stock: 12,
      currency: 'EUR',
      status: 'active',
      accessFeeProducerBp: 4500,
      accessFeeCommonsFundBp: 4500,
      accessFeeInfrastructureBp: 1000,
    })
    expect(plans).toMatchObject({
      kind: 'commons',
      commonerPrice: 0,
      forProfitPrice: 2500,
      stock: null,
      licenceCode: 'CC-BY-SA-4.0',
      status: 'archived',
      accessFeeProducerBp: 0,
      accessFeeCommonsFundBp: 8750,
      accessFeeInfrastructureBp: 1250,
    })
    expect(apron).toMatchObject({ commonerPrice: 123450, forProfitPrice: 200000, stock: 0 })
    const history = await m.db.selectFrom('stockAdjustments').select(['offerId', 'delta', 'reason', 'personId']).execute()
    expect(history).toEqual([
      { offerId: rope!.id, delta: 12, reason: 'imported', personId: m.weaver.id },
      { offerId: apron!.id, delta: 0, reason: 'imported', personId: m.weaver.id },
    ])
    const scores = await m.db.selectFrom('offerScores').select(['offerId', 'score']).where('offerId', 'in', [rope!.id, plans!.id, apron!.id]).execute()
    expect(scores).toHaveLength(3)
    expect(scores.every((s) => Number.isFinite(s.score))).toBe(true)
  })

  it('updates a listing named by its slug, but never its stock', async () => {
    const csv = csvOf([
      { ...good, slug: 'towel', title: 'Linen tea towel, washed', commoner_price: '13', for_profit_price: '19.90', stock: '500', status: 'archived' },
      good,
    ])
    expect(await importText(csv)).toEqual({ ok: true, created: 1, updated: 1, stockIgnored: 1 })
    const towel = await m.db.selectFrom('offers').selectAll().where('id', '=', m.towel.id).executeTakeFirstOrThrow()
    expect(towel).toMatchObject({
      title: 'Linen tea towel, washed',
      commonerPrice: 1300,
      forProfitPrice: 1990,
      stock: 5,
      status: 'archived',
      unit: 'coil',
      updatedAt: now,
    })
  })

  it('all or nothing: one bad row among good ones writes nothing and the report names its row and column', async () => {
    const before = await offers()
    const csv = csvOf([
      good,
      { ...good, slug: 'towel', title: 'Renamed towel' },
      { ...good, title: 'Cheap for firms', commoner_price: '20', for_profit_price: '10' },
      commons,
    ])
    const report = refused(await importText(csv))
    expect(report).toEqual({
      ok: false,
      problems: [{ row: 4, column: 'for_profit_price', message: 'The for-profit price can never be below the commoner price.' }],
      more: 0,
    })
    expect(await offers()).toEqual(before)
    expect(await m.db.selectFrom('stockAdjustments').selectAll().execute()).toEqual([])
  })

  it('reports every problem of every row, by the row number a spreadsheet shows', async () => {
    const csv = csvOf([
      { ...good, description: 'Two\nlines' }, // row 2, over two lines of the file
      { ...good, kind: 'gift', title: 'ab', commoner_price: '12.505', for_profit_price: '€18' }, // row 3
      { ...commons, licence: '', commoner_price: '1', delivery: 'shipping' }, // row 4
      { ...good, slug: 'beehive' }, // row 5: another organisation's listing
      { ...good, slug: 'towel' }, // row 6
      { ...good, slug: 'TOWEL' }, // row 7: the same listing again
      { ...good, category: 'nope', commons_fund: 'nope', currency: 'USD', status: 'sold' }, // row 8
      { ...good, producer_share_pct: '80', commons_fund_share_pct: '10', infrastructure_share_pct: '10' }, // row 9
      { ...good, producer_share_pct: '101' }, // row 10
      { ...good, stock: '' }, // row 11
      { ...commons, licence: 'WTFPL' }, // row 12
      { ...good, stock: '1.5' }, // row 13
    ])
    const report = refused(await importText(csv))
    const where = report.problems.map((p) => [p.row, p.column])
    expect(where).toEqual([
      [3, 'kind'],
      [3, 'title'],
      [3, 'commoner_price'],
      [3, 'for_profit_price'],
      [4, 'licence'],
      [4, 'delivery'],
      [4, 'commoner_price'],
      [5, 'slug'],
      [7, 'slug'],
      [8, 'category'],
      [8, 'commons_fund'],
      [8, 'status'],
      [9, 'commons_fund_share_pct'],
      [10, 'producer_share_pct'],
      [11, 'stock'],
      [12, 'licence'],
      [13, 'stock'],
    ])
    const message = (row: number, column: string) => report.problems.find((p) => p.row === row && p.column === column)?.message
    expect(message(3, 'commoner_price')).toBe('Write the commoner price as a plain amount in EUR, such as 12.50, without a currency sign.')
    expect(message(5, 'slug')).toMatch(/no listing “beehive”/)
    expect(message(7, 'slug')).toBe('Row 6 already updates “towel”; a listing can appear once per file.')
    expect(message(8, 'commons_fund')).toBe('There is no commons fund “nope”.')
    expect(message(9, 'commons_fund_share_pct')).toMatch(/At least 25%/)
    expect(message(11, 'stock')).toMatch(/how many you have in stock/)
    expect(message(13, 'stock')).toBe('Stock must be a whole number.')
    expect(await offerCount()).toBe(3)
  })

  it('keeps the kind of a listing that has been ordered', async () => {
    await placeOrder(
      m.db,
      { buyer: asPerson(m.commoner.id), lines: [{ offerId: m.towel.id, quantity: 1 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
      now,
    )
    const report = refused(
      await importText(
        csvOf([
          { ...commons, slug: 'towel' },
          { ...commons, slug: 'blanket' },
        ]),
      ),
    )
    expect(report.problems).toEqual([{ row: 2, column: 'kind', message: 'This listing has been ordered, so it stays a good. List a new one instead.' }])
  })

  it('caps the report at 200 problems and says how many more there are', async () => {
    const report = refused(await importText(csvOf(Array.from({ length: 250 }, () => ({ ...good, kind: 'gift' })))))
    expect(report.problems).toHaveLength(200)
    expect(report.more).toBe(50)
    expect(report.problems[199]).toMatchObject({ row: 201, column: 'kind' })
  })

  it('reads semicolon-separated files and skips blank rows', async () => {
    const csv = stringify(
      [
        CSV_COLUMNS,
        CSV_COLUMNS.map((c) => good[c] ?? ''),
        [],
        CSV_COLUMNS.map(() => ''),
        CSV_COLUMNS.map((c) => ({ ...good, title: 'Sisal rope', commoner_price: '12,50' })[c] ?? ''),
      ],
      { delimiter: ';' },
    )
    expect(await importText(csv)).toMatchObject({ ok: true, created: 2 })
    expect((await offers()).at(-1)).toMatchObject({ title: 'Sisal rope', commonerPrice: 1250 })
  })
})

describe('files that cannot be imported write nothing and say why', () => {
  const fileProblem = async (input: string | Uint8Array) => {
    const report = refused(await importListingsCsv(m.db, actor(), typeof input === 'string' ? bytes(input) : input, now))
    expect(await offerCount()).toBe(3)
    return report.problems.map((p) => p.message).join('\n')
  }

  it('names unknown and missing columns', async () => {
    const columns = [...CSV_COLUMNS.filter((c) => c !== 'title' && c !== 'unit'), 'tittle', 'Colour']
    const message = await fileProblem(csvOf([{ ...good }], columns))
    expect(message).toContain('Unknown columns: “tittle”, “colour”.')
    expect(message).toContain('Missing columns: title, unit.')
  })

  it('accepts a file without the slug column, and column names in any case and order', async () => {
    const columns = [...CSV_COLUMNS].filter((c) => c !== 'slug').reverse()
    const text = csvOf([good], columns).replace('title', 'Title')
    expect(await importText(text)).toMatchObject({ ok: true, created: 1 })
  })

  it('a column named twice', async () => {
    expect(await fileProblem(csvOf([good], [...CSV_COLUMNS, 'title']))).toBe('The column “title” appears twice.')
  })

  it('bytes that are not UTF-8 (Latin-1)', async () => {
    const latin1 = Uint8Array.from([...bytes(csvOf([{ ...good, title: 'Caf' }]).replace('Caf', 'Caf\u0000'))].map((b) => (b === 0 ? 0xe9 : b)))
    expect(await fileProblem(latin1)).toMatch(/^This file is not UTF-8 text; save it as CSV UTF-8/)
  })

  it('a UTF-8 byte order mark is fine', async () => {
    expect(await importText('\uFEFF' + csvOf([{ ...good, title: 'Café rope' }]))).toMatchObject({ ok: true, created: 1 })
    expect((await offers()).at(-1)!.title).toBe('Café rope')
  })

  it('an unclosed quote, with the row and line it runs to', async () => {
    const plain = { ...good, title: 'Hemp rope' }
    const text = csvOf([plain, plain, { ...plain, description: 'OPEN' }]).replace('OPEN', '"Braided by hand.')
    expect(await fileProblem(text)).toBe(
      'A quoted cell in row 4 is never closed: a double quote (") is missing, so everything from there to the end of the file (line 4) reads as one cell. Nothing was imported.',
    )
    // Closed by a quote further down, it swallows rows instead; the report says where to look.
    const swallowed = csvOf([plain, { ...plain, description: 'OPEN' }, good]).replace('OPEN', '"Braided by hand.')
    expect(await fileProblem(swallowed)).toMatch(
      /^This row has \d+ cells but the header has 17. It runs over several lines of the file: check it for a double quote/,
    )
  })

  it('a row with the wrong number of cells', async () => {
    const text = csvOf([good, good]) + 'towel,good,Linen tea towel\n'
    const report = refused(await importText(text))
    expect(report.problems).toEqual([
      { row: 4, column: null, message: 'This row has 3 cells but the header has 17. A cell that holds a comma needs double quotes around it.' },
    ])
  })

  it('an empty file, and a header without rows', async () => {
    expect(await fileProblem('')).toMatch(/^This file is empty/)
    expect(await fileProblem('\uFEFF\r\n')).toMatch(/^This file is empty/)
    expect(await fileProblem(csvOf([]))).toBe('This file has the column names but no listings below them.')
  })

  it('accepts 10,000 rows and refuses 10,001', async () => {
    const rows = Array.from({ length: 10_001 }, (_, i) => ({ ...good, title: `Rope no. ${i + 1}`, stock: String(i % 50) }))
    expect(await fileProblem(csvOf(rows))).toBe('This file has 10,001 listings; import at most 10,000 rows per import. Split it into several files.')

    const started = performance.now()
    const result = await importText(csvOf(rows.slice(0, 10_000)))
    const seconds = (performance.now() - started) / 1000
    console.info(`imported 10,000 rows in ${seconds.toFixed(2)} s`)
    expect(result).toEqual({ ok: true, created: 10_000, updated: 0, stockIgnored: 0 })
    expect(
      await m.db
        .selectFrom('offerScores as s')
        .innerJoin('offers as o', 'o.id', 's.offerId')
        .select(sql<number>`count(*)`.as('n'))
        .where('o.organisationId', '=', m.weavers.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ n: 10_002 })
  }, 120_000)
})

describe('the routes', () => {
  const url = '/organisations/weavers/listings'
  const params = { slug: 'weavers' }
  const get = (path: string, cookie?: string) => ({
    request: new Request(new URL(path, 'http://localhost'), { headers: cookie ? { Cookie: cookie } : {} }),
    params,
    context: {},
  })
  function upload(content: string | Uint8Array<ArrayBuffer> | null, cookie?: string) {
    const form = new FormData()
    if (content !== null) form.append('file', new File([content], 'listings.csv', { type: 'text/csv' }))
    return {
      request: new Request(new URL(`${url}/import`, 'http://localhost'), { method: 'POST', headers: cookie ? { Cookie: cookie } : {}, body: form }),
      params,
      context: {},
    }
  }

  it('send anonymous visitors to log in', async () => {
    for (const run of [
      () => exportRoute.loader(get(`${url}.csv`)),
      () => importRoute.loader(get(`${url}/import`)),
      () => importRoute.action(upload(csvOf([good]))),
    ]) {
      const { status, location } = await statusOf(run)
      expect(status).toBe(302)
      expect(location).toMatch(/^\/login\?redirectTo=/)
    }
    expect(await offerCount()).toBe(3)
  })

  it('refuse members of other organisations with 403, and write nothing', async () => {
    const designer = await sessionCookieFor(m.designer.id)
    expect((await statusOf(() => exportRoute.loader(get(`${url}.csv`, designer)))).status).toBe(403)
    expect((await statusOf(() => importRoute.loader(get(`${url}/import`, designer)))).status).toBe(403)
    expect((await statusOf(() => importRoute.action(upload(csvOf([good, { ...good, slug: 'towel', title: 'Stolen towel' }]), designer)))).status).toBe(403)
    expect(await offerCount()).toBe(3)
    expect((await offers())[0]!.title).toBe('Linen tea towel')
  })

  it('export a CSV attachment with a byte order mark', async () => {
    const weaver = await sessionCookieFor(m.weaver.id)
    const response = (await exportRoute.loader(get(`${url}.csv`, weaver))) as Response
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; filename="weavers-listings-\d{4}-\d{2}-\d{2}\.csv"$/)
    const body = new Uint8Array(await response.arrayBuffer())
    expect([...body.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(new TextDecoder().decode(body)).toContain('towel,good,Linen tea towel')
  })

  it('import a multipart upload and report the counts', async () => {
    const weaver = await sessionCookieFor(m.weaver.id)
    const res = await statusOf(() => importRoute.action(upload(csvOf([good, { ...good, slug: 'towel', stock: '99' }]), weaver)))
    expect(res).toMatchObject({ status: 302, location: '/organisations/weavers/listings/import?created=1&updated=1&stockIgnored=1' })
    const page = await statusOf(() => importRoute.loader(get(res.location!, weaver)))
    expect(page.body).toMatchObject({ imported: { created: 1, updated: 1, stockIgnored: 1 } })
    expect(await offerCount()).toBe(4)
  })

  it('answer a bad file with the report and a 400, an oversized one with a 413, a missing one with a 400', async () => {
    const weaver = await sessionCookieFor(m.weaver.id)
    const bad = await statusOf(() => importRoute.action(upload(csvOf([good, { ...good, unit: '' }]), weaver)))
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ formError: expect.stringMatching(/^Nothing was imported/), problems: [{ row: 3, column: 'unit' }], more: 0 })
    const latin1 = await statusOf(() => importRoute.action(upload(Uint8Array.from([0x74, 0x69, 0x74, 0x6c, 0xe9]), weaver)))
    expect(latin1).toMatchObject({ status: 400, body: { formError: expect.stringMatching(/not UTF-8/), problems: [] } })
    const huge = await statusOf(() => importRoute.action(upload(csvOf([good]) + ' '.repeat(5 * 1024 * 1024), weaver)))
    expect(huge).toMatchObject({ status: 413, body: { formError: expect.stringMatching(/larger than 5 MB/) } })
    expect((await statusOf(() => importRoute.action(upload(null, weaver)))).status).toBe(400)
    expect(await offerCount()).toBe(3)
  })
})
