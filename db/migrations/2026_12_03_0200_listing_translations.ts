import { sql, type Kysely } from 'kysely'
import { bumpGeneration, createPostgresTrigger, dropPostgresTrigger, isPostgres } from './postgres'

// Frozen once landed. Issue 16, listings in several languages:
// - offers.language: the language the offer's own title and description are written in
//   (a code such as 'it'; existing offers were all written in English).
// - offer_translations: one title and description per other language, keyed by the offer and
//   the language, so a catalog page reads its 24 cards' texts with one join on the key. That a
//   translation is never in the offer's own language is the listings module's rule: a CHECK
//   cannot read another table.
// - The search index holds every language's text: an offer is found by a word of any of its
//   translations. FTS5 tables cannot be altered, so offer_search is made again with a fourth
//   column (the same tokenizer) and its triggers with it; on PostgreSQL the document adds the
//   translations' text.
// - Translations show on cached catalog and offer pages, as does the original's language: both
//   move the catalog generation.

const nowIso = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`

/** offers' columns whose change moves the generation (2026_11_24_0800 left stock out). */
const offerColumnsButStock = [
  'slug',
  'organisation_id',
  'kind',
  'title',
  'description',
  'category_id',
  'licence_code',
  'unit',
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
]

/** An offer's translations as one text for the index, in a stable order. */
const translationsOf = (offerId: string) =>
  `(select group_concat(text, ' ') from (select title || ' ' || description as text from offer_translations where offer_id = ${offerId} order by language))`

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('offers')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('en').check(sql`length(language) between 2 and 8`))
    .execute()

  let table = db.schema
    .createTable('offer_translations')
    .addColumn('offer_id', 'integer', (c) => c.notNull().references('offers.id').onDelete('cascade'))
    .addColumn('language', 'text', (c) => c.notNull().check(sql`length(language) between 2 and 8`))
    // The same limits as the offer's own text (the listings module checks them in words).
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) between 1 and 200`))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo('').check(sql`length(description) <= 5000`))
    .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addPrimaryKeyConstraint('offer_translations_pk', ['offer_id', 'language'])
  // Without a rowid the rows are stored in key order: a card's lookup reads one b-tree.
  if (!isPostgres(db)) table = table.modifyEnd(sql`without rowid`)
  await table.execute()

  if (isPostgres(db)) return upPostgres(db)

  await sql`drop trigger offers_generation_update`.execute(db)
  await sql
    .raw(`create trigger offers_generation_update after update of ${[...offerColumnsButStock, 'language'].join(', ')} on offers begin
      update catalog_stats set generation = generation + 1 where id = 1;
    end`)
    .execute(db)
  for (const event of ['insert', 'update', 'delete']) {
    await sql
      .raw(`create trigger offer_translations_generation_${event} after ${event} on offer_translations begin
        update catalog_stats set generation = generation + 1 where id = 1;
      end`)
      .execute(db)
  }

  for (const trigger of ['organisations_search_rename', 'offers_search_delete', 'offers_search_update', 'offers_search_insert']) {
    await sql.raw(`drop trigger ${trigger}`).execute(db)
  }
  await sql`drop table offer_search`.execute(db)
  await sql`create virtual table offer_search using fts5(
    title, description, producer, translations, tokenize = 'unicode61 remove_diacritics 2'
  )`.execute(db)
  await sql
    .raw(`insert into offer_search (rowid, title, description, producer, translations)
    select o.id, o.title, o.description, org.name, ${translationsOf('o.id')} from offers o join organisations org on org.id = o.organisation_id`)
    .execute(db)
  const insertNew = `insert into offer_search (rowid, title, description, producer, translations)
    values (new.id, new.title, new.description, (select name from organisations where id = new.organisation_id), ${translationsOf('new.id')});`
  await sql.raw(`create trigger offers_search_insert after insert on offers begin ${insertNew} end`).execute(db)
  await sql
    .raw(`create trigger offers_search_update after update of title, description, organisation_id on offers begin
    delete from offer_search where rowid = old.id;
    ${insertNew}
  end`)
    .execute(db)
  await sql`create trigger offers_search_delete after delete on offers begin
    delete from offer_search where rowid = old.id;
  end`.execute(db)
  await sql`create trigger organisations_search_rename after update of name on organisations begin
    update offer_search set producer = new.name where rowid in (select id from offers where organisation_id = new.id);
  end`.execute(db)
  // An update refreshes the offer it left too, should a translation ever move to another offer.
  const refresh = (row: 'new' | 'old') => `update offer_search set translations = ${translationsOf(`${row}.offer_id`)} where rowid = ${row}.offer_id;`
  for (const [event, body] of [
    ['insert', refresh('new')],
    ['update', `${refresh('old')} ${refresh('new')}`],
    ['delete', refresh('old')],
  ] as const) {
    await sql.raw(`create trigger offer_translations_search_${event} after ${event} on offer_translations begin ${body} end`).execute(db)
  }
}

/** The document of one offer, translations included; null when the offer is gone. */
const documentOf = `offer_search_document(o.title,
      concat_ws(' ', o.description, (select string_agg(concat_ws(' ', t.title, t.description), ' ' order by t.language) from offer_translations t where t.offer_id = o.id)),
      org.name)`

