import { sql, type Kysely } from 'kysely'

// Frozen once landed. The ethical-preference score's rules documents, one stored score per
// offer (with the rules version it was computed with) and the full-text index of the catalog.

const nowIso = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`
const earnedColumns = [
  'earned_ownership',
  'earned_surplus',
  'earned_open_knowledge',
  'earned_fair_work',
  'earned_transparency',
  'earned_environment',
  'earned_cooperation',
]

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('score_rules')
    .addColumn('version', 'integer', (c) => c.primaryKey().notNull())
    // JSON: { ownership, surplus, openKnowledge, fairWork, transparency, environment, cooperation }
    .addColumn('weights', 'text', (c) => c.notNull().check(sql`json_valid(weights)`))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('published_by', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .execute()
  await db
    .insertInto('score_rules')
    .values({
      version: 1,
      weights: JSON.stringify({
        ownership: 25,
        surplus: 20,
        openKnowledge: 15,
        fairWork: 15,
        transparency: 10,
        environment: 10,
        cooperation: 5,
      }),
      note: 'The founding weights of DESIGN.md.',
      published_by: 'founding stewards',
      published_at: '2026-11-24T04:00:00.000Z',
    })
    .execute()

  let table = db.schema
    .createTable('offer_scores')
    .addColumn('offer_id', 'integer', (c) => c.primaryKey().notNull().references('offers.id').onDelete('cascade'))
    .addColumn('rules_version', 'integer', (c) => c.notNull().references('score_rules.version'))
    .addColumn('score', 'real', (c) => c.notNull().check(sql`score between 0 and 100`))
    .addColumn('confidence', 'real', (c) => c.notNull().check(sql`confidence between 0 and 1`))
    // 1 when the offer shows in the catalog: active and not hit by a hard exclusion.
    .addColumn('listed', 'integer', (c) => c.notNull().check(sql`listed in (0, 1)`))
    .addColumn('exclusion_reason', 'text')
  for (const column of earnedColumns) {
    table = table.addColumn(column, 'real', (c) => c.notNull().check(sql.raw(`${column} between 0 and 1`)))
  }
  await table
    // JSON: the explanation lines, one per criterion component.
    .addColumn('explanation', 'text', (c) => c.notNull().check(sql`json_valid(explanation)`))
    // The earliest expiry among the evidence the score relied on: recompute when it passes.
    .addColumn('valid_until', 'text')
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .execute()
  // The catalog's default order; covering, so deep pages skip rows without touching offers.
  await db.schema
    .createIndex('offer_scores_ranking_idx')
    .on('offer_scores')
    .expression(sql`listed, score desc, offer_id`)
    .execute()
  await db.schema.createIndex('offer_scores_valid_until_idx').on('offer_scores').column('valid_until').execute()

  await sql`create virtual table offer_search using fts5(
    title, description, producer, tokenize = 'unicode61 remove_diacritics 2'
  )`.execute(db)
  await sql`insert into offer_search (rowid, title, description, producer)
    select o.id, o.title, o.description, org.name from offers o join organisations org on org.id = o.organisation_id`.execute(db)
  await sql`create trigger offers_search_insert after insert on offers begin
    insert into offer_search (rowid, title, description, producer)
    values (new.id, new.title, new.description, (select name from organisations where id = new.organisation_id));
  end`.execute(db)
  await sql`create trigger offers_search_update after update of title, description, organisation_id on offers begin
    delete from offer_search where rowid = old.id;
    insert into offer_search (rowid, title, description, producer)
    values (new.id, new.title, new.description, (select name from organisations where id = new.organisation_id));
  end`.execute(db)
  await sql`create trigger offers_search_delete after delete on offers begin
    delete from offer_search where rowid = old.id;
  end`.execute(db)
  await sql`create trigger organisations_search_rename after update of name on organisations begin
    update offer_search set producer = new.name where rowid in (select id from offers where organisation_id = new.id);
  end`.execute(db)

  // Filters the catalog offers next to the ranking.
  await db.schema.createIndex('offers_kind_idx').on('offers').column('kind').execute()
  await db.schema.createIndex('offers_licence_idx').on('offers').column('licence_code').execute()
  await db.schema.createIndex('organisations_legal_form_idx').on('organisations').column('legal_form').execute()
  await db.schema.createIndex('organisations_country_idx').on('organisations').column('country_code').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('organisations_country_idx').execute()
  await db.schema.dropIndex('organisations_legal_form_idx').execute()
  await db.schema.dropIndex('offers_licence_idx').execute()
  await db.schema.dropIndex('offers_kind_idx').execute()
  await sql`drop trigger organisations_search_rename`.execute(db)
  await sql`drop trigger offers_search_delete`.execute(db)
  await sql`drop trigger offers_search_update`.execute(db)
  await sql`drop trigger offers_search_insert`.execute(db)
  await sql`drop table offer_search`.execute(db)
  await db.schema.dropTable('offer_scores').execute()
  await db.schema.dropTable('score_rules').execute()
}
