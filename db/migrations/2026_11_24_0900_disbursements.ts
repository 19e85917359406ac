import { sql, type Kysely } from 'kysely'

// Frozen once landed. Disbursements out of commons funds, and each fund's audit trail.

const nowIso = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('disbursements')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('commons_fund_id', 'integer', (c) => c.notNull().references('commons_funds.id'))
    .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`length(currency) = 3 and currency = upper(currency)`))
    .addColumn('recipient', 'text', (c) => c.notNull().check(sql`length(recipient) between 2 and 200`))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`length(purpose) between 10 and 2000`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('requested', 'approved', 'rejected', 'withdrawn')`))
    .addColumn('requested_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'integer', (c) => c.references('people.id'))
    .addColumn('decided_at', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('journal_entry_id', 'integer', (c) => c.unique().references('journal_entries.id'))
    // The rule the whole feature rests on: nobody approves their own request.
    .addCheckConstraint('disbursements_not_self_approved', sql`decided_by is null or decided_by <> requested_by`)
    .addCheckConstraint('disbursements_approved_posted', sql`(status = 'approved') = (journal_entry_id is not null)`)
    .execute()
  await db.schema.createIndex('disbursements_fund_idx').on('disbursements').columns(['commons_fund_id', 'id']).execute()
  await db.schema.createIndex('disbursements_status_idx').on('disbursements').columns(['status', 'id']).execute()

  await db.schema
    .createTable('fund_audit_events')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('commons_fund_id', 'integer', (c) => c.notNull().references('commons_funds.id'))
    .addColumn('disbursement_id', 'integer', (c) => c.references('disbursements.id'))
    .addColumn('actor_id', 'integer', (c) => c.references('people.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .execute()
  await db.schema.createIndex('fund_audit_events_fund_idx').on('fund_audit_events').columns(['commons_fund_id', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('fund_audit_events').execute()
  await db.schema.dropTable('disbursements').execute()
}
