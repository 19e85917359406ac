import { beforeEach, describe, expect, it } from 'vitest'
import * as cart from '../../app/routes/cart'
import * as checkout from '../../app/routes/checkout'
import * as downloads from '../../app/routes/downloads.$offerId'
import * as notice from '../../app/routes/downloads.$offerId_.licence-notice[.]txt'
import * as sales from '../../app/routes/organisations.$slug_.orders'
import { getCart } from '../../app/modules/orders/cart.server'
import { useAccountsTestEnv } from '../support/accounts'
import { request, statusOf } from '../support/auth'
import { rowCount, useAsAppDb } from '../support/db'
import { marketCookies, newKey, smallMarket, type SmallMarket } from '../support/market'

// Declared use is a signed statement: the buyer confirms it in words at checkout, it is stored
// with the checkout, a for-profit member buying for themselves is told what the licence then
// forbids and is flagged to the producer, commons downloads carry the notice, and producers
// may cap what one person buys for personal use.

useAccountsTestEnv()
let m: SmallMarket
let cookies: Awaited<ReturnType<typeof marketCookies>>

const args = (url: string, params: Record<string, string> = {}, opts: Parameters<typeof request>[1] = {}) => ({
  request: request(url, opts),
  params,
  context: {},
})
const add = (cookie: string, offerId: number, quantity = 1) =>
  statusOf(() => cart.action(args('/cart', {}, { cookie, form: { intent: 'add', offerId: String(offerId), quantity: String(quantity) } })))
const checkOut = (cookie: string, form: Record<string, string>) =>
  statusOf(() => checkout.action(args('/checkout', {}, { cookie, form: { idempotencyKey: newKey(), ...form } })))
const personal = { declaredUse: 'personal', confirmUse: 'yes' }

beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
  cookies = await marketCookies(m)
})

describe('signing the declared use at checkout', () => {
  it('an unticked statement, a forged use or a stale one is a 4xx that writes nothing', async () => {
    await add(cookies.commoner, m.towel.id, 2)
    // not ticked
    const unticked = await checkOut(cookies.commoner, { declaredUse: 'personal' })
    expect(unticked.status).toBe(400)
    expect(unticked.body).toMatch(/Confirm the use you buy for/)
    // no use at all, or a made-up one
    expect((await checkOut(cookies.commoner, { confirmUse: 'yes' })).status).toBe(400)
    expect((await checkOut(cookies.commoner, { declaredUse: 'commercial', confirmUse: 'yes' })).status).toBe(400)
    expect((await checkOut(cookies.commoner, { declaredUse: 'personal', confirmUse: 'sure' })).status).toBe(400)
    // signed for an organisation while the cart is set to personal use (another tab changed it)
    const stale = await checkOut(cookies.commoner, { declaredUse: `organisation:${m.firm.id}`, confirmUse: 'yes' })
    expect(stale.status).toBe(409)
    expect(stale.body).toMatch(/Whom you buy for changed/)
    expect(await rowCount(m.db, 'checkouts')).toBe(0)
    expect(await rowCount(m.db, 'orders')).toBe(0)
    expect(await rowCount(m.db, 'cartLines')).toBe(1)
  })

  it('stores the words the buyer signed: personal use, or on behalf of the organisation', async () => {
    await add(cookies.commoner, m.towel.id)
    expect((await checkOut(cookies.commoner, personal)).status).toBe(302)
    await add(cookies.buyer, m.towel.id)
    await statusOf(() => cart.action(args('/cart', {}, { cookie: cookies.buyer, form: { intent: 'buying-for', buyingFor: String(m.firm.id) } })))
    expect((await checkOut(cookies.buyer, { declaredUse: `organisation:${m.firm.id}`, confirmUse: 'yes' })).status).toBe(302)
    const rows = await m.db.selectFrom('checkouts').select(['buyerPersonId', 'declaredUse', 'forProfitAffiliation']).orderBy('id').execute()
    expect(rows).toEqual([
      { buyerPersonId: m.commoner.id, declaredUse: 'for my own non-commercial use', forProfitAffiliation: null },
      { buyerPersonId: m.buyer.id, declaredUse: 'on behalf of Acme Retail Ltd, for its work', forProfitAffiliation: null },
    ])
  })
})

