// Builds a large, plausible catalog for the benchmarks: the same schema, triggers and scoring
// as the product, with rows written through prepared statements so 1,000,000 offers take minutes.
// The rows come from one seeded generator (catalogRows), so the PostgreSQL builder
// (catalog-data-pg.ts) writes exactly the rows the SQLite file holds.
import fs from 'node:fs'
import path from 'node:path'
import type SQLite from 'better-sqlite3'
import { kyselyFor, migrateToLatest, openSqlite } from '../../db/connection'
import { legalForms, surplusPolicies } from '../../db/schema'
import { refreshScores } from '../../app/modules/scoring/scores.server'
import { mulberry32 } from '../../db/seed/random'

const adjectives = [
  'organic',
  'hand-woven',
  'refurbished',
  'open-source',
  'fair-trade',
  'solar',
  'recycled',
  'heirloom',
  'cooperative',
  'modular',
  'wild',
  'stone-ground',
  'repairable',
  'local',
  'seasonal',
  'natural',
]
const nouns = [
  'pasta',
  'linen',
  'laptop',
  'beehive',
  'bicycle',
  'coffee',
  'soap',
  'honey',
  'textbook',
  'chair',
  'lamp',
  'seeds',
  'toolkit',
  'jacket',
  'bread',
  'router',
  'tea',
  'manual',
  'course',
  'dataset',
  'pattern',
  'cheese',
  'wine',
  'sensor',
]
const materials = ['oak', 'wool', 'hemp', 'cotton', 'steel', 'clay', 'bamboo', 'copper', 'wheat', 'olive', 'barley', 'cork']
const places = ['Bologna', 'Lyon', 'Ghent', 'Porto', 'Leipzig', 'Cádiz', 'Turin', 'Graz', 'Malmö', 'Cork', 'Kraków', 'Thessaloniki']
const countries = ['IT', 'FR', 'BE', 'PT', 'DE', 'ES', 'IT', 'AT', 'SE', 'IE', 'PL', 'GR']
const phrases = [
  'Made by a worker-owned cooperative with open books.',
  'Shipped in plastic-free packaging once a week.',
  'Designs are published under a copyleft licence.',
  'Every member has one vote on prices and pay.',
  'Sourced from partner co-ops listed on this marketplace.',
  'Documented so anyone can repair, remix and rebuild it.',
  'A share of every access fee funds the commons it comes from.',
  'Small batches, seasonal supply, fair prices for growers.',
]
const licences: [string, string, string][] = [
  ['ppl-1.0', 'Peer Production License', 'copyfair'],
  ['cc-by-sa-4.0', 'CC BY-SA 4.0', 'copyleft'],
  ['gpl-3.0', 'GPL-3.0', 'copyleft'],
  ['cern-ohl-s-2.0', 'CERN-OHL-S 2.0', 'copyleft'],
  ['cc-by-4.0', 'CC BY 4.0', 'permissive'],
  ['cc-by-nc-sa-4.0', 'CC BY-NC-SA 4.0', 'non_commercial'],
  ['proprietary', 'Proprietary', 'proprietary'],
]
const categories = [
  'food-and-drink',
  'textiles',
  'household',
  'tools',
  'open-hardware',
  'software',
  'books-and-learning',
  'designs',
  'health-and-care',
  'energy',
  'seeds',
]
const certifications = ['wfto_guaranteed_fair_trade', 'eu_organic', 'eu_ecolabel', 'fairtrade_international']
const levels = ['self_declared', 'documented', 'peer_attested', 'verified']

/** Search terms the benchmark uses: all occur in the generated titles. */
export const benchSearchTerms = nouns

/** The columns the generator fills, per table; ids are left to the database, in insertion order. */
export const catalogColumns = {
  licences: ['code', 'name', 'openness'],
  categories: ['slug', 'name'],
  commons_funds: ['slug', 'name', 'purpose', 'kind', 'currency'],
  organisations: [
    'slug',
    'name',
    'legal_form',
    'summary',
    'country_code',
    'city',
    'one_member_one_vote',
    'member_count',
    'surplus_policy',
    'pay_ratio',
    'open_books',
    'created_at',
    'updated_at',
  ],
  evidence_claims: ['organisation_id', 'claim', 'value', 'evidence_level', 'source', 'issued_at', 'expires_at'],
  offers: [
    'slug',
    'organisation_id',
    'kind',
    'title',
    'description',
    'category_id',
    'licence_code',
    'unit',
    'stock',
    'delivery',
    'currency',
    'commoner_price',
    'for_profit_price',
    'access_fee_producer_bp',
    'access_fee_commons_fund_bp',
    'access_fee_infrastructure_bp',
    'commons_fund_id',
    'status',
    'created_at',
    'updated_at',
  ],
} as const
export type CatalogTable = keyof typeof catalogColumns
export type CatalogRow = [CatalogTable, unknown[]]

export const catalogOrganisations = (offers: number) => Math.max(20, Math.round(offers / 50))

/**
 * Every row of a catalog of `offers` offers, in the order they are written: the same seed gives
 * the same rows, and rows refer to earlier ones by the ids the database gives them in that order
 * (the first organisation is 1, …), so the database must be empty.
 */