async function upPostgres(db: Kysely<any>): Promise<void> {
  await dropPostgresTrigger(db, 'offers_generation_update', 'offers')
  await createPostgresTrigger(db, 'offers_generation_update', {
    timing: 'after',
    events: `update of ${[...offerColumnsButStock, 'language'].join(', ')}`,
    table: 'offers',
    forEach: 'statement',
    body: bumpGeneration,
  })
  for (const event of ['insert', 'update', 'delete']) {
    await createPostgresTrigger(db, `offer_translations_generation_${event}`, {
      timing: 'after',
      events: event,
      table: 'offer_translations',
      forEach: 'statement',
      body: bumpGeneration,
    })
  }
  // Volatile: it runs inside triggers and must see the statement's own changes.
  await sql
    .raw(`create function offer_search_document_of(offer bigint) returns tsvector language sql volatile as $$
      select ${documentOf} from offers o join organisations org on org.id = o.organisation_id where o.id = offer $$`)
    .execute(db)
  await sql.raw(`update offer_search s set document = offer_search_document_of(s.offer_id)`).execute(db)
  const upsert = `insert into offer_search (offer_id, document) values (new.id, offer_search_document_of(new.id))
    on conflict (offer_id) do update set document = excluded.document;`
  for (const [name, events] of [
    ['offers_search_insert', 'insert'],
    ['offers_search_update', 'update of title, description, organisation_id'],
  ] as const) {
    await dropPostgresTrigger(db, name, 'offers')
    await createPostgresTrigger(db, name, { timing: 'after', events, table: 'offers', forEach: 'row', body: upsert })
  }
  await dropPostgresTrigger(db, 'organisations_search_rename', 'organisations')
  await createPostgresTrigger(db, 'organisations_search_rename', {
    timing: 'after',
    events: 'update of name',
    table: 'organisations',
    forEach: 'row',
    body: `update offer_search s set document = offer_search_document_of(o.id) from offers o where o.organisation_id = new.id and s.offer_id = o.id;`,
  })
  // An offer's deletion cascades to its translations: then the offer (and its document) is gone.
  const refresh = (row: 'new' | 'old') =>
    `update offer_search s set document = offer_search_document_of(s.offer_id)
      where s.offer_id = ${row}.offer_id and exists (select 1 from offers where id = ${row}.offer_id);`
  await createPostgresTrigger(db, 'offer_translations_search_insert', { timing: 'after', events: 'insert', table: 'offer_translations', forEach: 'row', body: refresh('new') })
  await createPostgresTrigger(db, 'offer_translations_search_update', {
    timing: 'after',
    events: 'update',
    table: 'offer_translations',
    forEach: 'row',
    body: `${refresh('old')} ${refresh('new')}`,
  })
  await createPostgresTrigger(db, 'offer_translations_search_delete', { timing: 'after', events: 'delete', table: 'offer_translations', forEach: 'row', body: refresh('old') })
}

async function downPostgres(db: Kysely<any>): Promise<void> {
  for (const event of ['insert', 'update', 'delete']) {
    await dropPostgresTrigger(db, `offer_translations_search_${event}`, 'offer_translations')
    await dropPostgresTrigger(db, `offer_translations_generation_${event}`, 'offer_translations')
  }
  // The triggers of 2026_11_24_0400, as they were.
  const upsert = `insert into offer_search (offer_id, document)
    values (new.id, offer_search_document(new.title, new.description, (select name from organisations where id = new.organisation_id)))
    on conflict (offer_id) do update set document = excluded.document;`
  for (const [name, events] of [
    ['offers_search_insert', 'insert'],
    ['offers_search_update', 'update of title, description, organisation_id'],
  ] as const) {
    await dropPostgresTrigger(db, name, 'offers')
    await createPostgresTrigger(db, name, { timing: 'after', events, table: 'offers', forEach: 'row', body: upsert })
  }
  await dropPostgresTrigger(db, 'organisations_search_rename', 'organisations')
  await createPostgresTrigger(db, 'organisations_search_rename', {
    timing: 'after',
    events: 'update of name',
    table: 'organisations',
    forEach: 'row',
    body: `update offer_search s set document = offer_search_document(o.title, o.description, new.name)
      from offers o where o.organisation_id = new.id and s.offer_id = o.id;`,
  })
  await sql`drop function offer_search_document_of(bigint)`.execute(db)
  await sql`update offer_search s set document = offer_search_document(o.title, o.description, org.name)
    from offers o join organisations org on org.id = o.organisation_id where s.offer_id = o.id`.execute(db)
  await dropPostgresTrigger(db, 'offers_generation_update', 'offers')
  await createPostgresTrigger(db, 'offers_generation_update', {
    timing: 'after',
    events: `update of ${offerColumnsButStock.join(', ')}`,
    table: 'offers',
    forEach: 'statement',
    body: bumpGeneration,
  })
  await db.schema.dropTable('offer_translations').execute()
  await db.schema.alterTable('offers').dropColumn('language').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return downPostgres(db)
  for (const event of ['insert', 'update', 'delete']) await sql.raw(`drop trigger offer_translations_search_${event}`).execute(db)
  for (const event of ['insert', 'update', 'delete']) await sql.raw(`drop trigger offer_translations_generation_${event}`).execute(db)
  for (const trigger of ['organisations_search_rename', 'offers_search_delete', 'offers_search_update', 'offers_search_insert']) {
    await sql.raw(`drop trigger ${trigger}`).execute(db)
  }
  await sql`drop table offer_search`.execute(db)
  // The index and triggers of 2026_11_24_0400, as they were.
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
  await sql`drop trigger offers_generation_update`.execute(db)
  await sql
    .raw(`create trigger offers_generation_update after update of ${offerColumnsButStock.join(', ')} on offers begin
      update catalog_stats set generation = generation + 1 where id = 1;
    end`)
    .execute(db)
  await db.schema.dropTable('offer_translations').execute()
  await db.schema.alterTable('offers').dropColumn('language').execute()
}
