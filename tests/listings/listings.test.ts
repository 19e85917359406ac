import { appErrorOf } from '../support/errors'
import { beforeEach, describe, expect, it } from 'vitest'
import { parseMinorUnits } from '../../app/lib/money'
import { adjustStock, createListing, setListingStatus, stockHistory, updateListing } from '../../app/modules/listings/listings.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { smallMarket, type SmallMarket } from '../support/market'

let m: SmallMarket
const now = '2026-11-24T10:00:00.000Z'
const good = {
  kind: 'good',
  title: 'Hemp rope, 10 m',
  description: 'Braided by hand.',
  category: 'designs',
  unit: 'coil',
  delivery: 'shipping',
  stock: '12',
  commonerPrice: '900',
  forProfitPrice: '1300',
  commonsFund: 'open-design-fund',
}
const commons = {
  kind: 'commons',
  title: 'Loom plans',
  category: 'designs',
  licence: 'CC-BY-SA-4.0',
  unit: 'download',
  delivery: 'download',
  commonerPrice: '0',
  forProfitPrice: '2500',
  commonsFund: 'open-design-fund',
}

beforeEach(async () => {
  m = await smallMarket()
})
const actor = () => ({ personId: m.weaver.id, organisationId: m.weavers.id })

const problem = appErrorOf

describe('listings', () => {
  it('creates a good with its stock history and a score at once', async () => {
    const offer = await createListing(m.db, actor(), good, now)
    expect(offer.slug).toBe('hemp-rope-10-m')
    const row = await m.db.selectFrom('offers').selectAll().where('id', '=', offer.id).executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      stock: 12,
      commonerPrice: 900,
      forProfitPrice: 1300,
      accessFeeProducerBp: 4500,
      accessFeeCommonsFundBp: 4500,
      accessFeeInfrastructureBp: 1000,
      currency: 'EUR',
    })
    expect(await m.db.selectFrom('offerScores').select('score').where('offerId', '=', offer.id).executeTakeFirst()).toBeDefined()
    expect(await stockHistory(m.db, actor(), offer.id)).toMatchObject([{ delta: 12, stockAfter: 12, reason: 'listed', by: 'Giulia Weaver' }])
    // a second listing with the same title gets its own address
    expect((await createListing(m.db, actor(), good, now)).slug).toBe('hemp-rope-10-m-2')
  })

  it('creates a commons item free to commoners, all its fee to the fund but the infrastructure share', async () => {
    const offer = await createListing(m.db, actor(), commons, now)
    const row = await m.db.selectFrom('offers').selectAll().where('id', '=', offer.id).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ stock: null, commonerPrice: 0, accessFeeCommonsFundBp: 9000, accessFeeInfrastructureBp: 1000 })
  })

  it.each([
    ['a commons item with a commoner price', { ...commons, commonerPrice: '100' }, 'commonerPrice', /must be 0/],
    ['a for-profit price below the commoner price', { ...good, forProfitPrice: '800' }, 'forProfitPrice', /never be below/],
    ['a commons item without a licence', { ...commons, licence: '' }, 'licence', /needs a licence/],
    ['negative stock', { ...good, stock: '-1' }, 'stock', /cannot be negative/],
    ['a fund share under the bound', { ...good, producerBp: '8000', commonsFundBp: '1000', infrastructureBp: '1000' }, 'commonsFundBp', /At least 25%/],
    ['an unknown category', { ...good, category: 'nope' }, 'category', /no category/],
    ['a good delivered as a download', { ...good, delivery: 'download' }, 'delivery', /shipped or picked up/],
  ])('refuses %s with a message on the field, and writes nothing', async (_, input, field, message) => {
    const error = await problem(() => createListing(m.db, actor(), input, now))
    expect(error.code).toBe('invalid_input')
    expect(error.details?.[field]).toMatch(message)
    expect(await m.db.selectFrom('offers').select('id').where('title', '=', input.title).executeTakeFirst()).toBeUndefined()
  })

  it('only members of the organisation list, edit, archive or restock', async () => {
    const offer = await createListing(m.db, actor(), good, now)
    const outsider = { personId: m.designer.id, organisationId: m.weavers.id }
    expect((await problem(() => createListing(m.db, outsider, good, now))).code).toBe('forbidden')
    expect((await problem(() => updateListing(m.db, outsider, offer.id, { ...good, title: 'Mine' }, now))).code).toBe('forbidden')
    expect((await problem(() => setListingStatus(m.db, outsider, offer.id, 'archived', now))).code).toBe('forbidden')
    expect((await problem(() => adjustStock(m.db, outsider, offer.id, { delta: '5', reason: 'restock' }, now))).code).toBe('forbidden')
    // a member of another organisation cannot reach this one's listing through their own
    const ownOrg = { personId: m.designer.id, organisationId: m.designers.id }
    expect((await problem(() => updateListing(m.db, ownOrg, offer.id, good, now))).code).toBe('not_found')
  })

  it('edits a listing and rescores it; a kind that orders refer to stays', async () => {
    const offer = await createListing(m.db, actor(), good, now)
    await updateListing(m.db, actor(), offer.id, { ...good, title: 'Hemp rope, 20 m', forProfitPrice: '1500' }, now)
    expect(await m.db.selectFrom('offers').select(['title', 'forProfitPrice', 'stock']).where('id', '=', offer.id).executeTakeFirstOrThrow()).toEqual({
      title: 'Hemp rope, 20 m',
      forProfitPrice: 1500,
      stock: 12,
    })
    await placeOrder(
      m.db,
      {
        buyer: { personId: m.commoner.id, use: { kind: 'personal' } },
        lines: [{ offerId: m.towel.id, quantity: 1 }],
        idempotencyKey: 'listing-test-1',
        paymentProvider: 'invoice',
      },
      now,
    )
    const towelEdit = await problem(() => updateListing(m.db, actor(), m.towel.id, { ...commons, title: 'Towel plans' }, now))
    expect(towelEdit).toMatchObject({ code: 'conflict', details: { kind: 'Orders already refer to this listing as it is.' } })
  })

  it('adjusts stock with a guard and a history', async () => {
    const offer = await createListing(m.db, actor(), good, now)
    expect(await adjustStock(m.db, actor(), offer.id, { delta: '-5', reason: 'damaged', note: 'Water damage' }, now)).toEqual({ stock: 7 })
    const error = await problem(() => adjustStock(m.db, actor(), offer.id, { delta: '-8', reason: 'correction' }, now))
    expect(error).toMatchObject({ code: 'conflict', message: 'Stock cannot go below zero: there are 7 in stock.' })
    expect((await problem(() => adjustStock(m.db, actor(), offer.id, { delta: '0', reason: 'restock' }, now))).code).toBe('invalid_input')
    expect((await problem(() => adjustStock(m.db, actor(), offer.id, { delta: '1.5', reason: 'restock' }, now))).code).toBe('invalid_input')
    // Only decimal digits are numbers: not 16, 100 or -256 units.
    for (const delta of ['0x10', '1e2', '-0x100', '1,5']) {
      expect(await problem(() => adjustStock(m.db, actor(), offer.id, { delta, reason: 'restock' }, now))).toMatchObject({
        code: 'invalid_input',
        details: { delta: expect.stringMatching(/in digits/) },
      })
    }
    expect((await problem(() => createListing(m.db, actor(), { ...good, stock: '1e2' }, now))).details).toMatchObject({
      stock: 'Stock must be a number, in digits.',
    })
    expect((await stockHistory(m.db, actor(), offer.id)).map((h) => [h.delta, h.stockAfter, h.reason])).toEqual([
      [-5, 7, 'damaged'],
      [12, 12, 'listed'],
    ])
  })
})