export function* catalogRows(offers: number): Generator<CatalogRow> {
  const rand = mulberry32(20261124)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!
  const created = '2026-01-01T00:00:00.000Z'

  for (const l of licences) yield ['licences', l]
  for (const c of categories) yield ['categories', [c, c.replace(/-/g, ' ')]]
  yield ['commons_funds', ['infrastructure', 'Infrastructure fund', '', 'infrastructure', 'EUR']]
  for (const c of categories) yield ['commons_funds', [`${c}-commons`, `${c} commons`, '', 'commons', 'EUR']]

  const organisations = catalogOrganisations(offers)
  const claim = (i: number, kind: string, value: string, level: string, expiresAt: string | null): CatalogRow => [
    'evidence_claims',
    [i, kind, value, level, 'bench evidence', '2025-06-01T00:00:00.000Z', expiresAt],
  ]
  for (let i = 1; i <= organisations; i++) {
    const legalForm = pick(legalForms)
    const place = Math.floor(rand() * places.length)
    const omov = legalForm === 'for_profit' ? 0 : rand() < 0.8 ? 1 : null
    const surplus = legalForm === 'for_profit' ? 'shareholder_dividends' : pick(surplusPolicies.slice(0, 3))
    const payRatio = legalForm === 'for_profit' ? 10 + Math.floor(rand() * 30) : 1 + Math.floor(rand() * 4)
    yield [
      'organisations',
      [
        `bench-org-${i}`,
        `${pick(materials)} ${pick(nouns)} ${legalForm.replace(/_/g, ' ')} ${i}`,
        legalForm,
        '',
        countries[place],
        places[place],
        omov,
        5 + Math.floor(rand() * 500),
        surplus,
        payRatio,
        rand() < 0.5 ? 1 : 0,
        created,
        created,
      ],
    ]
    yield claim(i, 'legal_form', legalForm, pick(levels), rand() < 0.2 ? '2026-03-01T00:00:00.000Z' : '2028-06-01T00:00:00.000Z')
    if (omov !== null) yield claim(i, 'one_member_one_vote', String(omov), pick(levels), '2028-06-01T00:00:00.000Z')
    yield claim(i, 'surplus_policy', surplus, pick(levels), '2028-06-01T00:00:00.000Z')
    if (rand() < 0.4) yield claim(i, 'certification', pick(certifications), pick(levels), '2027-09-01T00:00:00.000Z')
    if (rand() < 0.3) yield claim(i, 'environmental_claim', 'renewable_energy', pick(levels), null)
    if (rand() < 0.2) yield claim(i, 'cooperative_sourcing', 'inputs from listed co-ops', pick(levels), null)
  }

  for (let i = 0; i < offers; i++) {
    const commons = rand() < 0.4
    const category = 1 + Math.floor(rand() * categories.length)
    const title = `${pick(adjectives)} ${pick(materials)} ${pick(nouns)}${commons ? ' design files' : ''}`
    const description = `${pick(phrases)} ${pick(phrases)} ${pick(phrases)}`
    const licence = commons ? pick(licences.slice(0, 6))[0] : rand() < 0.15 ? pick(licences)[0] : null
    const commoner = commons ? 0 : 200 + Math.floor(rand() * 20_000)
    const forProfit = commons ? 1_000 + Math.floor(rand() * 50_000) : commoner + Math.floor(commoner * (0.15 + rand() * 0.45))
    const status = rand() < 0.02 ? 'archived' : 'active'
    yield [
      'offers',
      [
        `bench-offer-${i + 1}`,
        1 + Math.floor(rand() * organisations),
        commons ? 'commons' : 'good',
        title,
        description,
        category,
        licence,
        commons ? 'download' : 'piece',
        commons ? null : Math.floor(rand() * 300),
        commons ? 'download' : 'shipping',
        'EUR',
        commoner,
        forProfit,
        commons ? 0 : 4500,
        commons ? 9000 : 4500,
        1000,
        1 + category,
        status,
        created,
        created,
      ],
    ]
  }
}

export async function buildCatalogDb(file: string, offers: number, progress: (line: string) => void) {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
  const sqlite = openSqlite(file)
  const db = kyselyFor(sqlite)
  await migrateToLatest(db)

  const inserts = Object.fromEntries(
    Object.entries(catalogColumns).map(([table, columns]) => [
      table,
      sqlite.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`),
    ]),
  ) as Record<CatalogTable, SQLite.Statement<unknown[]>>
  // 20,000 rows a transaction, as the offers were always written.
  const batch = 20_000
  const rows = catalogRows(offers)
  let offersWritten = 0
  progress(`organisations: ${catalogOrganisations(offers)}`)
  for (let done = false; !done;) {
    sqlite.transaction(() => {
      for (let n = 0; n < batch; n++) {
        const next = rows.next()
        if (next.done) return void (done = true)
        const [table, row] = next.value
        inserts[table].run(...row)
        if (table === 'offers') offersWritten++
      }
    })()
    progress(`offers: ${offersWritten} / ${offers}`)
  }

  progress('scoring every offer …')
  await db.transaction().execute((trx) => refreshScores(trx, 'all'))
  await db.destroy()
  progress('catalog ready')
}
