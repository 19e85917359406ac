import { beforeEach, describe, expect, it } from 'vitest'
import * as dashboard from '../../app/routes/organisations.$slug_.dashboard'
import * as salesCsv from '../../app/routes/organisations.$slug_.sales[.]csv'
import * as sales from '../../app/routes/organisations.$slug_.orders'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { balanceOf } from '../../app/modules/ledger/ledger.server'
import { recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { useAccountsTestEnv } from '../support/accounts'
import { request, sessionCookieFor, statusOf } from '../support/auth'
import { useAsAppDb } from '../support/db'
import { asPerson, forFirm, newKey, smallMarket, type SmallMarket } from '../support/market'

useAccountsTestEnv()
let m: SmallMarket
let weaver: string
let designer: string

const args = (url: string, opts: Parameters<typeof request>[1] = {}) => ({ request: request(url, opts), params: { slug: 'weavers' }, context: {} })
const act = (cookie: string, form: Record<string, string>) => statusOf(() => sales.action(args('/organisations/weavers/orders', { cookie, form })))
const stock = async (offerId: number) => (await m.db.selectFrom('offers').select('stock').where('id', '=', offerId).executeTakeFirstOrThrow()).stock
const status = async (id: number) => (await m.db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status

async function paidOrder(buyer: 'commoner' | 'firm', quantity = 1, at?: string) {
  const placed = await placeOrder(
    m.db,
    {
      buyer: buyer === 'firm' ? forFirm(m) : asPerson(m.commoner.id),
      lines: [{ offerId: m.towel.id, quantity }],
      idempotencyKey: newKey(),
      paymentProvider: 'invoice',
    },
    at,
  )
  await recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.weaver.id }, at)
  return placed.orderIds[0]!
}

beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
  weaver = await sessionCookieFor(m.weaver.id)
  designer = await sessionCookieFor(m.designer.id)
})

describe('incoming orders', () => {
  it('a paid order is shipped with a note, then fulfilled', async () => {
    const id = await paidOrder('commoner')
    expect(await act(weaver, { intent: 'shipped', orderId: String(id), note: 'Posted, tracking RR123' })).toMatchObject({ status: 302 })
    expect(await m.db.selectFrom('orders').select(['status', 'shippingNote']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({
      status: 'paid',
      shippingNote: 'Posted, tracking RR123',
    })
    expect(await act(weaver, { intent: 'fulfilled', orderId: String(id) })).toMatchObject({ status: 302 })
    expect(await status(id)).toBe('fulfilled')
    // fulfilled twice, or cancelled once fulfilled: refused with a reason
    expect((await act(weaver, { intent: 'fulfilled', orderId: String(id) })).status).toBe(409)
    expect((await act(weaver, { intent: 'cancel', orderId: String(id), reason: 'changed my mind' })).status).toBe(409)
  })

  it('cancelling an unpaid order restocks it; cancelling a paid one refunds it and reverses its postings', async () => {
    const unpaid = await placeOrder(m.db, {
      buyer: asPerson(m.commoner.id),
      lines: [{ offerId: m.towel.id, quantity: 2 }],
      idempotencyKey: newKey(),
      paymentProvider: 'invoice',
    })
    expect(await stock(m.towel.id)).toBe(3)
    expect(await act(weaver, { intent: 'cancel', orderId: String(unpaid.orderIds[0]), reason: 'Out of linen' })).toMatchObject({
      status: 302,
      location: '/organisations/weavers/orders?notice=cancelled',
    })
    expect(await stock(m.towel.id)).toBe(5)
    expect(await m.db.selectFrom('orders').select('cancelReason').where('id', '=', unpaid.orderIds[0]!).executeTakeFirstOrThrow()).toEqual({
      cancelReason: 'cancelled_by_seller',
    })

    const paid = await paidOrder('firm', 2)
    expect(await balanceOf(m.db, { kind: 'commons_fund', commonsFundId: m.fund.id, currency: 'EUR' })).toBe(540)
    expect(await act(weaver, { intent: 'cancel', orderId: String(paid), reason: 'Damaged stock' })).toMatchObject({
      status: 302,
      location: '/organisations/weavers/orders?notice=refunded',
    })
    expect(await status(paid)).toBe('refunded')
    expect(await stock(m.towel.id)).toBe(5)
    expect(await balanceOf(m.db, { kind: 'commons_fund', commonsFundId: m.fund.id, currency: 'EUR' })).toBe(0)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true })
    expect((await act(weaver, { intent: 'cancel', orderId: String(paid), reason: 'x' })).status).toBe(400)
  })

  it('filters by status, buyer class, dates and reference or name', async () => {
    const a = await paidOrder('commoner', 1, '2026-10-01T10:00:00.000Z')
    const b = await paidOrder('firm', 1, '2026-11-01T10:00:00.000Z')
    const list = async (query: string) => {
      const data = (await sales.loader(args(`/organisations/weavers/orders?${query}`, { cookie: weaver }))) as Awaited<ReturnType<typeof sales.loader>>
      return data.sales.map((s) => s.id)
    }
    expect(await list('')).toEqual([b, a])
    expect(await list('class=commoner')).toEqual([a])
    expect(await list('from=2026-10-15')).toEqual([b])
    expect(await list('to=2026-10-01')).toEqual([a])
    const checkoutOfA = (await m.db.selectFrom('orders').select('checkoutId').where('id', '=', a).executeTakeFirstOrThrow()).checkoutId
    expect(await list(`q=SM-${checkoutOfA}`)).toEqual([a])
    expect(await list('q=tom')).toEqual([b])
    expect(await list('q=%25')).toEqual([])
    for (const bad of ['from=2026-13-01', 'from=2026-11-02&to=2026-11-01', 'class=rich', 'status=lost']) {
      expect((await statusOf(() => sales.loader(args(`/organisations/weavers/orders?${bad}`, { cookie: weaver })))).status).toBe(400)
    }
  })
})

