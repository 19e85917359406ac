// i18n: operators only
import { sql, type Kysely } from 'kysely'
import type { DB, LedgerAccountKind } from '../../../db/schema'
import { isDebitNormal } from './ledger.server'
import { toDecimalString } from '../../lib/money'

// `npm run ledger:check`: the books must balance, and they must say what the orders, payments
// and refunds say. Each problem is one sentence naming the rows to look at.

export interface LedgerCheck {
  ok: boolean
  entries: number
  postings: number
  orders: number
  payments: number
  problems: string[]
}

const amount = (n: number, currency: string) => `${toDecimalString(n, currency)} ${currency}`

export async function checkLedger(db: Kysely<DB>): Promise<LedgerCheck> {
  const problems: string[] = []

  // 1. Every entry balances in each currency and has at least two postings.
  const unbalanced = await db
    .selectFrom('postings')
    .select(['entryId', 'currency', sql<number>`sum(amount)`.as('sum')])
    .groupBy(['entryId', 'currency'])
    .having(sql`sum(amount)`, '<>', 0)
    .execute()
  for (const u of unbalanced) problems.push(`Entry ${u.entryId} does not balance: its ${u.currency} postings sum to ${amount(u.sum, u.currency)}.`)
  const thin = await db
    .selectFrom('journalEntries as e')
    .leftJoin('postings as p', 'p.entryId', 'e.id')
    .select(['e.id', sql<number>`count(p.id)`.as('n')])
    .groupBy('e.id')
    .having(sql`count(p.id)`, '<', 2)
    .execute()
  for (const t of thin) problems.push(`Entry ${t.id} has ${t.n} posting${t.n === 1 ? '' : 's'}; a balanced entry needs at least two.`)
  const wrongCurrency = await db
    .selectFrom('postings as p')
    .innerJoin('ledgerAccounts as a', 'a.id', 'p.accountId')
    .select(['p.id', 'p.currency', 'a.currency as accountCurrency'])
    .whereRef('p.currency', '<>', 'a.currency')
    .execute()
  for (const w of wrongCurrency) problems.push(`Posting ${w.id} is in ${w.currency} on a ${w.accountCurrency} account.`)

  // 2. A reversal is the exact mirror of the entry it reverses.
  const badReversals = await sql<{ id: number }>`
    select r.id from journal_entries r
    where r.reverses_entry_id is not null and exists (
      select account_id, sum(amount) from (
        select account_id, amount from postings where entry_id = r.id
        union all
        select account_id, amount from postings where entry_id = r.reverses_entry_id
      ) as mirrored group by account_id having sum(amount) <> 0
    )`.execute(db)
  for (const r of badReversals.rows) problems.push(`Entry ${r.id} claims to reverse another entry but does not mirror it.`)

  // 3. Each order's net postings say what its status says.
  const orders = await db.selectFrom('orders').select(['id', 'status', 'total', 'creditApplied', 'currency']).execute()
  const netRows = await sql<{ orderId: number; kind: string; net: number }>`
    select e.order_id as "orderId", a.kind as kind, sum(p.amount) as net
    from postings p join journal_entries e on e.id = p.entry_id join ledger_accounts a on a.id = p.account_id
    where e.order_id is not null
    group by e.order_id, a.kind`.execute(db)
  const net = new Map<number, Map<string, number>>()
  for (const r of netRows.rows) {
    const m = net.get(r.orderId) ?? new Map<string, number>()
    m.set(r.kind, r.net)
    net.set(r.orderId, m)
  }
  const lineSums = new Map(
    (
      await db
        .selectFrom('orderLines')
        .select(['orderId', sql<number>`sum(unit_price * quantity)`.as('sum')])
        .groupBy('orderId')
        .execute()
    ).map((r) => [r.orderId, r.sum]),
  )
  for (const o of orders) {
    const m = net.get(o.id) ?? new Map<string, number>()
    const of = (kind: string) => m.get(kind) ?? 0
    if ((lineSums.get(o.id) ?? 0) !== o.total)
      problems.push(`Order ${o.id}: its lines add up to ${amount(lineSums.get(o.id) ?? 0, o.currency)}, its total says ${amount(o.total, o.currency)}.`)
    // A credit the buyer organisation was owed pays `credit` of the order: that part never passes
    // through clearing, it comes out of the buyer's credit (counted with the shares).
    const credit = o.creditApplied
    const expected: Record<string, number> =
      o.status === 'pending_payment'
        ? { orders_receivable: o.total - credit, orders_awaiting_settlement: -o.total, payment_clearing: 0, shares: credit }
        : o.status === 'paid' || o.status === 'fulfilled'
          ? { orders_receivable: 0, orders_awaiting_settlement: 0, payment_clearing: o.total - credit, shares: credit - o.total }
          : { orders_receivable: 0, orders_awaiting_settlement: 0, payment_clearing: 0, shares: 0 }
    const actual: Record<string, number> = {
      orders_receivable: of('orders_receivable'),
      orders_awaiting_settlement: of('orders_awaiting_settlement'),
      payment_clearing: of('payment_clearing'),
      // a reciprocity credit moves part of the shares to the buyer's credit: still the order's money
      shares: of('producer_payable') + of('commons_fund') + of('buyer_credit'),
    }
    for (const key of Object.keys(expected)) {
      if (expected[key] !== actual[key]) {
        problems.push(
          `Order ${o.id} (${o.status.replace('_', ' ')}, ${amount(o.total, o.currency)}): ${key.replace(/_/g, ' ')} is ${amount(actual[key]!, o.currency)} in the ledger, expected ${amount(expected[key]!, o.currency)}.`,
        )
      }
    }
  }

  // 4. Each payment, less its refunds, is what the ledger holds for it.
  const payments = await db.selectFrom('payments').select(['id', 'amount', 'currency']).execute()
  const refunded = new Map(
    (
      await db
        .selectFrom('refunds')
        .select(['paymentId', sql<number>`sum(amount)`.as('sum')])
        .groupBy('paymentId')
        .execute()
    ).map((r) => [r.paymentId, r.sum]),
  )
  const held = new Map(
    (
      await sql<{ paymentId: number; sum: number }>`
        select e.payment_id as "paymentId", sum(p.amount) as sum
        from postings p join journal_entries e on e.id = p.entry_id join ledger_accounts a on a.id = p.account_id
        where a.kind = 'payment_clearing' and e.payment_id is not null
        group by e.payment_id`.execute(db)
    ).rows.map((r) => [r.paymentId, r.sum]),
  )
  for (const p of payments) {
    const expected = p.amount - (refunded.get(p.id) ?? 0)
    const actual = held.get(p.id) ?? 0
    if (expected !== actual)
      problems.push(`Payment ${p.id}: ${amount(expected, p.currency)} received less refunded, but the ledger holds ${amount(actual, p.currency)} for it.`)
  }

  // 5. Clearing as a whole: what came in, less what went back, what the funds paid out and the
  // credits paid out to buyers.
  const clearing = await sql<{ currency: string; ledger: number; outside: number }>`
    select a.currency as currency, sum(p.amount) as ledger,
      sum(case when e.payment_id is null then p.amount else 0 end) as outside
    from postings p join journal_entries e on e.id = p.entry_id join ledger_accounts a on a.id = p.account_id
    where a.kind = 'payment_clearing' group by a.currency`.execute(db)
  for (const c of clearing.rows) {
    const received = payments.filter((p) => p.currency === c.currency).reduce((s, p) => s + p.amount - (refunded.get(p.id) ?? 0), 0)
    const disbursed = (
      await db
        .selectFrom('postings as p')
        .innerJoin('journalEntries as e', 'e.id', 'p.entryId')
        .innerJoin('ledgerAccounts as a', 'a.id', 'p.accountId')
        .select(sql<number>`coalesce(sum(p.amount), 0)`.as('sum'))
        .where('a.kind', '=', 'payment_clearing')
        .where('a.currency', '=', c.currency)
        .where('e.kind', 'in', ['disbursement', 'credit_paid_out'])
        .executeTakeFirstOrThrow()
    ).sum
    if (c.ledger !== received + disbursed) {
      problems.push(
        `Payment clearing in ${c.currency} holds ${amount(c.ledger, c.currency)}; payments less refunds and payouts come to ${amount(received + disbursed, c.currency)}.`,
      )
    }
  }

  // 6. No account's balance has the wrong sign: a fund, a producer or a buyer is never owed
  // less than nothing, and clearing never holds less than nothing. (The receivables may dip
  // below zero while money that arrived late waits to be refunded.)
  const wrongSign = await sql<{ id: number; kind: string; name: string; currency: string; sum: number; fund: string | null; organisation: string | null }>`
    select a.id, a.kind, a.name, a.currency, sum(p.amount) as sum, f.name as fund, o.name as organisation
    from ledger_accounts a join postings p on p.account_id = a.id
    left join commons_funds f on f.id = a.commons_fund_id left join organisations o on o.id = a.organisation_id
    where a.kind in ('commons_fund', 'buyer_credit', 'producer_payable', 'payment_clearing', 'disbursements')
    group by a.id, f.name, o.name
    having (a.kind in ('commons_fund', 'buyer_credit', 'producer_payable') and sum(p.amount) > 0)
        or (a.kind in ('payment_clearing', 'disbursements') and sum(p.amount) < 0)`.execute(db)
  for (const w of wrongSign.rows) {
    const balance = isDebitNormal(w.kind as LedgerAccountKind) ? w.sum : -w.sum
    const owner = w.fund ?? w.organisation
    problems.push(`Account ${w.id} (${w.name}${owner ? `, ${owner}` : ''}) has a balance of ${amount(balance, w.currency)}: it can never go below zero.`)
  }

  const [{ entries }] = (await db
    .selectFrom('journalEntries')
    .select(sql<number>`count(*)`.as('entries'))
    .execute()) as [{ entries: number }]
  const [{ postings }] = (await db
    .selectFrom('postings')
    .select(sql<number>`count(*)`.as('postings'))
    .execute()) as [{ postings: number }]
  return { ok: problems.length === 0, entries, postings, orders: orders.length, payments: payments.length, problems }
}
