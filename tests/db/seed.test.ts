import { checkLedger } from '../../app/modules/ledger/check.server'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { setClock } from '../../app/lib/clock.js'
import { migrateToLatest, openDatabase, type Database } from '../../db/connection.js'
import { legalForms } from '../../db/schema.js'
import { demoReferenceTime, isDatabaseEmpty, seedDemoMarketplace } from '../../db/seed/index.js'
import { demoLogins, demoPassword } from '../../db/seed/data.js'
import { logIn } from '../../app/modules/accounts/accounts.server.js'
import { nonEmpty } from '../support/lists.js'
import { isVerifiedOrganisation } from '../../app/modules/evidence/legal-form.server.js'

const opened: Database[] = []

async function freshDatabase(): Promise<Database> {
  const db = openDatabase(':memory:')
  opened.push(db)
  await migrateToLatest(db)
  return db
}

async function seededDatabase(at = demoReferenceTime): Promise<Database> {
  const db = await freshDatabase()
  await seedDemoMarketplace(db, { at })
  return db
}

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/**
 * Every row of every table the seed can write, as JSON text per table, sorted. Password hashes
 * (random salts) become "has one"; timestamps are moved back by `unshiftDays`, to compare a
 * seed made later with one made at the reference time.
 */
async function dumpAll(db: Database, unshiftDays = 0): Promise<Record<string, string[]>> {
  const tables = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table'
      and name not like 'kysely%' and name not like 'offer_search_%' order by name`.execute(db)
  const out: Record<string, string[]> = {}
  for (const { name } of tables.rows) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows
    out[name] = rows
      .map((row) => {
        const plain: Record<string, unknown> = {}
        for (const [column, value] of Object.entries(row)) {
          plain[column] =
            column === 'passwordHash'
              ? value !== null
              : typeof value === 'string' && isoTime.test(value)
                ? new Date(Date.parse(value) - unshiftDays * 86_400_000).toISOString()
                : value
        }
        return JSON.stringify(plain)
      })
      .sort()
  }
  return out
}

afterEach(async () => {
  while (opened.length > 0) await opened.pop()?.destroy()
})

describe('demo marketplace seed', () => {
  it('reports an empty database before seeding and a populated one after', async () => {
    const db = await freshDatabase()
    expect(await isDatabaseEmpty(db)).toBe(true)
    const counts = await seedDemoMarketplace(db)
    expect(await isDatabaseEmpty(db)).toBe(false)

    const count = async (table: 'organisations' | 'offers' | 'categories' | 'commonsFunds' | 'evidenceClaims' | 'people' | 'commonsResources' | 'orders') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    expect(counts).toEqual({
      organisations: await count('organisations'),
      offers: await count('offers'),
      categories: await count('categories'),
      commonsFunds: await count('commonsFunds'),
      evidenceClaims: await count('evidenceClaims'),
      people: await count('people'),
      commonsResources: await count('commonsResources'),
      orders: await count('orders'),
    })
  })

  it('gives every commons item its resource, and a paid purchase history whose ledger balances', async () => {
    const db = await seededDatabase()
    const commons = await db.selectFrom('offers').select('id').where('kind', '=', 'commons').execute()
    const resources = await db.selectFrom('commonsResources').select(['offerId', 'kind', 'byteSize']).execute()
    expect(resources.map((r) => r.offerId).sort()).toEqual(
      nonEmpty(commons, 'commons items')
        .map((o) => o.id)
        .sort(),
    )
    expect(resources.some((r) => r.kind === 'file' && r.byteSize! > 100)).toBe(true)
    const orders = await db.selectFrom('orders').select(['status', 'reciprocityClass', 'accessFeeTotal']).execute()
    expect(orders.length).toBeGreaterThanOrEqual(10)
    expect(orders.every((o) => o.status === 'paid')).toBe(true)
    expect(orders.some((o) => o.reciprocityClass === 'for_profit' && o.accessFeeTotal > 0)).toBe(true)
    expect(orders.some((o) => o.reciprocityClass === 'commoner')).toBe(true)
    expect(await checkLedger(db)).toMatchObject({ ok: true, problems: [] })
  })

  it('has organisations of every legal form, several of them for-profit', async () => {
    const db = await seededDatabase()
    const organisations = await db.selectFrom('organisations').selectAll().execute()
    expect(organisations.length).toBeGreaterThanOrEqual(30)

    const forms = new Set(organisations.map((o) => o.legalForm))
    for (const form of legalForms) expect(forms, form).toContain(form)
    const forProfit = organisations.filter((o) => o.legalForm === 'for_profit')
    expect(forProfit.length).toBeGreaterThanOrEqual(3)
    for (const firm of forProfit) {
      expect(firm.surplusPolicy).toBe('shareholder_dividends')
      expect(firm.oneMemberOneVote).toBe(0)
    }
  })

  it('has a varied catalogue of goods and commons that keeps the pricing rules', async () => {
    const db = await seededDatabase()
    const offers = await db.selectFrom('offers').selectAll().execute()
    expect(offers.length).toBeGreaterThanOrEqual(200)

    const goods = offers.filter((o) => o.kind === 'good')
    const commons = offers.filter((o) => o.kind === 'commons')
    expect(goods.length).toBeGreaterThan(0)
    expect(commons.length).toBeGreaterThan(0)

    for (const item of commons) {
      expect(item.commonerPrice, item.slug).toBe(0)
      expect(item.licenceCode, item.slug).not.toBeNull()
      expect(item.stock, item.slug).toBeNull()
    }
    for (const offer of offers) {
      expect(offer.forProfitPrice, offer.slug).toBeGreaterThanOrEqual(offer.commonerPrice)
      expect(offer.accessFeeProducerBp + offer.accessFeeCommonsFundBp + offer.accessFeeInfrastructureBp).toBe(10_000)
    }
    for (const good of goods) {
      expect(good.stock, good.slug).not.toBeNull()
      expect(good.stock ?? -1, good.slug).toBeGreaterThanOrEqual(0)
    }
    expect(goods.some((g) => g.stock === 0)).toBe(true)
    expect(offers.some((o) => o.status === 'archived')).toBe(true)
    expect(new Set(offers.map((o) => o.slug)).size).toBe(offers.length)
  })

  it('fills at least eight categories and sends every offer to a commons fund', async () => {
    const db = await seededDatabase()
    const perCategory = await db
      .selectFrom('categories')
      .leftJoin('offers', 'offers.categoryId', 'categories.id')
      .select(['categories.slug', (eb) => eb.fn.count<number>('offers.id').as('offers')])
      .groupBy('categories.id')
      .execute()
    expect(perCategory.length).toBeGreaterThanOrEqual(8)
    for (const category of perCategory) expect(Number(category.offers), category.slug).toBeGreaterThan(0)

    const fundKinds = await db
      .selectFrom('offers')
      .innerJoin('commonsFunds', 'commonsFunds.id', 'offers.commonsFundId')
      .select('commonsFunds.kind')
      .distinct()
      .execute()
    expect(fundKinds.map((f) => f.kind)).toEqual(['commons'])
    const infrastructure = await db.selectFrom('commonsFunds').selectAll().where('kind', '=', 'infrastructure').execute()
    expect(infrastructure).toHaveLength(1)
  })

  it('backs organisations with evidence at every level, some of it expired', async () => {
    const db = await seededDatabase()
    const claims = await db.selectFrom('evidenceClaims').selectAll().execute()

    const levels = new Set(claims.map((c) => c.evidenceLevel))
    for (const level of ['self_declared', 'documented', 'peer_attested', 'verified'] as const) {
      expect(levels, level).toContain(level)
    }
    expect(claims.some((c) => c.expiresAt !== null && c.expiresAt < demoReferenceTime)).toBe(true)
    expect(claims.some((c) => c.offerId !== null)).toBe(true)

    const findings = claims.filter((c) => c.claim === 'forced_labour_finding')
    expect(findings).toHaveLength(1)
    const finding = findings[0]!
    expect(finding).toMatchObject({ value: 'proven', evidenceLevel: 'verified' })
    const firm = await db.selectFrom('organisations').selectAll().where('id', '=', finding.organisationId).executeTakeFirstOrThrow()
    expect(firm.legalForm).toBe('for_profit')
  })

  it('gives every person a password and has a demo login for each kind of user', async () => {
    const db = await seededDatabase()
    const people = await db.selectFrom('people').select(['email', 'passwordHash', 'isSteward']).execute()
    for (const person of nonEmpty(people, 'people')) expect(person.passwordHash, person.email).toMatch(/^scrypt\$16384\$8\$1\$/)
    expect(people.filter((p) => p.isSteward === 1).map((p) => p.email)).toEqual([demoLogins.steward])

    const now = new Date(demoReferenceTime)
    for (const email of Object.values(demoLogins)) {
      await expect(logIn(db, { email, password: demoPassword, address: '192.0.2.1' }, now)).resolves.toMatchObject({ email })
    }

    const organisationsOf = (email: string) =>
      db
        .selectFrom('memberships')
        .innerJoin('people', 'people.id', 'memberships.personId')
        .innerJoin('organisations', 'organisations.id', 'memberships.organisationId')
        .leftJoin('evidenceClaims', (join) =>
          join.onRef('evidenceClaims.organisationId', '=', 'organisations.id').on('evidenceClaims.claim', '=', 'legal_form'),
        )
        .select(['organisations.legalForm', 'memberships.role', 'evidenceClaims.evidenceLevel'])
        .where('people.email', '=', email)
        .execute()
    expect(await organisationsOf(demoLogins.coopMember)).toEqual([{ legalForm: 'worker_coop', role: 'admin', evidenceLevel: 'verified' }])
    expect(await organisationsOf(demoLogins.commoner)).toEqual([])
    expect(await organisationsOf(demoLogins.forProfitBuyer)).toMatchObject([{ legalForm: 'for_profit' }])
  })

  it('writes identical rows, in every table, on every run at the reference time', async () => {
    const [first, second] = await Promise.all([seededDatabase(), seededDatabase()])
    const [a, b] = await Promise.all([dumpAll(first), dumpAll(second)])
    for (const table of ['organisations', 'offers', 'evidence_claims', 'offer_scores', 'orders', 'journal_entries', 'ledger_accounts', 'commons_resources']) {
      nonEmpty(a[table] ?? [], table)
    }
    expect(Object.keys(b)).toEqual(Object.keys(a))
    for (const table of Object.keys(a)) expect(b[table], table).toEqual(a[table])
  })

  it('seeded two years later, is the same world moved by whole days: nothing lapsed, no score changed', async () => {
    // The last second of the day two years on: the part of a day the shift leaves over is at its
    // largest. 731 days, as 2028 is a leap year.
    const later = '2028-11-24T23:59:59.000Z'
    const days = 731
    const [atReference, atLater] = await Promise.all([seededDatabase(), seededDatabase(later)])
    const reference = await dumpAll(atReference)
    const moved = await dumpAll(atLater, days)

    // Scores are computed at the seeding time; everything else, timestamps moved back, is equal.
    const withoutComputedAt = (rows: string[] | undefined) => (rows ?? []).map((row) => JSON.stringify({ ...JSON.parse(row), computedAt: null }))
    expect(withoutComputedAt(moved.offer_scores)).toEqual(withoutComputedAt(reference.offer_scores))
    const computedAt = await atLater.selectFrom('offerScores').select('computedAt').distinct().execute()
    expect(computedAt).toEqual([{ computedAt: later }])
    // The score rules are the migration's, not the seed's: the same row in both.
    expect((await dumpAll(atLater)).score_rules).toEqual(reference.score_rules)
    for (const table of Object.keys(reference).filter((t) => t !== 'offer_scores' && t !== 'score_rules')) {
      expect(moved[table], table).toEqual(reference[table])
    }

    // What a visitor sees of that: the same listed offers and scores, the same evidence in force,
    // the same verified organisations; and the demo's purchases a few days old, not two years.
    const listed = async (db: Database) =>
      db.selectFrom('offerScores').select(['offerId', 'score', 'confidence']).where('listed', '=', 1).orderBy('offerId').execute()
    const listedAtReference = await listed(atReference)
    expect(listedAtReference.length).toBeGreaterThan(200)
    expect(await listed(atLater)).toEqual(listedAtReference)

    const inForce = async (db: Database, now: string) =>
      db
        .selectFrom('evidenceClaims')
        .select(['evidenceLevel', (eb) => eb.fn.countAll<number>().as('n')])
        .where((eb) => eb.or([eb('expiresAt', 'is', null), eb('expiresAt', '>', now)]))
        .groupBy('evidenceLevel')
        .orderBy('evidenceLevel')
        .execute()
    const inForceAtReference = await inForce(atReference, demoReferenceTime)
    expect(inForceAtReference.map((l) => l.evidenceLevel)).toEqual(['documented', 'peer_attested', 'self_declared', 'verified'])
    expect(await inForce(atLater, later)).toEqual(inForceAtReference)

    const verified = async (db: Database, now: string) => {
      const out: string[] = []
      for (const o of await db.selectFrom('organisations').select(['id', 'slug']).orderBy('id').execute()) {
        if (await isVerifiedOrganisation(db, o.id, now)) out.push(o.slug)
      }
      return out
    }
    const verifiedAtReference = await verified(atReference, demoReferenceTime)
    expect(verifiedAtReference.length).toBeGreaterThanOrEqual(10)
    expect(await verified(atLater, later)).toEqual(verifiedAtReference)

    const lastPayment = await atLater
      .selectFrom('orders')
      .select((eb) => eb.fn.max('paidAt').as('at'))
      .executeTakeFirstOrThrow()
    const age = Date.parse(later) - Date.parse(lastPayment.at!)
    expect(age).toBeGreaterThan(0)
    expect(age).toBeLessThan(7 * 86_400_000)
  })

  it('is seeded as of the clock when no time is given, as `npm start` and `db:seed` do', async () => {
    const now = '2030-03-31T08:30:00.000Z'
    setClock(now)
    const db = await freshDatabase()
    await seedDemoMarketplace(db)
    const newest = await sql<{ at: string }>`
      select max(at) as at from (
        select max(created_at) as at from organisations union all select max(updated_at) from offers
        union all select max(created_at) from evidence_claims union all select max(paid_at) from orders)`.execute(db)
    const at = newest.rows[0]!.at
    expect(at < now).toBe(true)
    expect(Date.parse(now) - Date.parse(at)).toBeLessThan(7 * 86_400_000)
    expect(await db.selectFrom('offerScores').select('computedAt').distinct().execute()).toEqual([{ computedAt: now }])
  })
})
