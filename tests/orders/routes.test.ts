import { sql } from 'kysely'
import { beforeEach, describe, expect, it } from 'vitest'
import * as cart from '../../app/routes/cart'
import * as checkout from '../../app/routes/checkout'
import * as downloads from '../../app/routes/downloads.$offerId'
import * as fund from '../../app/routes/funds.$slug'
import * as receipt from '../../app/routes/orders.$id'
import * as orders from '../../app/routes/orders._index'
import * as sales from '../../app/routes/organisations.$slug_.orders'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { useAccountsTestEnv } from '../support/accounts'
import { request, statusOf } from '../support/auth'
import { rowCount, useAsAppDb } from '../support/db'
import { nonEmpty } from '../support/lists'
import { asPerson, marketCookies, newKey, smallMarket, type SmallMarket } from '../support/market'
import type { DB } from '../../db/schema'

useAccountsTestEnv()
let m: SmallMarket
let cookies: Awaited<ReturnType<typeof marketCookies>>

const args = (url: string, params: Record<string, string> = {}, opts: Parameters<typeof request>[1] = {}) => ({
  request: request(url, opts),
  params,
  context: {},
})
const count = (table: keyof DB) => rowCount(m.db, table)
const add = (cookie: string, fields: Record<string, string>) => statusOf(() => cart.action(args('/cart', {}, { cookie, form: { intent: 'add', ...fields } })))

beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
  cookies = await marketCookies(m)
})

describe('anonymous visitors are sent to log in', () => {
  it.each([
    ['/cart', () => cart.loader(args('/cart'))],
    ['POST /cart', () => cart.action(args('/cart', {}, { form: { intent: 'add', offerId: '1', quantity: '1' } }))],
    ['POST /checkout', () => checkout.action(args('/checkout', {}, { form: { idempotencyKey: 'abcdefgh-1234' } }))],
    ['/orders', () => orders.loader(args('/orders'))],
    ['/orders/1', () => receipt.loader(args('/orders/1', { id: '1' }))],
    ['/downloads/1', () => downloads.loader(args('/downloads/1', { offerId: '1' }))],
    ['/organisations/weavers/orders', () => sales.loader(args('/organisations/weavers/orders', { slug: 'weavers' }))],
  ])('%s', async (_, run) => {
    const { status, location } = await statusOf(run)
    expect(status).toBe(302)
    expect(location).toMatch(/^\/login\?redirectTo=/)
  })
})

describe('adding to the cart', () => {
  it.each([
    ['zero', '0', /at least one unit/],
    ['negative', '-2', /zero or more/],
    ['fractional', '1.5', /whole number/],
    ['huge', '1000000000', /At most 999/],
    ['text', 'many', /number/],
    // Number() would read these as 16, 100 and (with coercion's help) 1.5 units.
    ['hexadecimal', '0x10', /number of units, in digits/],
    ['exponent', '1e2', /number of units, in digits/],
    ['decimal-comma', '1,5', /number of units, in digits/],
  ])('refuses a %s quantity with a message, and adds nothing', async (_, quantity, message) => {
    const res = await add(cookies.commoner, { offerId: String(m.towel.id), quantity })
    expect(res.status).toBe(400)
    expect((res.body as { formError: string }).formError).toMatch(message)
    expect(await count('cartLines')).toBe(0)
  })

  it('refuses unknown and archived offers and more than the stock', async () => {
    expect((await add(cookies.commoner, { offerId: '9999', quantity: '1' })).status).toBe(404)
    expect((await add(cookies.commoner, { offerId: 'abc', quantity: '1' })).status).toBe(400)
    expect((await add(cookies.commoner, { offerId: String(m.blanket.id), quantity: '3' })).status).toBe(409)
    await m.db.updateTable('offers').set({ status: 'archived' }).where('id', '=', m.towel.id).execute()
    expect((await add(cookies.commoner, { offerId: String(m.towel.id), quantity: '1' })).status).toBe(404)
    expect(await count('cartLines')).toBe(0)
  })

  it('ignores prices, tiers and classes posted by the client', async () => {
    await add(cookies.buyer, { offerId: String(m.towel.id), quantity: '1', unitPrice: '1', price: '0', reciprocityClass: 'commoner', total: '1' })
    await statusOf(() =>
      cart.action(args('/cart', {}, { cookie: cookies.buyer, form: { intent: 'buying-for', buyingFor: String(m.firm.id), reciprocityClass: 'commoner' } })),
    )
    const res = await statusOf(() =>
      checkout.action(
        args(
          '/checkout',
          {},
          {
            cookie: cookies.buyer,
            form: { idempotencyKey: newKey(), declaredUse: `organisation:${m.firm.id}`, confirmUse: 'yes', total: '1', reciprocityClass: 'commoner' },
          },
        ),
      ),
    )
    expect(res.status).toBe(302)
    const order = await m.db.selectFrom('orders').selectAll().executeTakeFirstOrThrow()
    expect(order).toMatchObject({ reciprocityClass: 'for_profit', total: 1800 })
  })

  it('refuses to buy for an organisation the person does not belong to', async () => {
    const res = await statusOf(() => cart.action(args('/cart', {}, { cookie: cookies.commoner, form: { intent: 'buying-for', buyingFor: String(m.firm.id) } })))
    expect(res.status).toBe(403)
  })

  it('refuses an oversized form with 413', async () => {
    const res = await statusOf(() =>
      cart.action(
        args('/cart', {}, { cookie: cookies.commoner, form: { intent: 'add', offerId: String(m.towel.id), quantity: '1', note: 'x'.repeat(70_000) } }),
      ),
    )
    expect(res.status).toBe(413)
  })
})

