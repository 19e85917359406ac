import { beforeEach, describe, expect, it } from 'vitest'
import { addToCart, getCart, setBuyingFor } from '../../app/modules/orders/cart.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { buyingOptions, reciprocityClass } from '../../app/modules/reciprocity/reciprocity.server'
import { legalFormEvidence } from '../../app/modules/evidence/legal-form.server'
import { reviewEvidence, submitEvidence } from '../../app/modules/orders/reclassification.server'
import { insertPerson } from '../support/auth'
import { newKey, smallMarket, type SmallMarket } from '../support/market'

// docs/design.md: a co-op buys as a commoner once its legal form is peer-attested or verified.
// Evidence it has only submitted (documented, waiting for a steward) proves nothing yet, so it
// still pays the for-profit price: otherwise anyone could upload a PDF and skip the access fee.

const now = '2026-11-24T10:00:00.000Z'
let m: SmallMarket
let coop: { id: number }
let claimId: number

beforeEach(async () => {
  m = await smallMarket()
  coop = await m.db
    .insertInto('organisations')
    .values({ slug: 'new-coop', name: 'New Co-op', legalForm: 'worker_coop', countryCode: 'IT', city: 'Turin' })
    .returning('id')
    .executeTakeFirstOrThrow()
  await m.db.insertInto('memberships').values({ organisationId: coop.id, personId: m.commoner.id, role: 'admin' }).execute()
  const claim = await submitEvidence(m.db, m.commoner.id, coop.id, { claim: 'legal_form', value: 'worker_coop', source: 'Registro imprese TO-123' }, now)
  claimId = claim.id
})

const forCoop = () => ({ personId: m.commoner.id, use: { kind: 'organisation' as const, organisationId: coop.id } })

describe('a co-op whose legal form is only documented (awaiting review)', () => {
  it('is told it buys as for-profit, and why', async () => {
    expect(await legalFormEvidence(m.db, coop.id, now)).toBe('documented')
    const decision = await reciprocityClass(m.db, forCoop(), now)
    expect(decision.reciprocityClass).toBe('for_profit')
    expect(decision.because).toBe(
      "New Co-op's legal form (worker co-op) is documented; it buys as a commoner once two verified organisations attest it or a steward verifies it",
    )
    const options = await buyingOptions(m.db, m.commoner.id, now)
    expect(options.map((o) => [o.use.kind, o.reciprocityClass])).toEqual([
      ['personal', 'commoner'],
      ['organisation', 'for_profit'],
    ])
  })

  it('pays the for-profit price in the cart and at checkout, the access fee included', async () => {
    await addToCart(m.db, m.commoner.id, { offerId: m.towel.id, quantity: 2 }, now)
    await setBuyingFor(m.db, m.commoner.id, coop.id, now)
    const cart = await getCart(m.db, m.commoner.id, now)
    expect(cart.buyingAs.reciprocityClass).toBe('for_profit')
    expect(cart.totals).toEqual([{ amount: 3600, currency: 'EUR' }])

    const placed = await placeOrder(
      m.db,
      { buyer: forCoop(), lines: [{ offerId: m.towel.id, quantity: 2 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
      now,
    )
    expect(placed.total).toBe(3600)
    const order = await m.db.selectFrom('orders').selectAll().where('id', '=', placed.orderIds[0]!).executeTakeFirstOrThrow()
    expect(order).toMatchObject({ reciprocityClass: 'for_profit', commonerTotal: 2400, accessFeeTotal: 1200 })
    const line = await m.db.selectFrom('orderLines').selectAll().where('orderId', '=', order.id).executeTakeFirstOrThrow()
    expect(line.unitPrice).toBe(1800)
  })

  it('buys as a commoner once a steward verifies the same evidence', async () => {
    const steward = await insertPerson(m.db, 'Steward', { steward: true })
    await reviewEvidence(m.db, steward.id, claimId, { approve: true, reason: 'Checked the registry entry.' }, now)
    expect((await reciprocityClass(m.db, forCoop(), now)).reciprocityClass).toBe('commoner')
    const placed = await placeOrder(
      m.db,
      { buyer: forCoop(), lines: [{ offerId: m.towel.id, quantity: 2 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
      now,
    )
    expect(placed.total).toBe(2400)
  })
})
