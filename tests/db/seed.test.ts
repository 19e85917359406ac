import { checkLedger } from '../../app/modules/ledger/check.server'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { migrateToLatest, openDatabase, type Database } from '../../db/connection.js'
import { legalForms } from '../../db/schema.js'
import { isDatabaseEmpty, seedDemoMarketplace } from '../../db/seed/index.js'
import { demoLogins, demoPassword } from '../../db/seed/data.js'
import { logIn } from '../../app/modules/accounts/accounts.server.js'

const opened: Database[] = []

async function freshDatabase(): Promise<Database> {
  const db = openDatabase(':memory:')
  opened.push(db)
  await migrateToLatest(db)
  return db
}

async function seededDatabase(): Promise<Database> {
  const db = await freshDatabase()
  await seedDemoMarketplace(db)
  return db
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

    const count = async (
      table: 'organisations' | 'offers' | 'categories' | 'commonsFunds' | 'evidenceClaims' | 'people' | 'commonsResources' | 'orders'
    ) =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n
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
    expect(resources.map((r) => r.offerId).sort()).toEqual(commons.map((o) => o.id).sort())
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
    const infrastructure = await db
      .selectFrom('commonsFunds')
      .selectAll()
      .where('kind', '=', 'infrastructure')
      .execute()
    expect(infrastructure).toHaveLength(1)
  })

  it('backs organisations with evidence at every level, some of it expired', async () => {
    const db = await seededDatabase()
    const claims = await db.selectFrom('evidenceClaims').selectAll().execute()

    const levels = new Set(claims.map((c) => c.evidenceLevel))
    for (const level of ['self_declared', 'documented', 'peer_attested', 'verified'] as const) {
      expect(levels, level).toContain(level)
    }
    expect(claims.some((c) => c.expiresAt !== null && c.expiresAt < '2026-11-24')).toBe(true)
    expect(claims.some((c) => c.offerId !== null)).toBe(true)

    const findings = claims.filter((c) => c.claim === 'forced_labour_finding')
    expect(findings).toHaveLength(1)
    const finding = findings[0]!
    expect(finding).toMatchObject({ value: 'proven', evidenceLevel: 'verified' })
    const firm = await db
      .selectFrom('organisations')
      .selectAll()
      .where('id', '=', finding.organisationId)
      .executeTakeFirstOrThrow()
    expect(firm.legalForm).toBe('for_profit')
  })

  it('gives every person a password and has a demo login for each kind of user', async () => {
    const db = await seededDatabase()
    const people = await db.selectFrom('people').select(['email', 'passwordHash', 'isSteward']).execute()
    for (const person of people) expect(person.passwordHash, person.email).toMatch(/^scrypt\$16384\$8\$1\$/)
    expect(people.filter((p) => p.isSteward === 1).map((p) => p.email)).toEqual([demoLogins.steward])

    const now = new Date('2026-11-24T12:00:00.000Z')
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

  it('writes identical rows on every run', async () => {
    const dump = async (db: Database) => {
      const tables = [
        'licences',
        'categories',
        'commons_funds',
        'organisations',
        'people',
        'memberships',
        'offers',
        'evidence_claims',
      ]
      const out: Record<string, unknown[]> = {}
      for (const table of tables) {
        const order = table === 'licences' ? 'code' : table === 'memberships' ? 'organisation_id, person_id' : 'id'
        const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by ${sql.raw(order)}`.execute(db)).rows
        // Password hashes have random salts; everything else must match.
        out[table] = table === 'people' ? rows.map(({ passwordHash, ...row }) => ({ ...row, hasPassword: passwordHash !== null })) : rows
      }
      return JSON.stringify(out)
    }
    const [first, second] = await Promise.all([seededDatabase(), seededDatabase()])
    expect(await dump(first)).toBe(await dump(second))
  })
})
