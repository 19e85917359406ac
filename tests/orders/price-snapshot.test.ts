import { beforeEach, describe, expect, it } from 'vitest'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { balanceOf } from '../../app/modules/ledger/ledger.server'
import { updateListing } from '../../app/modules/listings/listings.server'
import { recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { getReceipt } from '../../app/modules/orders/receipts.server'
import { forFirm, newKey, smallMarket, type SmallMarket } from '../support/market'

// An order line is a snapshot of what the buyer agreed to: the price, its split and the title
// as they were at checkout. A seller who edits the listing afterwards changes what the next
// buyer pays, never what an open or settled order says or settles.

const now = '2026-11-24T10:00:00.000Z'
const later = '2026-11-24T11:00:00.000Z'
let m: SmallMarket
let placed: { checkoutId: number; orderIds: number[] }

beforeEach(async () => {
  m = await smallMarket()
  // The firm orders two towels at 18.00 each (12.00 + 6.00 access fee: 2.70 producer, 2.70 fund, 0.60 infrastructure).
  placed = await placeOrder(
    m.db,
    { buyer: forFirm(m), lines: [{ offerId: m.towel.id, quantity: 2 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
    now,
  )
  // Then the weavers raise the price, rename the listing and give the fund a bigger share of the fee.
  await updateListing(
    m.db,
    { personId: m.weaver.id, organisationId: m.weavers.id },
    m.towel.id,
    {
      kind: 'good',
      title: 'Linen tea towel, large',
      category: 'designs',
      unit: 'piece',
      delivery: 'shipping',
      commonerPrice: '1500',
      forProfitPrice: '2500',
      producerBp: '3000',
      commonsFundBp: '6000',
      infrastructureBp: '1000',
      commonsFund: 'open-design-fund',
    },
    later,
  )
  const offer = await m.db.selectFrom('offers').select(['title', 'commonerPrice', 'forProfitPrice']).where('id', '=', m.towel.id).executeTakeFirstOrThrow()
  expect(offer).toEqual({ title: 'Linen tea towel, large', commonerPrice: 1500, forProfitPrice: 2500 })
})

describe('an order placed before the listing’s price changed', () => {
  it('keeps its price, total and title on the buyer’s receipt', async () => {
    const receipt = await getReceipt(m.db, m.buyer.id, placed.checkoutId)
    expect(receipt.total).toEqual({ amount: 3600, currency: 'EUR' })
    expect(receipt.accessFeeTotal).toEqual({ amount: 1200, currency: 'EUR' })
    const [order] = receipt.orders
    expect(order!.total).toEqual({ amount: 3600, currency: 'EUR' })
    expect(order!.lines).toHaveLength(1)
    expect(order!.lines[0]).toMatchObject({
      title: 'Linen tea towel',
      quantity: 2,
      unitPrice: { amount: 1800 },
      commonerPrice: { amount: 1200 },
      lineTotal: { amount: 3600 },
      accessFee: { amount: 1200 },
      commonsFund: { amount: { amount: 540 } },
      infrastructure: { amount: { amount: 120 } },
    })
  })

  it('is paid and settled at the price and split it was placed at', async () => {
    const { paymentId } = await recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.weaver.id }, later)
    const payment = await m.db.selectFrom('payments').select('amount').where('id', '=', paymentId!).executeTakeFirstOrThrow()
    expect(payment.amount).toBe(3600)
    expect(await balanceOf(m.db, { kind: 'commons_fund', commonsFundId: m.fund.id, currency: 'EUR' })).toBe(540)
    expect(await balanceOf(m.db, { kind: 'commons_fund', commonsFundId: m.infrastructure.id, currency: 'EUR' })).toBe(120)
    expect(await balanceOf(m.db, { kind: 'producer_payable', organisationId: m.weavers.id, currency: 'EUR' })).toBe(2400 + 540)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })

  it('while the next order pays the new price', async () => {
    const next = await placeOrder(
      m.db,
      { buyer: forFirm(m), lines: [{ offerId: m.towel.id, quantity: 2 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
      later,
    )
    expect(next.total).toBe(5000)
    const line = await m.db
      .selectFrom('orderLines')
      .select(['offerTitle', 'unitPrice', 'commonsFundAmount'])
      .where('orderId', '=', next.orderIds[0]!)
      .executeTakeFirstOrThrow()
    // 2 × 10.00 access fee, 60% to the fund
    expect(line).toEqual({ offerTitle: 'Linen tea towel, large', unitPrice: 2500, commonsFundAmount: 1200 })
  })
})
