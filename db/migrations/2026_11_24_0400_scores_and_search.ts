import { sql, type Kysely } from 'kysely'
import { bumpGeneration, createPostgresTrigger, dropPostgresTrigger, isPostgres } from './postgres'

// Frozen once landed. The ethical-preference score's rules documents, one stored score per
// offer (with the rules version it was computed with) and the full-text index of the catalog.
// PostgreSQL branches were added later, changing nothing on SQLite (docs/decisions/0019-postgresql.md).

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

const generationTables = ['offers', 'organisations', 'evidence_claims', 'categories', 'licences', 'commons_funds']

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
      published_at: '2026-11-24T00:00:00.000Z',
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
    // Copies of the catalog's filter facets, kept in step by the triggers below, so filtering
    // and ranking read one narrow table and its indexes instead of joining wide rows.
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('category_id', 'integer', (c) => c.notNull())
    .addColumn('licence_code', 'text')
    .addColumn('legal_form', 'text', (c) => c.notNull())
    .addColumn('country_code', 'text', (c) => c.notNull())
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
  for (const facet of ['kind', 'category_id', 'licence_code', 'legal_form', 'country_code']) {
    await db.schema
      .createIndex(`offer_scores_${facet}_ranking_idx`)
      .on('offer_scores')
      .expression(sql.raw(`listed, ${facet}, score desc, offer_id`))
      .execute()
  }
  // A search joins its matches to their scores by id: this narrow covering copy keeps those
  // lookups in a few megabytes of cache instead of the whole table.
  await db.schema
    .createIndex('offer_scores_search_idx')
    .on('offer_scores')
    .columns(['offer_id', 'listed', 'score', 'kind', 'category_id', 'licence_code', 'legal_form', 'country_code'])
    .execute()
  await db.schema.createIndex('offer_scores_valid_until_idx').on('offer_scores').column('valid_until').execute()

  // Kept by triggers on every change to offer_scores: a generation number, so an in-memory copy
  // of the ranking can tell cheaply (and across processes) whether it is current, and the
  // number of listed offers, so the unfiltered catalog knows its size without counting.
  await db.schema
    .createTable('catalog_stats')
    .addColumn('id', 'integer', (c) => c.primaryKey().notNull().check(sql`id = 1`))
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('listed_count', 'integer', (c) => c.notNull().check(sql`listed_count >= 0`))
    .execute()
  await db.insertInto('catalog_stats').values({ id: 1, generation: 0, listed_count: 0 }).execute()
  const listedDelta = { insert: 'new.listed', update: 'new.listed - old.listed', delete: '- old.listed' }
  if (isPostgres(db)) return upPostgres(db, listedDelta)
  for (const [event, delta] of Object.entries(listedDelta)) {
    await sql
      .raw(`create trigger offer_scores_stats_${event} after ${event} on offer_scores begin
        update catalog_stats set generation = generation + 1, listed_count = listed_count + (${delta}) where id = 1;
      end`)
      .execute(db)
  }

  // Every other table the public catalog pages read moves the generation too, so a cached
  // rendering of those pages is never served after its data changed.
  for (const table of generationTables) {
    for (const event of ['insert', 'update', 'delete']) {
      await sql
        .raw(`create trigger ${table}_generation_${event} after ${event} on ${table} begin
          update catalog_stats set generation = generation + 1 where id = 1;
        end`)
        .execute(db)
    }
  }

  await sql`create trigger offer_scores_offer_facets after update of kind, category_id, licence_code, organisation_id on offers begin
    update offer_scores set kind = new.kind, category_id = new.category_id, licence_code = new.licence_code,
      legal_form = (select legal_form from organisations where id = new.organisation_id),
      country_code = (select country_code from organisations where id = new.organisation_id)
    where offer_id = new.id;
  end`.execute(db)
  await sql`create trigger offer_scores_organisation_facets after update of legal_form, country_code on organisations begin
    update offer_scores set legal_form = new.legal_form, country_code = new.country_code
    where offer_id in (select id from offers where organisation_id = new.id);
  end`.execute(db)

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

}

/**
 * The same triggers on PostgreSQL, and the search index as a tsvector per offer under a GIN
 * index (the catalog's search seam, app/modules/catalog/search.server.ts, queries it).
 */
