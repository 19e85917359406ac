// Builds a large, plausible catalog for the benchmarks: the same schema, triggers and scoring
// as the product, with rows written through prepared statements so 1,000,000 offers take minutes.
import fs from 'node:fs'
import path from 'node:path'
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

export async function buildCatalogDb(file: string, offers: number, progress: (line: string) => void) {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
  const sqlite = openSqlite(file)
  const db = kyselyFor(sqlite)
  await migrateToLatest(db)
  const rand = mulberry32(20261124)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!
  const created = '2026-01-01T00:00:00.000Z'

  const organisations = Math.max(20, Math.round(offers / 50))
  sqlite.transaction(() => {
    const lic = sqlite.prepare('insert into licences (code, name, openness) values (?, ?, ?)')
    for (const l of licences) lic.run(...l)
    const cat = sqlite.prepare('insert into categories (slug, name) values (?, ?)')
    for (const c of categories) cat.run(c, c.replace(/-/g, ' '))
    sqlite
      .prepare(`insert into commons_funds (slug, name, purpose, kind, currency) values ('infrastructure', 'Infrastructure fund', '', 'infrastructure', 'EUR')`)
      .run()
    const fund = sqlite.prepare(`insert into commons_funds (slug, name, purpose, kind, currency) values (?, ?, '', 'commons', 'EUR')`)
    for (const c of categories) fund.run(`${c}-commons`, `${c} commons`)

    const org = sqlite.prepare(`insert into organisations (slug, name, legal_form, summary, country_code, city, one_member_one_vote,
      member_count, surplus_policy, pay_ratio, open_books, created_at, updated_at) values (?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    const claim = sqlite.prepare(`insert into evidence_claims (organisation_id, claim, value, evidence_level, source, issued_at, expires_at)
      values (?, ?, ?, ?, 'bench evidence', '2025-06-01T00:00:00.000Z', ?)`)
    for (let i = 1; i <= organisations; i++) {
      const legalForm = pick(legalForms)
      const place = Math.floor(rand() * places.length)
      const omov = legalForm === 'for_profit' ? 0 : rand() < 0.8 ? 1 : null
      const surplus = legalForm === 'for_profit' ? 'shareholder_dividends' : pick(surplusPolicies.slice(0, 3))
      const payRatio = legalForm === 'for_profit' ? 10 + Math.floor(rand() * 30) : 1 + Math.floor(rand() * 4)
      org.run(
        `bench-org-${i}`,
        `${pick(materials)} ${pick(nouns)} ${legalForm.replace(/_/g, ' ')} ${i}`,
        legalForm,
        countries[place],
        places[place],
        omov,
        5 + Math.floor(rand() * 500),
        surplus,
        payRatio,
        rand() < 0.5 ? 1 : 0,
        created,
        created,
      )
      claim.run(i, 'legal_form', legalForm, pick(levels), rand() < 0.2 ? '2026-03-01T00:00:00.000Z' : '2028-06-01T00:00:00.000Z')
      if (omov !== null) claim.run(i, 'one_member_one_vote', String(omov), pick(levels), '2028-06-01T00:00:00.000Z')
      claim.run(i, 'surplus_policy', surplus, pick(levels), '2028-06-01T00:00:00.000Z')
      if (rand() < 0.4) claim.run(i, 'certification', pick(certifications), pick(levels), '2027-09-01T00:00:00.000Z')
      if (rand() < 0.3) claim.run(i, 'environmental_claim', 'renewable_energy', pick(levels), null)
      if (rand() < 0.2) claim.run(i, 'cooperative_sourcing', 'inputs from listed co-ops', pick(levels), null)
    }
  })()
  progress(`organisations: ${organisations}`)

  const insert = sqlite.prepare(`insert into offers (slug, organisation_id, kind, title, description, category_id, licence_code, unit, stock,
    delivery, currency, commoner_price, for_profit_price, access_fee_producer_bp, access_fee_commons_fund_bp, access_fee_infrastructure_bp,
    commons_fund_id, status, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'EUR', ?, ?, ?, ?, 1000, ?, ?, ?, ?)`)
  const batch = 20_000
  for (let start = 0; start < offers; start += batch) {
    sqlite.transaction(() => {
      for (let i = start; i < Math.min(offers, start + batch); i++) {
        const commons = rand() < 0.4
        const category = 1 + Math.floor(rand() * categories.length)
        const title = `${pick(adjectives)} ${pick(materials)} ${pick(nouns)}${commons ? ' design files' : ''}`
        const description = `${pick(phrases)} ${pick(phrases)} ${pick(phrases)}`
        const licence = commons ? pick(licences.slice(0, 6))[0] : rand() < 0.15 ? pick(licences)[0] : null
        const commoner = commons ? 0 : 200 + Math.floor(rand() * 20_000)
        const forProfit = commons ? 1_000 + Math.floor(rand() * 50_000) : commoner + Math.floor(commoner * (0.15 + rand() * 0.45))
        const status = rand() < 0.02 ? 'archived' : 'active'
        insert.run(
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
          commoner,
          forProfit,
          commons ? 0 : 4500,
          commons ? 9000 : 4500,
          1 + category,
          status,
          created,
          created,
        )
      }
    })()
    progress(`offers: ${Math.min(offers, start + batch)} / ${offers}`)
  }

  progress('scoring every offer …')
  await db.transaction().execute((trx) => refreshScores(trx, 'all'))
  await db.destroy()
  progress('catalog ready')
}
