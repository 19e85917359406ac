import { sql, type Kysely } from 'kysely'
import { createPostgresTrigger, dropPostgresTrigger, isPostgres } from './postgres'

// Frozen once landed. Commons resources, carts, checkouts and orders, payments, refunds,
// Stripe's event log and the double-entry ledger.
// PostgreSQL branches were added later, changing nothing on SQLite (docs/decisions/0019-postgresql.md).

const nowIso = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`
const currency = (column: string) => sql.raw(`length(${column}) = 3 and ${column} = upper(${column})`)
const classes = sql`reciprocity_class in ('commoner', 'for_profit')`

export async function up(db: Kysely<any>): Promise<void> {
  // What a buyer of a commons item receives: a file kept in the database (so it travels with
  // backups and is served only to those who obtained it) or a link.
  await db.schema
    .createTable('commons_resources')
    .addColumn('offer_id', 'integer', (c) => c.primaryKey().notNull().references('offers.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('file', 'link')`))
    .addColumn('url', 'text')
    .addColumn('file_name', 'text')
    .addColumn('content_type', 'text')
    .addColumn('content', 'blob')
    .addColumn('byte_size', 'integer', (c) => c.check(sql`byte_size >= 0`))
    .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addCheckConstraint('commons_resources_link_has_url', sql`kind <> 'link' or url is not null`)
    .addCheckConstraint(
      'commons_resources_file_has_content',
      sql`kind <> 'file' or (file_name is not null and content_type is not null and content is not null and byte_size is not null)`,
    )
    .execute()

  await db.schema
    .createTable('carts')
    .addColumn('person_id', 'integer', (c) => c.primaryKey().notNull().references('people.id').onDelete('cascade'))
    // null: buying for oneself; otherwise the organisation the buyer declares the purchase for
    .addColumn('buying_for_organisation_id', 'integer', (c) => c.references('organisations.id').onDelete('set null'))
    .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .execute()
  await db.schema
    .createTable('cart_lines')
    .addColumn('person_id', 'integer', (c) => c.notNull().references('carts.person_id').onDelete('cascade'))
    .addColumn('offer_id', 'integer', (c) => c.notNull().references('offers.id').onDelete('cascade'))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity between 1 and 999`))
    .addColumn('added_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addPrimaryKeyConstraint('cart_lines_pk', ['person_id', 'offer_id'])
    .execute()

  // One checkout is one payment; it holds one order per producer.
  await db.schema
    .createTable('checkouts')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('buyer_person_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('buyer_organisation_id', 'integer', (c) => c.references('organisations.id'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().check(sql`length(idempotency_key) between 8 and 100`))
    .addColumn('reciprocity_class', 'text', (c) => c.notNull().check(classes))
    .addColumn('class_reason', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull().check(sql`provider in ('stripe', 'invoice', 'none')`))
    .addColumn('currency', 'text', (c) => c.notNull().check(currency('currency')))
    .addColumn('total', 'integer', (c) => c.notNull().check(sql`total >= 0`))
    .addColumn('stripe_session_id', 'text', (c) => c.unique())
    .addColumn('stripe_session_url', 'text')
    .addColumn('stripe_payment_intent_id', 'text', (c) => c.unique())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addUniqueConstraint('checkouts_idempotency_unique', ['buyer_person_id', 'idempotency_key'])
    .execute()

  await db.schema
    .createTable('orders')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('checkout_id', 'integer', (c) => c.notNull().references('checkouts.id'))
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
    .addColumn('buyer_person_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('buyer_organisation_id', 'integer', (c) => c.references('organisations.id'))
    .addColumn('reciprocity_class', 'text', (c) => c.notNull().check(classes))
    .addColumn('class_reason', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull().check(currency('currency')))
    .addColumn('commoner_total', 'integer', (c) => c.notNull().check(sql`commoner_total >= 0`))
    .addColumn('access_fee_total', 'integer', (c) => c.notNull().check(sql`access_fee_total >= 0`))
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending_payment', 'paid', 'fulfilled', 'cancelled', 'refunded')`),
    )
    .addColumn('cancel_reason', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('paid_at', 'text')
    .addColumn('fulfilled_at', 'text')
    .addColumn('cancelled_at', 'text')
    .addColumn('refunded_at', 'text')
    .addCheckConstraint('orders_total_is_sum', sql`total = commoner_total + access_fee_total`)
    .execute()
  await db.schema.createIndex('orders_checkout_idx').on('orders').column('checkout_id').execute()
  await db.schema.createIndex('orders_buyer_idx').on('orders').columns(['buyer_person_id', 'id']).execute()
  await db.schema.createIndex('orders_seller_idx').on('orders').columns(['organisation_id', 'id']).execute()
  await db.schema
    .createIndex('orders_pending_expiry_idx')
    .on('orders')
    .column('expires_at')
    .where(sql.ref('status'), '=', 'pending_payment')
    .execute()

  // A line snapshots what the buyer saw: price, tier, score and licence at the time of the order.
  await db.schema
    .createTable('order_lines')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id'))
    .addColumn('offer_id', 'integer', (c) => c.notNull().references('offers.id'))
    .addColumn('offer_title', 'text', (c) => c.notNull())
    .addColumn('offer_kind', 'text', (c) => c.notNull().check(sql`offer_kind in ('good', 'commons')`))
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('licence_code', 'text')
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity between 1 and 999`))
    .addColumn('commoner_price', 'integer', (c) => c.notNull().check(sql`commoner_price >= 0`))
    .addColumn('for_profit_price', 'integer', (c) => c.notNull())
    .addColumn('unit_price', 'integer', (c) => c.notNull().check(sql`unit_price >= 0`))
    .addColumn('producer_amount', 'integer', (c) => c.notNull().check(sql`producer_amount >= 0`))
    .addColumn('commons_fund_id', 'integer', (c) => c.notNull().references('commons_funds.id'))
    .addColumn('commons_fund_amount', 'integer', (c) => c.notNull().check(sql`commons_fund_amount >= 0`))
    .addColumn('infrastructure_fund_id', 'integer', (c) => c.notNull().references('commons_funds.id'))
    .addColumn('infrastructure_amount', 'integer', (c) => c.notNull().check(sql`infrastructure_amount >= 0`))
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('score_confidence', 'integer', (c) => c.notNull())
    .addColumn('rules_version', 'integer', (c) => c.notNull())
    .addCheckConstraint(
      'order_lines_split_is_whole',
      sql`producer_amount + commons_fund_amount + infrastructure_amount = unit_price * quantity`,
    )
    .addCheckConstraint('order_lines_tier_price', sql`unit_price in (commoner_price, for_profit_price)`)
    .execute()
  await db.schema.createIndex('order_lines_order_idx').on('order_lines').column('order_id').execute()
  await db.schema.createIndex('order_lines_offer_idx').on('order_lines').column('offer_id').execute()

  await db.schema
    .createTable('payments')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('checkout_id', 'integer', (c) => c.notNull().references('checkouts.id'))
    // set for invoice payments, which a seller records for its own order
    .addColumn('order_id', 'integer', (c) => c.references('orders.id'))
    .addColumn('provider', 'text', (c) => c.notNull().check(sql`provider in ('stripe', 'invoice')`))
    .addColumn('provider_reference', 'text', (c) => c.notNull().unique())
    .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('currency', 'text', (c) => c.notNull().check(currency('currency')))
    .addColumn('recorded_by', 'integer', (c) => c.references('people.id'))
    // a payment that arrived for an order no longer awaiting it is refunded, never kept
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('applied', 'to_refund')`))
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('payments_checkout_idx').on('payments').column('checkout_id').execute()

  await db.schema
    .createTable('refunds')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('payment_id', 'integer', (c) => c.notNull().references('payments.id'))
    .addColumn('order_id', 'integer', (c) => c.references('orders.id'))
    .addColumn('provider_reference', 'text', (c) => c.notNull().unique())
    .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('currency', 'text', (c) => c.notNull().check(currency('currency')))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('people.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('refunds_payment_idx').on('refunds').column('payment_id').execute()

  // Each Stripe event id is handled once, whatever order and however often it arrives.
  await db.schema
    .createTable('stripe_events')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('checkout_id', 'integer', (c) => c.references('checkouts.id'))
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute()

  // ---- the ledger -------------------------------------------------------------------------
  await db.schema
    .createTable('ledger_accounts')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(
        sql`kind in ('payment_clearing', 'orders_receivable', 'orders_awaiting_settlement', 'producer_payable', 'commons_fund', 'buyer_credit', 'disbursements')`,
      ),
    )
    .addColumn('organisation_id', 'integer', (c) => c.references('organisations.id'))
    .addColumn('commons_fund_id', 'integer', (c) => c.references('commons_funds.id'))
    .addColumn('currency', 'text', (c) => c.notNull().check(currency('currency')))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addCheckConstraint(
      'ledger_accounts_owner',
      sql`(kind in ('producer_payable', 'buyer_credit')) = (organisation_id is not null)
        and (kind = 'commons_fund') = (commons_fund_id is not null)`,
    )
    .execute()
  // One account per kind, owner and currency (ifnull: unique indexes treat nulls as distinct).
  await sql`create unique index ledger_accounts_identity on ledger_accounts
    (kind, ifnull(organisation_id, 0), ifnull(commons_fund_id, 0), currency)`.execute(db)

  await db.schema
    .createTable('journal_entries')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('memo', 'text', (c) => c.notNull())
    .addColumn('checkout_id', 'integer', (c) => c.references('checkouts.id'))
    .addColumn('order_id', 'integer', (c) => c.references('orders.id'))
    .addColumn('payment_id', 'integer', (c) => c.references('payments.id'))
    .addColumn('refund_id', 'integer', (c) => c.references('refunds.id'))
    // a correction names the entry it reverses; an entry is reversed at most once
    .addColumn('reverses_entry_id', 'integer', (c) => c.unique().references('journal_entries.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('journal_entries_order_idx').on('journal_entries').column('order_id').execute()

  // amount > 0 is a debit, < 0 a credit; an entry's postings sum to zero in each currency.
  await db.schema
    .createTable('postings')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('journal_entries.id'))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('ledger_accounts.id'))
    .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount <> 0`))
    .addColumn('currency', 'text', (c) => c.notNull().check(currency('currency')))
    .execute()
  await db.schema.createIndex('postings_entry_idx').on('postings').column('entry_id').execute()
  await db.schema.createIndex('postings_account_idx').on('postings').columns(['account_id', 'entry_id', 'amount']).execute()

  for (const table of ['journal_entries', 'postings']) {
    for (const event of ['update', 'delete']) {
      if (isPostgres(db)) {
        await createPostgresTrigger(db, `${table}_append_only_${event}`, {
          timing: 'before',
          events: event,
          table,
          forEach: 'row',
          body: "raise exception 'the ledger is append-only: correct it with a reversing entry';",
        })
        continue
      }
      await sql
        .raw(
          `create trigger ${table}_append_only_${event} before ${event} on ${table} begin
            select raise(abort, 'the ledger is append-only: correct it with a reversing entry');
          end`,
        )
        .execute(db)
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['journal_entries', 'postings']) {
    for (const event of ['update', 'delete']) {
      if (isPostgres(db)) await dropPostgresTrigger(db, `${table}_append_only_${event}`, table)
      else await sql.raw(`drop trigger ${table}_append_only_${event}`).execute(db)
    }
  }
  await db.schema.dropTable('postings').execute()
  await db.schema.dropTable('journal_entries').execute()
  await db.schema.dropTable('ledger_accounts').execute()
  await db.schema.dropTable('stripe_events').execute()
  await db.schema.dropTable('refunds').execute()
  await db.schema.dropTable('payments').execute()
  await db.schema.dropTable('order_lines').execute()
  await db.schema.dropTable('orders').execute()
  await db.schema.dropTable('checkouts').execute()
  await db.schema.dropTable('cart_lines').execute()
  await db.schema.dropTable('carts').execute()
  await db.schema.dropTable('commons_resources').execute()
}
