import { sql, type Kysely } from 'kysely'
import { definePostgresCompatibility, isPostgres } from './postgres'

// Frozen once landed: later changes go into a new migration. (PostgreSQL branches were added
// later, changing nothing on SQLite: docs/decisions/0019-postgresql.md.)

const nowIso = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`

const legalForms = [
  'worker_coop',
  'producer_coop',
  'consumer_coop',
  'multi_stakeholder_coop',
  'platform_coop',
  'commons_project',
  'nonprofit',
  'social_enterprise',
  'informal_group',
  'sole_trader',
  'for_profit',
]
const surplusPolicies = ['all_to_members', 'reinvested', 'capped_return', 'shareholder_dividends']
const evidenceLevels = ['self_declared', 'documented', 'peer_attested', 'verified']
const claimKinds = [
  'legal_form',
  'one_member_one_vote',
  'member_count',
  'surplus_policy',
  'pay_ratio',
  'open_books',
  'certification',
  'environmental_claim',
  'cost_breakdown',
  'cooperative_sourcing',
  'forced_labour_finding',
]
const openness = ['copyfair', 'copyleft', 'permissive', 'non_commercial', 'proprietary']

const inList = (column: string, values: string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`)

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) await definePostgresCompatibility(db)
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 200`))
    .addColumn('legal_form', 'text', (c) => c.notNull().check(inList('legal_form', legalForms)))
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('website', 'text')
    .addColumn('country_code', 'text', (c) =>
      c.notNull().check(sql`length(country_code) = 2 and country_code = upper(country_code)`),
    )
    .addColumn('region', 'text')
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('one_member_one_vote', 'integer', (c) => c.check(sql`one_member_one_vote in (0, 1)`))
    .addColumn('member_count', 'integer', (c) => c.check(sql`member_count >= 0`))
    .addColumn('surplus_policy', 'text', (c) => c.check(inList('surplus_policy', surplusPolicies)))
    // Top-to-bottom pay ratio, e.g. 3 means the best paid earns three times the lowest paid.
    .addColumn('pay_ratio', 'real', (c) => c.check(sql`pay_ratio >= 1`))
    .addColumn('open_books', 'integer', (c) => c.check(sql`open_books in (0, 1)`))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .execute()

  await db.schema
    .createTable('people')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('email', 'text', (c) => c.notNull().unique().modifyEnd(sql`collate nocase`))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .execute()

  await db.schema
    .createTable('memberships')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'member')`))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addPrimaryKeyConstraint('memberships_pk', ['organisation_id', 'person_id'])
    .execute()
  await db.schema.createIndex('memberships_person_idx').on('memberships').column('person_id').execute()

  await db.schema
    .createTable('licences')
    .addColumn('code', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('openness', 'text', (c) => c.notNull().check(inList('openness', openness)))
    .execute()

  await db.schema
    .createTable('categories')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('commons_funds')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('commons', 'infrastructure')`))
    .addColumn('currency', 'text', (c) =>
      c.notNull().check(sql`length(currency) = 3 and currency = upper(currency)`),
    )
    .addColumn('steward_organisation_id', 'integer', (c) =>
      c.references('organisations.id').onDelete('set null'),
    )
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .execute()

  await db.schema
    .createTable('offers')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('restrict'),
    )
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('good', 'commons')`))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) between 1 and 200`))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('category_id', 'integer', (c) => c.notNull().references('categories.id'))
    .addColumn('licence_code', 'text', (c) => c.references('licences.code'))
    .addColumn('unit', 'text', (c) => c.notNull())
    // null means unlimited: a commons item is not used up by being shared.
    .addColumn('stock', 'integer', (c) => c.check(sql`stock is null or stock >= 0`))
    .addColumn('delivery', 'text', (c) =>
      c.notNull().check(sql`delivery in ('shipping', 'pickup', 'shipping_or_pickup', 'download', 'link')`),
    )
    .addColumn('currency', 'text', (c) =>
      c.notNull().check(sql`length(currency) = 3 and currency = upper(currency)`),
    )
    .addColumn('commoner_price', 'integer', (c) => c.notNull().check(sql`commoner_price >= 0`))
    .addColumn('for_profit_price', 'integer', (c) => c.notNull())
    // The access fee (for_profit_price - commoner_price) split in basis points.
    .addColumn('access_fee_producer_bp', 'integer', (c) => c.notNull().check(sql`access_fee_producer_bp >= 0`))
    .addColumn('access_fee_commons_fund_bp', 'integer', (c) =>
      c.notNull().check(sql`access_fee_commons_fund_bp >= 0`),
    )
    .addColumn('access_fee_infrastructure_bp', 'integer', (c) =>
      c.notNull().check(sql`access_fee_infrastructure_bp >= 0`),
    )
    .addColumn('commons_fund_id', 'integer', (c) => c.notNull().references('commons_funds.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('active').check(sql`status in ('active', 'archived')`),
    )
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    // The defining promise: commons are free to commoners.
    .addCheckConstraint('offers_commons_free_to_commoners', sql`kind <> 'commons' or commoner_price = 0`)
    .addCheckConstraint('offers_for_profit_not_below_commoner', sql`for_profit_price >= commoner_price`)
    .addCheckConstraint('offers_commons_have_licence', sql`kind <> 'commons' or licence_code is not null`)
    .addCheckConstraint('offers_goods_have_stock', sql`kind <> 'good' or stock is not null`)
    .addCheckConstraint(
      'offers_access_fee_split_whole',
      sql`access_fee_producer_bp + access_fee_commons_fund_bp + access_fee_infrastructure_bp = 10000`,
    )
    .execute()
  await db.schema.createIndex('offers_organisation_idx').on('offers').column('organisation_id').execute()
  await db.schema.createIndex('offers_category_idx').on('offers').column('category_id').execute()
  await db.schema.createIndex('offers_commons_fund_idx').on('offers').column('commons_fund_id').execute()

  await db.schema
    .createTable('evidence_claims')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    // Set when the claim is about one offer (its certification, its cost breakdown).
    .addColumn('offer_id', 'integer', (c) => c.references('offers.id').onDelete('cascade'))
    .addColumn('claim', 'text', (c) => c.notNull().check(inList('claim', claimKinds)))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('evidence_level', 'text', (c) => c.notNull().check(inList('evidence_level', evidenceLevels)))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_url', 'text')
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addCheckConstraint('evidence_claims_expiry_after_issue', sql`expires_at is null or expires_at > issued_at`)
    .execute()
  await db.schema
    .createIndex('evidence_claims_organisation_idx')
    .on('evidence_claims')
    .column('organisation_id')
    .execute()
  await db.schema.createIndex('evidence_claims_offer_idx').on('evidence_claims').column('offer_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('evidence_claims').execute()
  await db.schema.dropTable('offers').execute()
  await db.schema.dropTable('commons_funds').execute()
  await db.schema.dropTable('categories').execute()
  await db.schema.dropTable('licences').execute()
  await db.schema.dropTable('memberships').execute()
  await db.schema.dropTable('people').execute()
  await db.schema.dropTable('organisations').execute()
  if (isPostgres(db)) {
    await sql`drop collation nocase`.execute(db)
    for (const f of ['strftime(text, text)', 'json_valid(text)', 'ifnull(anycompatible, anycompatible)']) await sql.raw(`drop function ${f}`).execute(db)
  }
}