/** The statement a buyer for themselves ticks at checkout. */
const personalUse = { declaredUse: 'personal', confirmUse: 'yes' }

describe('checking out', () => {
  it('an empty cart and a malformed key are 400s that write nothing', async () => {
    expect(
      (await statusOf(() => checkout.action(args('/checkout', {}, { cookie: cookies.commoner, form: { idempotencyKey: newKey(), ...personalUse } })))).status,
    ).toBe(400)
    expect((await statusOf(() => checkout.action(args('/checkout', {}, { cookie: cookies.commoner, form: { idempotencyKey: '<script>' } })))).status).toBe(400)
    expect(await count('checkouts')).toBe(0)
  })

  it('a double-submitted checkout places one order (invoice, no Stripe key)', async () => {
    await add(cookies.commoner, { offerId: String(m.towel.id), quantity: '2' })
    const key = newKey()
    const [a, b] = await Promise.all([
      statusOf(() => checkout.action(args('/checkout', {}, { cookie: cookies.commoner, form: { idempotencyKey: key, ...personalUse } }))),
      statusOf(() => checkout.action(args('/checkout', {}, { cookie: cookies.commoner, form: { idempotencyKey: key, ...personalUse } }))),
    ])
    expect(a.location).toBe(b.location)
    expect(a.location).toMatch(/^\/orders\/\d+\?notice=placed$/)
    expect(await count('orders')).toBe(1)
  })

  it('a commoner gets a commons item free and can download it; others cannot', async () => {
    await m.db
      .insertInto('commonsResources')
      .values({ offerId: m.beehive.id, kind: 'file', fileName: 'beehive.md', contentType: 'text/markdown', content: Buffer.from('# Beehive'), byteSize: 9 })
      .execute()
    expect(
      (await statusOf(() => downloads.loader(args(`/downloads/${m.beehive.id}`, { offerId: String(m.beehive.id) }, { cookie: cookies.commoner })))).status,
    ).toBe(403)
    await add(cookies.commoner, { offerId: String(m.beehive.id) })
    const res = await statusOf(() => checkout.action(args('/checkout', {}, { cookie: cookies.commoner, form: { idempotencyKey: newKey(), ...personalUse } })))
    const checkoutId = res.location!.match(/\/orders\/(\d+)/)![1]!
    const page = (await receipt.loader(args(`/orders/${checkoutId}`, { id: checkoutId }, { cookie: cookies.commoner }))) as Awaited<
      ReturnType<typeof receipt.loader>
    >
    expect(page.receipt.total.amount).toBe(0)
    expect(page.receipt.orders[0]!.status).toBe('paid')
    expect(page.receipt.orders[0]!.lines[0]!.download).toMatchObject({ href: `/downloads/${m.beehive.id}` })
    const file = (await downloads.loader(args(`/downloads/${m.beehive.id}`, { offerId: String(m.beehive.id) }, { cookie: cookies.commoner }))) as Response
    expect(file.headers.get('Content-Disposition')).toMatch(/attachment; filename="beehive.md"/)
    expect(await file.text()).toBe('# Beehive')
    expect(
      (await statusOf(() => downloads.loader(args(`/downloads/${m.beehive.id}`, { offerId: String(m.beehive.id) }, { cookie: cookies.buyer })))).status,
    ).toBe(403)
  })

  it('many simultaneous checkouts for the last units never oversell, and the ledger balances', async () => {
    // 2 blankets left; 12 buyers each want 1 or 2, all at once.
    const buyers = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const p = await m.db
          .insertInto('people')
          .values({ email: `rush${i}@test.example.org`, displayName: `Rush ${i}` })
          .returning('id')
          .executeTakeFirstOrThrow()
        return p.id
      }),
    )
    const results = await Promise.allSettled(
      buyers.map((personId, i) =>
        placeOrder(m.db, {
          buyer: asPerson(personId),
          lines: [{ offerId: m.blanket.id, quantity: 1 + (i % 2) }],
          idempotencyKey: newKey(),
          paymentProvider: 'invoice',
        }),
      ),
    )
    const sold = (
      await m.db
        .selectFrom('orderLines')
        .select(sql<number>`coalesce(sum(quantity), 0)`.as('n'))
        .executeTakeFirstOrThrow()
    ).n
    expect(sold).toBe(2)
    expect((await m.db.selectFrom('offers').select('stock').where('id', '=', m.blanket.id).executeTakeFirstOrThrow()).stock).toBe(0)
    expect(
      nonEmpty(
        results.filter((r) => r.status === 'rejected'),
        'refused orders',
      ).every((r) => (r as PromiseRejectedResult).reason.code === 'conflict'),
    ).toBe(true)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true })
  })
})

