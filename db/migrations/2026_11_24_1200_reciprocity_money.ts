import { sql, type Kysely } from 'kysely'
import { createPostgresTrigger, dropPostgresTrigger, isPostgres } from './postgres'

// Frozen once landed. Issue 12, the money side of reciprocity:
// - Each order records under which standing its buyer organisation was classed when it was
//   placed (class_basis) and, for a commoner price, the claim that carried it (class_claim_id).
//   A reciprocity credit is owed only for orders placed while a commons legal form was declared
//   and awaiting verification; a back-charge only for orders placed under a claim that is later
//   overturned. Rows placed before this migration have no recorded basis (null): they are
//   neither credited nor back-charged automatically, since nothing says how they were classed.
// - A back-charge is an order of its own (back_charge_of_order_id names the order it corrects),
//   so it is paid by card or invoice like any order and nothing is edited in place.
// - No credit-normal balance (a commons fund, what a buyer is owed, what a producer is owed)
//   ever goes below zero: the trigger refuses the posting that would take it there.
// PostgreSQL branches were added later, changing nothing on SQLite (docs/decisions/0019-postgresql.md).

const bases = `'personal', 'for_profit_form', 'awaiting_verification', 'overturned_claim', 'evidenced'`

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('orders')
    .addColumn('class_basis', 'text', (c) => c.check(sql.raw(`class_basis in (${bases})`)))
    .execute()
  await db.schema.alterTable('orders').addColumn('class_claim_id', 'integer', (c) => c.references('evidence_claims.id')).execute()
  await db.schema.alterTable('orders').addColumn('back_charge_of_order_id', 'integer', (c) => c.references('orders.id')).execute()
  // One back-charge per order: deciding a challenge twice can never charge twice.
  await db.schema.createIndex('orders_back_charge_unique').on('orders').column('back_charge_of_order_id').unique().where(sql.ref('back_charge_of_order_id'), 'is not', null).execute()
  await db.schema.createIndex('orders_class_claim_idx').on('orders').column('class_claim_id').where(sql.ref('class_claim_id'), 'is not', null).execute()
  await db.schema.createIndex('orders_buyer_organisation_idx').on('orders').columns(['buyer_organisation_id', 'id']).where(sql.ref('buyer_organisation_id'), 'is not', null).execute()
  // A person buying for themselves needs no record of an organisation's standing.
  await sql`update orders set class_basis = 'personal' where buyer_organisation_id is null`.execute(db)

  // Only debits can lower a credit-normal balance, so only they are checked: the checkout's
  // own postings (receivable and awaiting settlement) pass the WHEN test on one lookup.
  if (isPostgres(db)) {
    // PostgreSQL's WHEN takes no query: the lookup moves into the function. The account's row
    // is locked before its balance is summed, so two debits at once (a checkout runs READ
    // COMMITTED) are summed one after the other, each seeing the other's once committed.
    return createPostgresTrigger(db, 'postings_no_overdraft', {
      timing: 'after',
      events: 'insert',
      table: 'postings',
      forEach: 'row',
      when: 'new.amount > 0',
      body: `if (select kind from ledger_accounts where id = new.account_id) in ('commons_fund', 'buyer_credit', 'producer_payable') then
        perform 1 from ledger_accounts where id = new.account_id for update;
        if (select sum(amount) from postings where account_id = new.account_id) > 0 then
          raise exception 'overdraft: a fund, buyer credit or producer balance cannot go below zero';
        end if;
      end if;`,
    })
  }
  await sql`create trigger postings_no_overdraft after insert on postings
    when new.amount > 0 and (select kind from ledger_accounts where id = new.account_id) in ('commons_fund', 'buyer_credit', 'producer_payable')
    begin
      select raise(abort, 'overdraft: a fund, buyer credit or producer balance cannot go below zero')
      where (select sum(amount) from postings where account_id = new.account_id) > 0;
    end`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) await dropPostgresTrigger(db, 'postings_no_overdraft', 'postings')
  else await sql`drop trigger postings_no_overdraft`.execute(db)
  await db.schema.dropIndex('orders_buyer_organisation_idx').execute()
  await db.schema.dropIndex('orders_class_claim_idx').execute()
  await db.schema.dropIndex('orders_back_charge_unique').execute()
  await db.schema.alterTable('orders').dropColumn('back_charge_of_order_id').execute()
  await db.schema.alterTable('orders').dropColumn('class_claim_id').execute()
  await db.schema.alterTable('orders').dropColumn('class_basis').execute()
}