describe('the sales dashboard', () => {
  it('shows sales by class and offer, where the fees went, and what the ledger owes the co-op', async () => {
    await paidOrder('commoner', 2, '2026-11-10T10:00:00.000Z')
    await paidOrder('firm', 1, '2026-11-12T10:00:00.000Z')
    // an unpaid order is not a sale
    await placeOrder(m.db, {
      buyer: asPerson(m.commoner.id),
      lines: [{ offerId: m.blanket.id, quantity: 1 }],
      idempotencyKey: newKey(),
      paymentProvider: 'invoice',
    })
    const { dashboard: d } = (await dashboard.loader(args('/organisations/weavers/dashboard?from=2026-11-01&to=2026-11-24', { cookie: weaver }))) as Awaited<
      ReturnType<typeof dashboard.loader>
    >
    expect(d.totals).toEqual({ orders: 2, units: 3, revenue: { amount: 2400 + 1800, currency: 'EUR' }, accessFees: { amount: 600, currency: 'EUR' } })
    expect(d.byClass.map((c) => [c.reciprocityClass, c.orders, c.revenue.amount])).toEqual([
      ['commoner', 1, 2400],
      ['for_profit', 1, 1800],
    ])
    expect(d.byOffer).toMatchObject([{ title: 'Linen tea towel', units: 3, revenue: { amount: 4200 } }])
    expect(d.feeDestinations.map((f) => [f.to, f.amount.amount])).toEqual([
      ['Your organisation (producer share)', 270],
      ['Open Design Fund', 270],
      ['Marketplace Infrastructure Fund', 60],
    ])
    expect(d.owed).toEqual({ amount: 2400 + 1200 + 270, currency: 'EUR' })
    expect(d.owed.amount).toBe(await balanceOf(m.db, { kind: 'producer_payable', organisationId: m.weavers.id, currency: 'EUR' }))
    const weeks = d.overTime.filter((w) => w.commoner || w.forProfit)
    expect(weeks).toEqual([{ weekStart: '2026-11-09', commoner: 2400, forProfit: 1800 }])
  })

  it('exports the sold lines as CSV', async () => {
    await paidOrder('firm', 1, '2026-11-12T10:00:00.000Z')
    const res = (await salesCsv.loader(args('/organisations/weavers/sales.csv?from=2026-11-01&to=2026-11-30', { cookie: weaver }))) as Response
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('Content-Disposition')).toBe('attachment; filename="weavers-sales-2026-11-01-to-2026-11-30.csv"')
    const [header, row] = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
    expect(header).toMatch(/^order,placed_at,paid_at,status,buyer_class,buyer,buying_for,offer,quantity,currency,unit_price,line_total,access_fee,/)
    expect(row).toMatch(/,paid,for_profit,Tom Firm,Acme Retail Ltd,Linen tea towel,1,EUR,18.00,18.00,6.00,14.70,Open Design Fund,2.70,0.60$/)
  })

  it('is for the organisation’s members only', async () => {
    const paid = await paidOrder('firm')
    for (const run of [
      () => dashboard.loader(args('/organisations/weavers/dashboard', { cookie: designer })),
      () => salesCsv.loader(args('/organisations/weavers/sales.csv', { cookie: designer })),
      () => sales.loader(args('/organisations/weavers/orders', { cookie: designer })),
      () => sales.action(args('/organisations/weavers/orders', { cookie: designer, form: { intent: 'shipped', orderId: String(paid) } })),
      () => sales.action(args('/organisations/weavers/orders', { cookie: designer, form: { intent: 'fulfilled', orderId: String(paid) } })),
      () => sales.action(args('/organisations/weavers/orders', { cookie: designer, form: { intent: 'cancel', orderId: String(paid), reason: 'sabotage' } })),
    ]) {
      expect((await statusOf(run)).status).toBe(403)
    }
    expect(await status(paid)).toBe('paid')
    for (const run of [() => dashboard.loader(args('/organisations/weavers/dashboard')), () => salesCsv.loader(args('/organisations/weavers/sales.csv'))]) {
      expect((await statusOf(run)).location).toMatch(/^\/login\?redirectTo=/)
    }
  })
})
