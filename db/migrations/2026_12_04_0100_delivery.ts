import { sql, type Kysely } from 'kysely'

// Frozen once landed. Issue 17, goods that reach their buyers:
// - delivery_methods: how one producer hands over its goods. A pickup point (an address, its days
//   and hours, instructions) or a shipping method for a zone of countries, priced by a flat rate
//   and/or bands by order value or weight, free above an amount. Methods are archived, never
//   deleted, because orders keep pointing at the method they were placed with.
// - delivery_rate_bands: the bands of a shipping method; the band with the greatest "from" at or
//   below the order's value (minor units) or weight (grams) applies.
// - offer_delivery_methods: which of its producer's methods an offer can travel by. An offer of
//   goods with no rows here travels by every active method of its producer; commons need none.
// - offers.weight_grams: what one unit weighs, for rates by weight.
// - delivery_addresses: the addresses a person saved at checkout, to choose from next time.
// - orders: the delivery chosen for one producer's part, snapshotted as the buyer saw it (the
//   method may change or be archived later). shipping_total is money on top of the goods: the
//   order's total stays commoner_total + access_fee_total, and what the buyer pays for an order
//   is total + shipping_total. Shipping is the producer's money, never part of the access fee.
//   ready_for_pickup_at is when the producer said a pickup order awaits its buyer.

const countryList = (column: string) =>
  // ISO 3166-1 alpha-2 codes, comma-separated, upper case: "IT,FR,DE"
  sql.raw(`${column} is null or (length(${column}) between 2 and 800 and ${column} = upper(${column}))`)

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('delivery_methods')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('pickup', 'shipping')`))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 80`))
    // pickup points
    .addColumn('pickup_address', 'text', (c) => c.check(sql`pickup_address is null or length(pickup_address) between 1 and 300`))
    .addColumn('pickup_hours', 'text', (c) => c.check(sql`pickup_hours is null or length(pickup_hours) between 1 and 300`))
    .addColumn('instructions', 'text', (c) => c.check(sql`instructions is null or length(instructions) <= 1000`))
    // shipping methods
    .addColumn('countries', 'text', (c) => c.check(countryList('countries')))
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`length(currency) = 3 and currency = upper(currency)`))
    .addColumn('flat_rate', 'integer', (c) => c.check(sql`flat_rate is null or flat_rate >= 0`))
    .addColumn('rate_basis', 'text', (c) => c.check(sql`rate_basis is null or rate_basis in ('value', 'weight')`))
    .addColumn('free_above', 'integer', (c) => c.check(sql`free_above is null or free_above > 0`))
    .addColumn('archived_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`))
    .addCheckConstraint(
      'delivery_methods_kind_fields',
      sql`(kind = 'pickup' and pickup_address is not null and pickup_hours is not null and countries is null and flat_rate is null and rate_basis is null and free_above is null)
       or (kind = 'shipping' and countries is not null and pickup_address is null and pickup_hours is null)`,
    )
    .execute()
  await db.schema.createIndex('delivery_methods_organisation_idx').on('delivery_methods').columns(['organisation_id', 'id']).execute()

  await db.schema
    .createTable('delivery_rate_bands')
    .addColumn('method_id', 'integer', (c) => c.notNull().references('delivery_methods.id').onDelete('cascade'))
    .addColumn('from_amount', 'integer', (c) => c.notNull().check(sql`from_amount >= 0`))
    .addColumn('rate', 'integer', (c) => c.notNull().check(sql`rate >= 0`))
    .addPrimaryKeyConstraint('delivery_rate_bands_pk', ['method_id', 'from_amount'])
    .execute()

  await db.schema
    .createTable('offer_delivery_methods')
    .addColumn('offer_id', 'integer', (c) => c.notNull().references('offers.id').onDelete('cascade'))
    .addColumn('method_id', 'integer', (c) => c.notNull().references('delivery_methods.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('offer_delivery_methods_pk', ['offer_id', 'method_id'])
    .execute()
  await db.schema.createIndex('offer_delivery_methods_method_idx').on('offer_delivery_methods').column('method_id').execute()

  await db.schema
    .alterTable('offers')
    .addColumn('weight_grams', 'integer', (c) => c.check(sql`weight_grams is null or weight_grams between 0 and 1000000`))
    .execute()

  await db.schema
    .createTable('delivery_addresses')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('recipient', 'text', (c) => c.notNull().check(sql`length(recipient) between 1 and 120`))
    .addColumn('line1', 'text', (c) => c.notNull().check(sql`length(line1) between 1 and 200`))
    .addColumn('line2', 'text', (c) => c.check(sql`line2 is null or length(line2) <= 200`))
    .addColumn('postal_code', 'text', (c) => c.notNull().check(sql`length(postal_code) between 1 and 20`))
    .addColumn('city', 'text', (c) => c.notNull().check(sql`length(city) between 1 and 120`))
    .addColumn('region', 'text', (c) => c.check(sql`region is null or length(region) <= 120`))
    .addColumn('country', 'text', (c) => c.notNull().check(sql`length(country) = 2 and country = upper(country)`))
    .addColumn('phone', 'text', (c) => c.check(sql`phone is null or length(phone) <= 40`))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`))
    .addColumn('last_used_at', 'text')
    .addColumn('removed_at', 'text')
    .execute()
  await db.schema.createIndex('delivery_addresses_person_idx').on('delivery_addresses').columns(['person_id', 'id']).execute()

  await db.schema.alterTable('orders').addColumn('delivery_method_id', 'integer', (c) => c.references('delivery_methods.id')).execute()
  await db.schema
    .alterTable('orders')
    .addColumn('delivery_kind', 'text', (c) => c.check(sql`delivery_kind is null or delivery_kind in ('pickup', 'shipping')`))
    .execute()
  // The method's name, the pickup point (address, hours, instructions) or the shipping address,
  // as text lines the receipt, the packing view and the mails print as they are.
  await db.schema
    .alterTable('orders')
    .addColumn('delivery_details', 'text', (c) => c.check(sql`delivery_details is null or length(delivery_details) <= 2000`))
    .execute()
  await db.schema
    .alterTable('orders')
    .addColumn('shipping_total', 'integer', (c) => c.notNull().defaultTo(0).check(sql`shipping_total >= 0`))
    .execute()
  await db.schema.alterTable('orders').addColumn('ready_for_pickup_at', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orders').dropColumn('ready_for_pickup_at').execute()
  await db.schema.alterTable('orders').dropColumn('shipping_total').execute()
  await db.schema.alterTable('orders').dropColumn('delivery_details').execute()
  await db.schema.alterTable('orders').dropColumn('delivery_kind').execute()
  await db.schema.alterTable('orders').dropColumn('delivery_method_id').execute()
  await db.schema.dropTable('delivery_addresses').execute()
  await db.schema.alterTable('offers').dropColumn('weight_grams').execute()
  await db.schema.dropTable('offer_delivery_methods').execute()
  await db.schema.dropTable('delivery_rate_bands').execute()
  await db.schema.dropTable('delivery_methods').execute()
}
