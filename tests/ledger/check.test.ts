import { dropGuardTrigger } from '../support/db'
import { beforeEach, describe, expect, it } from 'vitest'
import { decideDisbursement, requestDisbursement } from '../../app/modules/funds/disbursements.server'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { accountId, type AccountRef } from '../../app/modules/ledger/ledger.server'
import { recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { refundOrder } from '../../app/modules/payments/refunds.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { insertPerson } from '../support/auth'
import { forFirm, newKey, smallMarket, type SmallMarket } from '../support/market'

// `npm run ledger:check` is only worth running if each of its checks fires on a ledger broken
// the way it looks for. Each test below builds the same small, correct ledger through the
// domain (orders paid, one refunded, one awaiting payment, a fund payout), then breaks it in
// exactly one way with raw SQL, as a bug or a hand edit would, and expects exactly that
// problem back. The ledger refuses updates and deletes (triggers), so every break is an
// insert, or an edit of the order rows the ledger is checked against.

const now = '2026-11-24T10:00:00.000Z'
const later = '2026-11-25T10:00:00.000Z'
let m: SmallMarket
let towels: { orderId: number; paymentId: number } // paid: 2 × 1800
let beehive: { orderId: number; paymentId: number } // paid: 4000, 3600 of it to the fund
let disbursementEntryId: number

async function paidOrder(offerId: number, quantity: number) {
  const placed = await placeOrder(m.db, { buyer: forFirm(m), lines: [{ offerId, quantity }], idempotencyKey: newKey(), paymentProvider: 'invoice' }, now)
  const orderId = placed.orderIds[0]!
  const seller = offerId === m.beehive.id ? m.designer.id : m.weaver.id
  const { paymentId } = await recordInvoicePayment(m.db, { orderId, personId: seller }, now)
  return { orderId, paymentId: paymentId! }
}

beforeEach(async () => {
  m = await smallMarket()
  await m.db.updateTable('commonsFunds').set({ stewardOrganisationId: m.designers.id }).where('id', '=', m.fund.id).execute()
  const steward = await insertPerson(m.db, 'Sam Steward', { steward: true })

  towels = await paidOrder(m.towel.id, 2)
  beehive = await paidOrder(m.beehive.id, 1)
  const blanket = await paidOrder(m.blanket.id, 1)
  await refundOrder(m.db, null, { orderId: blanket.orderId, personId: m.weaver.id, reason: 'damaged in transit' }, now)
  await placeOrder(m.db, { buyer: forFirm(m), lines: [{ offerId: m.towel.id, quantity: 1 }], idempotencyKey: newKey(), paymentProvider: 'stripe' }, now)
  const { id } = await requestDisbursement(
    m.db,
    m.designer.id,
    m.fund.id,
    { amount: 1000, recipient: 'Hive testers', purpose: 'Testing the new frame design' },
    later,
  )
  await decideDisbursement(m.db, steward.id, id, { approve: true, reason: 'Fits the purpose' }, later)
  disbursementEntryId = (await m.db.selectFrom('disbursements').select('journalEntryId').where('id', '=', id).executeTakeFirstOrThrow()).journalEntryId!
})

const account = (ref: AccountRef) => accountId(m.db, ref)
const eur = { currency: 'EUR' }
const fundAccount = () => account({ kind: 'commons_fund', commonsFundId: m.fund.id, ...eur })

/** Appends an entry exactly as given, bypassing postEntry's own balance check. */
async function rawEntry(
  entry: { kind: string; orderId?: number; paymentId?: number; reversesEntryId?: number },
  postings: { accountId: number; amount: number; currency?: string }[],
) {
  const { id } = await m.db
    .insertInto('journalEntries')
    .values({
      kind: entry.kind,
      memo: 'written by hand',
      orderId: entry.orderId ?? null,
      paymentId: entry.paymentId ?? null,
      reversesEntryId: entry.reversesEntryId ?? null,
      createdAt: later,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const ids: number[] = []
  for (const p of postings) {
    const row = await m.db
      .insertInto('postings')
      .values({ entryId: id, accountId: p.accountId, amount: p.amount, currency: p.currency ?? 'EUR' })
      .returning('id')
      .executeTakeFirstOrThrow()
    ids.push(row.id)
  }
  return { entryId: id, postingIds: ids }
}

describe('ledger:check', () => {
  it('passes the correct ledger the tests below break', async () => {
    const check = await checkLedger(m.db)
    expect(check).toMatchObject({ ok: true, problems: [], orders: 4, payments: 3 })
    const kinds = await m.db.selectFrom('journalEntries').select('kind').where('reversesEntryId', 'is not', null).execute()
    expect(kinds.map((k) => k.kind).sort()).toEqual(['order_placed', 'payment', 'settlement'])
  })

  it('finds an entry whose postings do not sum to zero', async () => {
    const { entryId } = await rawEntry({ kind: 'disbursement' }, [
      { accountId: await fundAccount(), amount: 100 },
      { accountId: await account({ kind: 'producer_payable', organisationId: m.weavers.id, ...eur }), amount: -99 },
    ])
    expect(await checkLedger(m.db)).toMatchObject({ ok: false, problems: [`Entry ${entryId} does not balance: its EUR postings sum to 0.01 EUR.`] })
  })

  it('finds an entry with fewer than two postings', async () => {
    const { entryId } = await rawEntry({ kind: 'settlement' }, [])
    expect(await checkLedger(m.db)).toMatchObject({ ok: false, problems: [`Entry ${entryId} has 0 postings; a balanced entry needs at least two.`] })
  })

  it('finds a posting in another currency than its account', async () => {
    const { postingIds } = await rawEntry({ kind: 'disbursement' }, [
      { accountId: await fundAccount(), amount: 500, currency: 'USD' },
      { accountId: await account({ kind: 'producer_payable', organisationId: m.weavers.id, currency: 'USD' }), amount: -500, currency: 'USD' },
    ])
    expect(await checkLedger(m.db)).toMatchObject({ ok: false, problems: [`Posting ${postingIds[0]} is in USD on a EUR account.`] })
  })

  it('finds a reversal that does not mirror the entry it reverses', async () => {
    // Undoes the payout, but gives the money back to the infrastructure fund instead of the
    // fund it came from: balanced, and clearing adds up, yet it is no mirror.
    const { entryId } = await rawEntry({ kind: 'disbursement', reversesEntryId: disbursementEntryId }, [
      { accountId: await account({ kind: 'commons_fund', commonsFundId: m.infrastructure.id, ...eur }), amount: -1000 },
      { accountId: await account({ kind: 'payment_clearing', ...eur }), amount: 1000 },
    ])
    expect(await checkLedger(m.db)).toMatchObject({ ok: false, problems: [`Entry ${entryId} claims to reverse another entry but does not mirror it.`] })
  })

  it('finds an order whose lines do not add up to its total', async () => {
    // A third towel slipped into the paid order's line, as if edited after the fact.
    await m.db
      .updateTable('orderLines')
      .set((eb) => ({ quantity: 3, producerAmount: eb('producerAmount', '+', 1800) }))
      .where('orderId', '=', towels.orderId)
      .execute()
    expect(await checkLedger(m.db)).toMatchObject({
      ok: false,
      problems: [`Order ${towels.orderId}: its lines add up to 54.00 EUR, its total says 36.00 EUR.`],
    })
  })

  it('finds an order whose status says one thing and its postings another', async () => {
    // Marked cancelled, but its payment and settlement were never reversed.
    await m.db.updateTable('orders').set({ status: 'cancelled' }).where('id', '=', towels.orderId).execute()
    expect(await checkLedger(m.db)).toMatchObject({
      ok: false,
      problems: [
        `Order ${towels.orderId} (cancelled, 36.00 EUR): payment clearing is 36.00 EUR in the ledger, expected 0.00 EUR.`,
        `Order ${towels.orderId} (cancelled, 36.00 EUR): shares is -36.00 EUR in the ledger, expected 0.00 EUR.`,
      ],
    })
  })

  it('finds a payment whose money the ledger books against another payment', async () => {
    // 5.00 of the beehive's payment booked as the towels' payment: clearing as a whole still adds up.
    const clearing = await account({ kind: 'payment_clearing', ...eur })
    const receivable = await account({ kind: 'orders_receivable', ...eur })
    await rawEntry({ kind: 'payment', paymentId: towels.paymentId }, [
      { accountId: clearing, amount: 500 },
      { accountId: receivable, amount: -500 },
    ])
    await rawEntry({ kind: 'payment', paymentId: beehive.paymentId }, [
      { accountId: clearing, amount: -500 },
      { accountId: receivable, amount: 500 },
    ])
    expect(await checkLedger(m.db)).toMatchObject({
      ok: false,
      problems: [
        `Payment ${towels.paymentId}: 36.00 EUR received less refunded, but the ledger holds 41.00 EUR for it.`,
        `Payment ${beehive.paymentId}: 40.00 EUR received less refunded, but the ledger holds 35.00 EUR for it.`,
      ],
    })
  })

  it('finds a refund that was recorded but never posted', async () => {
    await m.db
      .insertInto('refunds')
      .values({
        paymentId: towels.paymentId,
        orderId: null,
        providerReference: 'manual-refund-1',
        amount: 700,
        currency: 'EUR',
        reason: 'goodwill',
        createdAt: later,
      })
      .execute()
    const { problems } = await checkLedger(m.db)
    expect(problems).toContain(`Payment ${towels.paymentId}: 29.00 EUR received less refunded, but the ledger holds 36.00 EUR for it.`)
  })

  it('finds an account whose balance has the wrong sign', async () => {
    // The database refuses such a posting today (a trigger); books written before it, or a
    // hand edit with the trigger dropped, are what this check is for.
    await dropGuardTrigger(m.db, 'postings_no_overdraft', 'postings')
    const producer = await account({ kind: 'producer_payable', organisationId: m.weavers.id, ...eur })
    await rawEntry({ kind: 'settlement' }, [
      { accountId: producer, amount: 3000 },
      { accountId: await account({ kind: 'orders_receivable', ...eur }), amount: -3000 },
    ])
    // the weavers were owed 2 × 14.70 for the towels; 30.00 paid to them leaves -0.60
    expect(await checkLedger(m.db)).toMatchObject({
      ok: false,
      problems: [`Account ${producer} (Owed to the producer, Weavers Co-op) has a balance of -0.60 EUR: it can never go below zero.`],
    })
  })

  it('finds money in payment clearing that no payment brought in and no payout took out', async () => {
    // 10.00 appears in the fund and in clearing out of nowhere: every entry balances and no
    // order or payment is named, so only the clearing total can tell.
    await rawEntry({ kind: 'settlement' }, [
      { accountId: await account({ kind: 'payment_clearing', ...eur }), amount: 1000 },
      { accountId: await fundAccount(), amount: -1000 },
    ])
    expect(await checkLedger(m.db)).toMatchObject({
      ok: false,
      // 36 + 40 (the blanket's 120 came in and went back) less the 10.00 payout
      problems: ['Payment clearing in EUR holds 76.00 EUR; payments less refunds and payouts come to 66.00 EUR.'],
    })
  })
})
