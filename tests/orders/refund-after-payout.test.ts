import { beforeEach, expect, it } from 'vitest'
import { decideDisbursement, requestDisbursement } from '../../app/modules/funds/disbursements.server'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { balanceOf } from '../../app/modules/ledger/ledger.server'
import { recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { refundOrder } from '../../app/modules/payments/refunds.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { insertPerson } from '../support/auth'
import { rowCount } from '../support/db'
import { appErrorOf } from '../support/errors'
import { forFirm, newKey, smallMarket, type SmallMarket } from '../support/market'

// A refund takes an order's shares back from its producer and its funds. When a fund has already
// paid its share out, the refund must be refused with a reason before any money moves, not fail
// half-way inside the ledger (a 500, or a card refund Stripe made that the books never show).

let m: SmallMarket
let orderId: number
const placedAt = '2026-11-24T10:00:00.000Z'
const later = '2026-11-25T10:00:00.000Z'
const fundBalance = () => balanceOf(m.db, { kind: 'commons_fund', commonsFundId: m.fund.id, currency: 'EUR' })

beforeEach(async () => {
  m = await smallMarket()
  await m.db.updateTable('commonsFunds').set({ stewardOrganisationId: m.designers.id }).where('id', '=', m.fund.id).execute()
  // A for-profit purchase of the beehive design: 3600 to the design fund, 400 to infrastructure.
  const placed = await placeOrder(
    m.db,
    { buyer: forFirm(m), lines: [{ offerId: m.beehive.id, quantity: 1 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
    placedAt,
  )
  orderId = placed.orderIds[0]!
  await recordInvoicePayment(m.db, { orderId, personId: m.designer.id }, placedAt)
})

it('refunds an order whose fund still holds its share', async () => {
  await refundOrder(m.db, null, { orderId, personId: m.designer.id, reason: 'The buyer ordered twice' }, later)
  expect(await fundBalance()).toBe(0)
  expect((await m.db.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirstOrThrow()).status).toBe('refunded')
  expect(await checkLedger(m.db)).toMatchObject({ ok: true })
})

it('refuses, with the reason and nothing written, a refund whose fund share was already paid out', async () => {
  const steward = await insertPerson(m.db, 'Sam Steward', { steward: true })
  const { id } = await requestDisbursement(
    m.db,
    m.designer.id,
    m.fund.id,
    { amount: 3600, recipient: 'Hive testers', purpose: 'Testing the new frame design' },
    later,
  )
  await decideDisbursement(m.db, steward.id, id, { approve: true, reason: 'Fits the purpose' }, later)
  expect(await fundBalance()).toBe(0)

  const error = await appErrorOf(() => refundOrder(m.db, null, { orderId, personId: m.designer.id, reason: 'The buyer ordered twice' }, later))
  expect(error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/already been paid out/) })
  expect((await m.db.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirstOrThrow()).status).toBe('paid')
  expect(await rowCount(m.db, 'refunds')).toBe(0)
  expect(await fundBalance()).toBe(0)
  expect(await checkLedger(m.db)).toMatchObject({ ok: true })
})
