import { sql, type Kysely } from 'kysely'

// Frozen once landed. Issue 12, buyer credits as real money:
// - A credit the marketplace owes an organisation pays part or all of its next order:
//   orders.credit_applied is the part of the order's total paid from that credit, so what is
//   still to pay by card or invoice is total - credit_applied. The ledger carries the money
//   (a `credit_applied` entry); the column lets payment, Stripe and the receipt know the due
//   amount without summing entries.
// - Or the organisation asks for its credit to be paid out: a credit_payouts row is only a
//   request until a steward who is neither the asker nor one of its members approves it, as
//   disbursements are.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('orders')
    .addColumn('credit_applied', 'integer', (c) => c.notNull().defaultTo(0).check(sql`credit_applied >= 0 and credit_applied <= total`))
    .execute()

  await db.schema
    .createTable('credit_payouts')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
    .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`length(currency) = 3 and currency = upper(currency)`))
    .addColumn('pay_to', 'text', (c) => c.notNull().check(sql`length(pay_to) between 5 and 300`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('requested', 'approved', 'rejected')`))
    .addColumn('requested_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'integer', (c) => c.references('people.id'))
    .addColumn('decided_at', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('journal_entry_id', 'integer', (c) => c.unique().references('journal_entries.id'))
    .addCheckConstraint('credit_payouts_not_self_approved', sql`decided_by is null or decided_by <> requested_by`)
    .addCheckConstraint('credit_payouts_approved_posted', sql`(status = 'approved') = (journal_entry_id is not null)`)
    .execute()
  await db.schema.createIndex('credit_payouts_organisation_idx').on('credit_payouts').columns(['organisation_id', 'id']).execute()
  await db.schema.createIndex('credit_payouts_status_idx').on('credit_payouts').columns(['status', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('credit_payouts').execute()
  await db.schema.alterTable('orders').dropColumn('credit_applied').execute()
}