describe('receipts, sales and funds belong to their people', () => {
  it('another buyer cannot see or cancel a receipt', async () => {
    const placed = await placeOrder(m.db, {
      buyer: asPerson(m.commoner.id),
      lines: [{ offerId: m.towel.id, quantity: 1 }],
      idempotencyKey: newKey(),
      paymentProvider: 'invoice',
    })
    const id = String(placed.checkoutId)
    expect((await statusOf(() => receipt.loader(args(`/orders/${id}`, { id }, { cookie: cookies.buyer })))).status).toBe(404)
    expect((await statusOf(() => receipt.action(args(`/orders/${id}`, { id }, { cookie: cookies.buyer, form: { intent: 'cancel' } })))).status).toBe(404)
    expect((await statusOf(() => receipt.loader(args('/orders/abc', { id: 'abc' }, { cookie: cookies.buyer })))).status).toBe(404)
    const own = await statusOf(() => receipt.action(args(`/orders/${id}`, { id }, { cookie: cookies.commoner, form: { intent: 'cancel' } })))
    expect(own).toMatchObject({ status: 302, location: `/orders/${id}?notice=cancelled` })
  })

  it('only the seller’s members see its orders; a bad filter is a 400', async () => {
    await placeOrder(m.db, {
      buyer: asPerson(m.commoner.id),
      lines: [{ offerId: m.towel.id, quantity: 1 }],
      idempotencyKey: newKey(),
      paymentProvider: 'invoice',
    })
    expect((await statusOf(() => sales.loader(args('/organisations/weavers/orders', { slug: 'weavers' }, { cookie: cookies.designer })))).status).toBe(403)
    const own = (await sales.loader(args('/organisations/weavers/orders', { slug: 'weavers' }, { cookie: cookies.weaver }))) as Awaited<
      ReturnType<typeof sales.loader>
    >
    expect(own.sales).toHaveLength(1)
    expect(own.sales[0]).toMatchObject({ status: 'pending_payment', provider: 'invoice', buyer: 'Noor Commoner' })
    expect(
      (await statusOf(() => sales.loader(args('/organisations/weavers/orders?status=lost', { slug: 'weavers' }, { cookie: cookies.weaver })))).status,
    ).toBe(400)
    const res = await statusOf(() =>
      sales.action(
        args(
          '/organisations/weavers/orders',
          { slug: 'weavers' },
          { cookie: cookies.weaver, form: { intent: 'payment-received', orderId: String(own.sales[0]!.id) } },
        ),
      ),
    )
    expect(res).toMatchObject({ status: 302 })
    const page = (await fund.loader(args(`/funds/${m.fund.slug}`, { slug: m.fund.slug }))) as Awaited<ReturnType<typeof fund.loader>>
    expect(page.balance.amount).toBe(0) // a commoner's purchase carries no access fee
  })

  it('the fund page shows a for-profit purchase’s share and where it came from', async () => {
    const placed = await placeOrder(m.db, {
      buyer: { personId: m.buyer.id, use: { kind: 'organisation', organisationId: m.firm.id } },
      lines: [{ offerId: m.beehive.id, quantity: 1 }],
      idempotencyKey: newKey(),
      paymentProvider: 'invoice',
    })
    await sales.action(
      args(
        '/organisations/open-designers/orders',
        { slug: 'open-designers' },
        { cookie: cookies.designer, form: { intent: 'payment-received', orderId: String(placed.orderIds[0]) } },
      ),
    )
    const page = (await fund.loader(args(`/funds/${m.fund.slug}`, { slug: m.fund.slug }))) as Awaited<ReturnType<typeof fund.loader>>
    expect(page.balance.amount).toBe(3600)
    expect(page.movements[0]).toMatchObject({ offers: ['Open beehive design'], buyerClass: 'for_profit', amount: { amount: 3600 } })
    expect((await statusOf(() => fund.loader(args('/funds/nope', { slug: 'nope' })))).status).toBe(404)
  })
})
