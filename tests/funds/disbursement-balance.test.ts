import { beforeEach, describe, expect, it } from 'vitest'
import { decideDisbursement, requestDisbursement } from '../../app/modules/funds/disbursements.server'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { balanceOf } from '../../app/modules/ledger/ledger.server'
import { recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { appErrorOf } from '../support/errors'
import { insertPerson } from '../support/auth'
import { forFirm, newKey, smallMarket, type SmallMarket } from '../support/market'

// A fund pays out only what it holds. Each request may fit the balance on its own; approving
// one lowers the balance, so a second that no longer fits is refused, whether the stewards
// decide one after the other or at the same moment.

const now = '2026-11-24T10:00:00.000Z'
const later = '2026-11-25T10:00:00.000Z'
let m: SmallMarket
let stewards: { id: number }[]
let requests: { id: number }[]
const fundBalance = () => balanceOf(m.db, { kind: 'commons_fund', commonsFundId: m.fund.id, currency: 'EUR' })
const approve = (steward: { id: number }, request: { id: number }) =>
  decideDisbursement(m.db, steward.id, request.id, { approve: true, reason: 'Within the fund’s purpose' }, later)

beforeEach(async () => {
  m = await smallMarket()
  await m.db.updateTable('commonsFunds').set({ stewardOrganisationId: m.designers.id }).where('id', '=', m.fund.id).execute()
  stewards = [await insertPerson(m.db, 'Sam Steward', { steward: true }), await insertPerson(m.db, 'Sol Steward', { steward: true })]
  // A for-profit purchase of the beehive design puts 3600 into the fund.
  const placed = await placeOrder(
    m.db,
    { buyer: forFirm(m), lines: [{ offerId: m.beehive.id, quantity: 1 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
    now,
  )
  await recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.designer.id }, now)
  // 2000 + 2500 > 3600, though each fits on its own, so both may be asked for.
  requests = [
    await requestDisbursement(m.db, m.designer.id, m.fund.id, { amount: 2000, recipient: 'Hive testers', purpose: 'Testing the new frame design' }, later),
    await requestDisbursement(m.db, m.designer.id, m.fund.id, { amount: 2500, recipient: 'Translators', purpose: 'Translating the hive plans' }, later),
  ]
})

async function statuses() {
  return (await m.db.selectFrom('disbursements').select('status').orderBy('id').execute()).map((d) => d.status)
}

describe('two payouts that together exceed the fund', () => {
  it('the second approval is refused once the first has paid out', async () => {
    expect(await fundBalance()).toBe(3600)
    await approve(stewards[0]!, requests[0]!)
    expect(await fundBalance()).toBe(1600)
    const refused = await appErrorOf(() => approve(stewards[1]!, requests[1]!))
    expect(refused).toMatchObject({ code: 'conflict', message: expect.stringMatching(/€16\.00/) })
    expect(await statuses()).toEqual(['approved', 'requested'])
    expect(await fundBalance()).toBe(1600)
    expect(await m.db.selectFrom('journalEntries').select('id').where('kind', '=', 'disbursement').execute()).toHaveLength(1)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })

  it('cannot both be approved when two stewards decide at the same moment', async () => {
    const results = await Promise.allSettled([approve(stewards[0]!, requests[0]!), approve(stewards[1]!, requests[1]!)])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'conflict' } })
    expect((await statuses()).sort()).toEqual(['approved', 'requested'])
    const paidOut = await m.db.selectFrom('disbursements').select('amount').where('status', '=', 'approved').executeTakeFirstOrThrow()
    expect(await fundBalance()).toBe(3600 - paidOut.amount)
    expect(await fundBalance()).toBeGreaterThanOrEqual(0)
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
  })
})
