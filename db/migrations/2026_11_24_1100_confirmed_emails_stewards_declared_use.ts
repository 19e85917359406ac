import { sql, type Kysely } from 'kysely'

// Frozen once landed. Confirmed email addresses, steward appointments by two stewards, the
// declared use a buyer signs at checkout, and a producer's cap on personal-use quantities.

const nowIso = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`

export async function up(db: Kysely<any>): Promise<void> {
  // Null: the person has not confirmed the address yet. Sign-up leaves it null; rows written
  // by administrators (the demo seed, imports) set it. Everyone who exists before this
  // migration was either seeded or signed up when no confirmation existed: they count as
  // confirmed since they joined, rather than being locked out of their organisations.
  await db.schema.alterTable('people').addColumn('email_confirmed_at', 'text').execute()
  await sql`update people set email_confirmed_at = created_at`.execute(db)

  await db.schema
    .createTable('email_confirmations')
    .addColumn('token_hash', 'text', (c) => c.primaryKey().notNull())
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    // The address the link was mailed to: the link confirms that address and no other.
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute()
  await db.schema.createIndex('email_confirmations_person_idx').on('email_confirmations').columns(['person_id', 'created_at']).execute()

  await db.schema
    .createTable('steward_appointments')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('proposed_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('proposed_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`length(reason) between 5 and 1000`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('proposed').check(sql`status in ('proposed', 'approved', 'rejected')`))
    .addColumn('decided_by', 'integer', (c) => c.references('people.id'))
    .addColumn('decided_at', 'text')
    // Two stewards, always: the proposer never decides, and nobody proposes themselves.
    .addCheckConstraint('steward_appointments_two_people', sql`decided_by is null or decided_by <> proposed_by`)
    .addCheckConstraint('steward_appointments_not_self', sql`person_id <> proposed_by`)
    .addCheckConstraint('steward_appointments_decided', sql`(status = 'proposed') = (decided_by is null)`)
    .execute()
  await db.schema
    .createIndex('steward_appointments_one_open')
    .on('steward_appointments')
    .column('person_id')
    .unique()
    .where(sql.ref('status'), '=', 'proposed')
    .execute()

  // The use the buyer signed, in the words they confirmed; null for checkouts placed before
  // buyers were asked to sign it.
  await db.schema.alterTable('checkouts').addColumn('declared_use', 'text').execute()
  // Personal use declared by a member of a for-profit organisation: which ones, so the producer
  // sees the order flagged as it was when placed (memberships change later).
  await db.schema.alterTable('checkouts').addColumn('for_profit_affiliation', 'text').execute()

  // At most this many units of a good per person for personal use; null: no cap.
  await db.schema
    .alterTable('offers')
    .addColumn('personal_use_cap', 'integer', (c) => c.check(sql`personal_use_cap is null or personal_use_cap between 1 and 999`))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('offers').dropColumn('personal_use_cap').execute()
  await db.schema.alterTable('checkouts').dropColumn('for_profit_affiliation').execute()
  await db.schema.alterTable('checkouts').dropColumn('declared_use').execute()
  await db.schema.dropTable('steward_appointments').execute()
  await db.schema.dropTable('email_confirmations').execute()
  await db.schema.alterTable('people').dropColumn('email_confirmed_at').execute()
}
