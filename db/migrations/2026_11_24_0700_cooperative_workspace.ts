import { sql, type Kysely } from 'kysely'
import { bumpGeneration, createPostgresTrigger, dropPostgresTrigger, isPostgres } from './postgres'

// Frozen once landed. The co-op workspace: offer images, the stock history, and shipping.
// PostgreSQL branches were added later, changing nothing on SQLite (docs/decisions/0019-postgresql.md).

const nowIso = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`

export async function up(db: Kysely<any>): Promise<void> {
  // Files live on disk (UPLOAD_DIR) under names derived from the id; the row is the truth about them.
  await db.schema
    .createTable('offer_images')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('offer_id', 'integer', (c) => c.notNull().references('offers.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 0`))
    .addColumn('storage_key', 'text', (c) => c.notNull().unique())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('alt_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('width', 'integer', (c) => c.notNull().check(sql`width > 0`))
    .addColumn('height', 'integer', (c) => c.notNull().check(sql`height > 0`))
    .addColumn('byte_size', 'integer', (c) => c.notNull().check(sql`byte_size > 0`))
    .addColumn('created_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .execute()
  await db.schema.createIndex('offer_images_offer_idx').on('offer_images').columns(['offer_id', 'position']).execute()

  // Every manual change of stock, with who made it and why; orders move stock on their own.
  await db.schema
    .createTable('stock_adjustments')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('offer_id', 'integer', (c) => c.notNull().references('offers.id').onDelete('cascade'))
    .addColumn('delta', 'integer', (c) => c.notNull())
    .addColumn('stock_after', 'integer', (c) => c.notNull().check(sql`stock_after >= 0`))
    .addColumn('reason', 'text', (c) =>
      c.notNull().check(sql`reason in ('listed', 'restock', 'correction', 'damaged', 'returned', 'imported')`),
    )
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('stock_adjustments_offer_idx').on('stock_adjustments').columns(['offer_id', 'id']).execute()

  await db.schema.alterTable('orders').addColumn('shipped_at', 'text').execute()
  await db.schema.alterTable('orders').addColumn('shipping_note', 'text').execute()

  // Images show on cached catalog and offer pages: any change must move the generation.
  for (const event of ['insert', 'update', 'delete']) {
    if (isPostgres(db)) {
      await createPostgresTrigger(db, `offer_images_generation_${event}`, { timing: 'after', events: event, table: 'offer_images', forEach: 'statement', body: bumpGeneration })
      continue
    }
    await sql
      .raw(`create trigger offer_images_generation_${event} after ${event} on offer_images begin
        update catalog_stats set generation = generation + 1 where id = 1;
      end`)
      .execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const event of ['insert', 'update', 'delete']) {
    if (isPostgres(db)) await dropPostgresTrigger(db, `offer_images_generation_${event}`, 'offer_images')
    else await sql.raw(`drop trigger offer_images_generation_${event}`).execute(db)
  }
  await db.schema.alterTable('orders').dropColumn('shipping_note').execute()
  await db.schema.alterTable('orders').dropColumn('shipped_at').execute()
  await db.schema.dropTable('stock_adjustments').execute()
  await db.schema.dropTable('offer_images').execute()
}
