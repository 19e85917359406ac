import { sql, type Kysely } from 'kysely'
import { bumpGeneration, createPostgresTrigger, dropPostgresTrigger, isPostgres } from './postgres'

// Frozen once landed. A sale moves an offer's stock; with the generation bumped on every
// update of `offers`, each sale threw away every cached catalog page and the in-memory
// ranking. Stock alone no longer moves it: cached public pages may show a stock figure up to
// the page cache's 60 s old (signed-in buyers, who bypass the cache, always see it live, and
// the checkout's guarded update is what decides a sale).
// PostgreSQL branches were added later, changing nothing on SQLite (docs/decisions/0019-postgresql.md).

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

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await dropPostgresTrigger(db, 'offers_generation_update', 'offers')
    const events = `update of ${offerColumnsButStock.join(', ')}`
    return createPostgresTrigger(db, 'offers_generation_update', { timing: 'after', events, table: 'offers', forEach: 'statement', body: bumpGeneration })
  }
  await sql`drop trigger offers_generation_update`.execute(db)
  await sql
    .raw(`create trigger offers_generation_update after update of ${offerColumnsButStock.join(', ')} on offers begin
      update catalog_stats set generation = generation + 1 where id = 1;
    end`)
    .execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await dropPostgresTrigger(db, 'offers_generation_update', 'offers')
    return createPostgresTrigger(db, 'offers_generation_update', { timing: 'after', events: 'update', table: 'offers', forEach: 'statement', body: bumpGeneration })
  }
  await sql`drop trigger offers_generation_update`.execute(db)
  await sql
    .raw(`create trigger offers_generation_update after update on offers begin
      update catalog_stats set generation = generation + 1 where id = 1;
    end`)
    .execute(db)
}
