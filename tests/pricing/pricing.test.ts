import { describe, expect, it } from 'vitest'
import { defaultAccessFeeSplit, priceLine, tierPriceProblems, type TierPriceInput } from '../../app/modules/pricing/pricing'
import { testDb } from '../support/db'
import { createOffer, createOrganisation } from '../support/fixtures'

const good: TierPriceInput = { kind: 'good', commonerPrice: 1200, forProfitPrice: 1800, ...defaultAccessFeeSplit('good') }
const commons: TierPriceInput = { kind: 'commons', commonerPrice: 0, forProfitPrice: 4000, ...defaultAccessFeeSplit('commons') }

describe('tier prices', () => {
  it('accepts the defaults: all of a commons item’s fee to its fund (bar infrastructure), half of a good’s', () => {
    expect(tierPriceProblems(good)).toEqual({})
    expect(tierPriceProblems(commons)).toEqual({})
    expect(defaultAccessFeeSplit('commons')).toEqual({ producerBp: 0, commonsFundBp: 9000, infrastructureBp: 1000 })
  })

  it('keeps the defining promise: commons are free to commoners', () => {
    expect(tierPriceProblems({ ...commons, commonerPrice: 100 }).commonerPrice).toMatch(/must be 0/)
  })

  it('never lets the for-profit price fall below the commoner price', () => {
    expect(tierPriceProblems({ ...good, forProfitPrice: 1199 }).forProfitPrice).toMatch(/never be below/)
  })

  it.each([
    ['negative', -1],
    ['fractional', 12.5],
    ['huge', 1e12],
  ])('refuses a %s price', (_, price) => {
    expect(tierPriceProblems({ ...good, commonerPrice: price }).commonerPrice).toMatch(/zero or more/)
  })

  it('holds the access-fee split within the community bounds', () => {
    expect(tierPriceProblems({ ...good, producerBp: 5000, commonsFundBp: 4000, infrastructureBp: 999 }).commonsFundBp).toMatch(/add up to 100%/)
    expect(tierPriceProblems({ ...good, producerBp: 7000, commonsFundBp: 2000, infrastructureBp: 1000 }).commonsFundBp).toMatch(/At least 25%/)
    expect(tierPriceProblems({ ...good, producerBp: 5000, commonsFundBp: 4800, infrastructureBp: 200 }).infrastructureBp).toMatch(/between 5% and 15%/)
  })
})

describe('pricing a line', () => {
  it('a commoner pays the commoner price, all of it the producer’s', () => {
    expect(priceLine(good, 'commoner', 3)).toEqual({
      unitPrice: 1200,
      lineTotal: 3600,
      commonerAmount: 3600,
      accessFee: 0,
      producerAmount: 3600,
      commonsFundAmount: 0,
      infrastructureAmount: 0,
    })
    expect(priceLine(commons, 'commoner', 1).lineTotal).toBe(0)
  })

  it('a for-profit buyer pays the access fee, split so the parts add up to the cent', () => {
    const odd: TierPriceInput = { kind: 'good', commonerPrice: 333, forProfitPrice: 334, producerBp: 3333, commonsFundBp: 5667, infrastructureBp: 1000 }
    for (const quantity of [1, 2, 7, 999]) {
      const line = priceLine(odd, 'for_profit', quantity)
      expect(line.producerAmount + line.commonsFundAmount + line.infrastructureAmount).toBe(line.lineTotal)
      expect(line.accessFee).toBe(quantity)
    }
    expect(priceLine(commons, 'for_profit', 2)).toMatchObject({ lineTotal: 8000, producerAmount: 0, commonsFundAmount: 7200, infrastructureAmount: 800 })
  })
})

describe('the database holds the same rules', () => {
  it('refuses an order line whose price is neither tier', async () => {
    const db = await testDb()
    const org = await createOrganisation(db)
    const offer = await createOffer(db, { organisationId: org.id })
    const person = await db.insertInto('people').values({ email: 'p@test.example.org', displayName: 'P' }).returning('id').executeTakeFirstOrThrow()
    const checkout = await db
      .insertInto('checkouts')
      .values({
        buyerPersonId: person.id,
        idempotencyKey: 'key-12345678',
        reciprocityClass: 'commoner',
        classReason: 'x',
        provider: 'invoice',
        currency: 'EUR',
        total: 1000,
        expiresAt: '2026-12-01T00:00:00.000Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const order = await db
      .insertInto('orders')
      .values({
        checkoutId: checkout.id,
        organisationId: org.id,
        buyerPersonId: person.id,
        reciprocityClass: 'commoner',
        classReason: 'x',
        currency: 'EUR',
        commonerTotal: 1000,
        accessFeeTotal: 0,
        total: 1000,
        status: 'pending_payment',
        expiresAt: '2026-12-01T00:00:00.000Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const line = {
      orderId: order.id,
      offerId: offer.id,
      offerTitle: offer.title,
      offerKind: 'good' as const,
      unit: 'piece',
      quantity: 1,
      commonerPrice: 1200,
      forProfitPrice: 1800,
      unitPrice: 1000,
      producerAmount: 1000,
      commonsFundId: offer.commonsFundId,
      commonsFundAmount: 0,
      infrastructureFundId: offer.commonsFundId,
      infrastructureAmount: 0,
      score: 50,
      scoreConfidence: 50,
      rulesVersion: 1,
    }
    await expect(db.insertInto('orderLines').values(line).execute()).rejects.toThrow(/order_lines_tier_price/)
    await expect(
      db
        .insertInto('orderLines')
        .values({ ...line, unitPrice: 1200, producerAmount: 1100 })
        .execute(),
    ).rejects.toThrow(/order_lines_split_is_whole/)
    await expect(db.updateTable('orders').set({ total: 999 }).where('id', '=', order.id).execute()).rejects.toThrow(/orders_total_is_sum/)
  })
})