describe('reading typed prices', () => {
  it.each([
    ['12', 1200],
    ['12.5', 1250],
    ['12.50', 1250],
    ['1,234.50', 123450],
    ['1 234', 123400],
    ['0', 0],
  ])('%s → %i', (text, minor) => expect(parseMinorUnits(text, 'EUR')).toBe(minor))
  it.each(['-1', '12.345', 'abc', '', '1e5', '12.'])('refuses %j', (text) => expect(parseMinorUnits(text, 'EUR')).toBeNull())
  // Written as the site shows amounts: a comma only between groups of three digits.
  it.each(['1,5', '12,50', '0x10', '1e2', '1,23.40', '+5', '١٢'])('refuses %j in a form', (text) => expect(parseMinorUnits(text, 'EUR')).toBeNull())
  it('reads a decimal comma where the file says so (CSV from a spreadsheet in such a language)', () => {
    expect(parseMinorUnits('12,50', 'EUR', { decimalComma: true })).toBe(1250)
    expect(parseMinorUnits('1,5', 'EUR', { decimalComma: true })).toBe(150)
    expect(parseMinorUnits('1,234', 'EUR', { decimalComma: true })).toBe(123400)
    expect(parseMinorUnits('0x10', 'EUR', { decimalComma: true })).toBeNull()
  })
})