describe('a member of a for-profit organisation buying for themselves', () => {
  it('is told why the commoner price applies, and the producer sees the order flagged', async () => {
    await add(cookies.buyer, m.towel.id)
    const page = (await cart.loader(args('/cart', {}, { cookie: cookies.buyer }))) as Awaited<ReturnType<typeof cart.loader>>
    expect(page.cart.buyingAs.reciprocityClass).toBe('commoner')
    expect(page.cart.forProfitAffiliations).toEqual(['Acme Retail Ltd'])
    expect(page.cart.declaredUse).toEqual({ value: 'personal', statement: 'for my own non-commercial use' })
    // a commoner with no for-profit membership sees no warning
    expect((await getCart(m.db, m.commoner.id)).forProfitAffiliations).toEqual([])

    expect((await checkOut(cookies.buyer, personal)).status).toBe(302)
    const incoming = (await sales.loader(args('/organisations/weavers/orders', { slug: 'weavers' }, { cookie: cookies.weaver }))) as Awaited<
      ReturnType<typeof sales.loader>
    >
    expect(incoming.sales).toHaveLength(1)
    expect(incoming.sales[0]).toMatchObject({
      reciprocityClass: 'commoner',
      declaredUse: 'for my own non-commercial use',
      forProfitAffiliation: 'Acme Retail Ltd',
    })
  })
})

describe('a cap on what one person buys for personal use', () => {
  beforeEach(async () => {
    await m.db.updateTable('offers').set({ personalUseCap: 2 }).where('id', '=', m.towel.id).execute()
  })

  it('refuses more than the cap at checkout, counting earlier orders, with a clear 409 that writes nothing', async () => {
    await add(cookies.commoner, m.towel.id, 3)
    const cartPage = await getCart(m.db, m.commoner.id)
    expect(cartPage.canCheckOut).toBe(false)
    expect(cartPage.lines[0]!.problem).toMatch(/at most 2 units of “Linen tea towel” to one person for personal use/)
    const over = await checkOut(cookies.commoner, personal)
    expect(over.status).toBe(409)
    expect(over.body).toMatch(/at most 2 units of “Linen tea towel” to one person for personal use/)
    expect(await rowCount(m.db, 'orders')).toBe(0)

    await statusOf(() => cart.action(args('/cart', {}, { cookie: cookies.commoner, form: { intent: 'update', offerId: String(m.towel.id), quantity: '2' } })))
    expect((await checkOut(cookies.commoner, personal)).status).toBe(302)
    // a second order for one more unit breaks the cap across orders
    await add(cookies.commoner, m.towel.id, 1)
    const again = await checkOut(cookies.commoner, personal)
    expect(again.status).toBe(409)
    expect(again.body).toMatch(/you already have 2 in earlier orders/)
    expect(await rowCount(m.db, 'orders')).toBe(1)
  })

  it('does not limit buying on behalf of an organisation', async () => {
    await add(cookies.buyer, m.towel.id, 3)
    await statusOf(() => cart.action(args('/cart', {}, { cookie: cookies.buyer, form: { intent: 'buying-for', buyingFor: String(m.firm.id) } })))
    expect((await checkOut(cookies.buyer, { declaredUse: `organisation:${m.firm.id}`, confirmUse: 'yes' })).status).toBe(302)
  })
})

describe('a commons download carries its licence notice', () => {
  it('names the licensee, the declared use and the order', async () => {
    await m.db
      .insertInto('commonsResources')
      .values({ offerId: m.beehive.id, kind: 'file', fileName: 'beehive.md', contentType: 'text/markdown', content: Buffer.from('# Beehive'), byteSize: 9 })
      .execute()
    await add(cookies.commoner, m.beehive.id)
    const placed = await checkOut(cookies.commoner, personal)
    const checkoutId = placed.location!.match(/\/orders\/(\d+)/)![1]!
    const order = await m.db.selectFrom('orders').select('id').where('checkoutId', '=', Number(checkoutId)).executeTakeFirstOrThrow()
    const reference = `SM-${checkoutId}-${order.id}`

    const file = (await downloads.loader(args(`/downloads/${m.beehive.id}`, { offerId: String(m.beehive.id) }, { cookie: cookies.commoner }))) as Response
    expect(file.headers.get('Link')).toBe(`</downloads/${m.beehive.id}/licence-notice.txt>; rel="license"; title="LICENCE-NOTICE.txt"`)
    expect(file.headers.get('X-Licence-Notice')).toBe(
      `Licensee Noor Commoner; declared use: for my own non-commercial use; order ${reference}; licence CC-BY-SA-4.0`,
    )

    const text = await (
      (await notice.loader(args(`/downloads/${m.beehive.id}/licence-notice.txt`, { offerId: String(m.beehive.id) }, { cookie: cookies.commoner }))) as Response
    ).text()
    expect(text).toContain('Licensee:      Noor Commoner <noor.commoner@test.example.org>')
    expect(text).toContain('Declared use:  “for my own non-commercial use”, as the licensee signed at checkout')
    expect(text).toContain(`Order:         ${reference}`)
    expect(text).toContain('Licence:       CC BY-SA 4.0 (CC-BY-SA-4.0)')
    // someone who did not obtain it has no notice
    expect(
      (await statusOf(() => notice.loader(args(`/downloads/${m.beehive.id}/licence-notice.txt`, { offerId: String(m.beehive.id) }, { cookie: cookies.buyer }))))
        .status,
    ).toBe(403)
  })
})