async function upPostgres(db: Kysely<any>, listedDelta: Record<string, string>): Promise<void> {
  for (const [event, delta] of Object.entries(listedDelta)) {
    await createPostgresTrigger(db, `offer_scores_stats_${event}`, {
      timing: 'after',
      events: event,
      table: 'offer_scores',
      forEach: 'row',
      body: `update catalog_stats set generation = generation + 1, listed_count = listed_count + (${delta}) where id = 1;`,
    })
  }
  for (const table of generationTables) {
    for (const event of ['insert', 'update', 'delete']) {
      await createPostgresTrigger(db, `${table}_generation_${event}`, { timing: 'after', events: event, table, forEach: 'statement', body: bumpGeneration })
    }
  }
  await createPostgresTrigger(db, 'offer_scores_offer_facets', {
    timing: 'after',
    events: 'update of kind, category_id, licence_code, organisation_id',
    table: 'offers',
    forEach: 'row',
    body: `update offer_scores set kind = new.kind, category_id = new.category_id, licence_code = new.licence_code,
      legal_form = (select legal_form from organisations where id = new.organisation_id),
      country_code = (select country_code from organisations where id = new.organisation_id)
    where offer_id = new.id;`,
  })
  await createPostgresTrigger(db, 'offer_scores_organisation_facets', {
    timing: 'after',
    events: 'update of legal_form, country_code',
    table: 'organisations',
    forEach: 'row',
    body: `update offer_scores set legal_form = new.legal_form, country_code = new.country_code
    where offer_id in (select id from offers where organisation_id = new.id);`,
  })

  // One document per offer: its title, description and producer, case- and accent-folded
  // ('simple' keeps every word, as FTS5's unicode61 tokenizer does; no language's stemming).
  await sql`create table offer_search (offer_id bigint primary key, document tsvector not null)`.execute(db)
  await sql`create index offer_search_document_idx on offer_search using gin (document)`.execute(db)
  await sql`create function offer_search_document(title text, description text, producer text) returns tsvector
    language sql stable as $$ select to_tsvector('simple', unaccent(concat_ws(' ', title, description, producer))) $$`.execute(db)
  await sql`insert into offer_search (offer_id, document)
    select o.id, offer_search_document(o.title, o.description, org.name) from offers o join organisations org on org.id = o.organisation_id`.execute(db)
  const upsert = `insert into offer_search (offer_id, document)
    values (new.id, offer_search_document(new.title, new.description, (select name from organisations where id = new.organisation_id)))
    on conflict (offer_id) do update set document = excluded.document;`
  await createPostgresTrigger(db, 'offers_search_insert', { timing: 'after', events: 'insert', table: 'offers', forEach: 'row', body: upsert })
  await createPostgresTrigger(db, 'offers_search_update', {
    timing: 'after',
    events: 'update of title, description, organisation_id',
    table: 'offers',
    forEach: 'row',
    body: upsert,
  })
  await createPostgresTrigger(db, 'offers_search_delete', {
    timing: 'after',
    events: 'delete',
    table: 'offers',
    forEach: 'row',
    body: 'delete from offer_search where offer_id = old.id;',
  })
  await createPostgresTrigger(db, 'organisations_search_rename', {
    timing: 'after',
    events: 'update of name',
    table: 'organisations',
    forEach: 'row',
    body: `update offer_search s set document = offer_search_document(o.title, o.description, new.name)
      from offers o where o.organisation_id = new.id and s.offer_id = o.id;`,
  })
}

async function downPostgres(db: Kysely<any>): Promise<void> {
  for (const table of generationTables) {
    for (const event of ['insert', 'update', 'delete']) await dropPostgresTrigger(db, `${table}_generation_${event}`, table)
  }
  for (const event of ['insert', 'update', 'delete']) await dropPostgresTrigger(db, `offer_scores_stats_${event}`, 'offer_scores')
  await db.schema.dropTable('catalog_stats').execute()
  await dropPostgresTrigger(db, 'offer_scores_organisation_facets', 'organisations')
  await dropPostgresTrigger(db, 'offer_scores_offer_facets', 'offers')
  await dropPostgresTrigger(db, 'organisations_search_rename', 'organisations')
  for (const event of ['delete', 'update', 'insert']) await dropPostgresTrigger(db, `offers_search_${event}`, 'offers')
  await sql`drop table offer_search`.execute(db)
  await sql`drop function offer_search_document(text, text, text)`.execute(db)
  await db.schema.dropTable('offer_scores').execute()
  await db.schema.dropTable('score_rules').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return downPostgres(db)
  for (const table of generationTables) {
    for (const event of ['insert', 'update', 'delete']) await sql.raw(`drop trigger ${table}_generation_${event}`).execute(db)
  }
  for (const event of ['insert', 'update', 'delete']) await sql.raw(`drop trigger offer_scores_stats_${event}`).execute(db)
  await db.schema.dropTable('catalog_stats').execute()
  await sql`drop trigger offer_scores_organisation_facets`.execute(db)
  await sql`drop trigger offer_scores_offer_facets`.execute(db)
  await sql`drop trigger organisations_search_rename`.execute(db)
  await sql`drop trigger offers_search_delete`.execute(db)
  await sql`drop trigger offers_search_update`.execute(db)
  await sql`drop trigger offers_search_insert`.execute(db)
  await sql`drop table offer_search`.execute(db)
  await db.schema.dropTable('offer_scores').execute()
  await db.schema.dropTable('score_rules').execute()
}
