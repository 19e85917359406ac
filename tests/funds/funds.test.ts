import { beforeEach, describe, expect, it } from 'vitest'
import * as fundPage from '../../app/routes/funds.$slug'
import * as movementsCsv from '../../app/routes/funds.$slug_.movements[.]csv'
import * as movementsJson from '../../app/routes/funds.$slug_.movements[.]json'
import * as reportJson from '../../app/routes/funds.$slug_.report[.]json'
import * as feePage from '../../app/routes/orders.$id_.fee'
import { checkLedger } from '../../app/modules/ledger/check.server'
import { balanceOf } from '../../app/modules/ledger/ledger.server'
import { decideDisbursement, requestDisbursement } from '../../app/modules/funds/disbursements.server'
import { fundAnnualReport } from '../../app/modules/funds/funds.server'
import { feeTrail } from '../../app/modules/funds/fee-trail.server'
import { recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { useAccountsTestEnv } from '../support/accounts'
import { request, sessionCookieFor, statusOf } from '../support/auth'
import { useAsAppDb } from '../support/db'
import { appErrorOf } from '../support/errors'
import { setClock } from '../../app/lib/clock'
import { forFirm, newKey, smallMarket, type SmallMarket } from '../support/market'

useAccountsTestEnv()
let m: SmallMarket
let steward: { id: number }
let otherSteward: { id: number }
const now = '2026-11-24T10:00:00.000Z'
const later = '2026-11-25T10:00:00.000Z'
const fundBalance = () => balanceOf(m.db, { kind: 'commons_fund', commonsFundId: m.fund.id, currency: 'EUR' })

beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
  // The fund is stewarded by the designers' organisation: its admin is a fund admin.
  await m.db.updateTable('commonsFunds').set({ stewardOrganisationId: m.designers.id }).where('id', '=', m.fund.id).execute()
  steward = await m.db
    .insertInto('people')
    .values({ email: 's1@test.example.org', displayName: 'Sam Steward', isSteward: 1 })
    .returning('id')
    .executeTakeFirstOrThrow()
  otherSteward = await m.db
    .insertInto('people')
    .values({ email: 's2@test.example.org', displayName: 'Sol Steward', isSteward: 1 })
    .returning('id')
    .executeTakeFirstOrThrow()
  // A for-profit purchase of the beehive design puts 3600 into the fund.
  const placed = await placeOrder(
    m.db,
    { buyer: forFirm(m), lines: [{ offerId: m.beehive.id, quantity: 1 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
    now,
  )
  await recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.designer.id }, now)
})

describe('disbursements', () => {
  it('a fund admin asks, another steward approves, the payout posts to the ledger and the audit trail', async () => {
    expect(await fundBalance()).toBe(3600)
    const { id } = await requestDisbursement(
      m.db,
      m.designer.id,
      m.fund.id,
      { amount: 2500, recipient: 'Beekeepers’ commons', purpose: 'Translating the hive plans into Italian' },
      later,
    )
    expect(await fundBalance()).toBe(3600) // a request moves nothing
    await decideDisbursement(m.db, steward.id, id, { approve: true, reason: 'Within the fund’s purpose' }, later)
    expect(await fundBalance()).toBe(1100)
    expect(await balanceOf(m.db, { kind: 'payment_clearing', currency: 'EUR' })).toBe(4000 - 2500) // the whole payment came in; the payout left
    expect(await checkLedger(m.db)).toMatchObject({ ok: true, problems: [] })
    const trail = await m.db.selectFrom('fundAuditEvents').select(['action', 'actorId']).orderBy('id').execute()
    expect(trail).toEqual([
      { action: 'disbursement_requested', actorId: m.designer.id },
      { action: 'disbursement_approved', actorId: steward.id },
    ])
    expect((await appErrorOf(() => decideDisbursement(m.db, otherSteward.id, id, { approve: true, reason: 'again please' }, later))).code).toBe('conflict')
  })

  it('nobody approves their own request, and only stewards decide', async () => {
    // a steward who is also the fund's admin asks: only another steward can decide
    await m.db.insertInto('memberships').values({ organisationId: m.designers.id, personId: steward.id, role: 'admin' }).execute()
    const { id } = await requestDisbursement(
      m.db,
      steward.id,
      m.fund.id,
      { amount: 1000, recipient: 'Print shop', purpose: 'Printing the assembly guide' },
      later,
    )
    expect((await appErrorOf(() => decideDisbursement(m.db, steward.id, id, { approve: true, reason: 'looks fine to me' }, later))).code).toBe('forbidden')
    expect((await appErrorOf(() => decideDisbursement(m.db, m.designer.id, id, { approve: true, reason: 'looks fine to me' }, later))).code).toBe('forbidden')
    expect(await fundBalance()).toBe(3600)
    await decideDisbursement(m.db, otherSteward.id, id, { approve: false, reason: 'Not within the purpose' }, later)
    expect(await fundBalance()).toBe(3600)
    expect((await m.db.selectFrom('disbursements').select('status').executeTakeFirstOrThrow()).status).toBe('rejected')
  })

  it('refuses non-admins, bad input and more than the balance', async () => {
    expect(
      (await appErrorOf(() => requestDisbursement(m.db, m.weaver.id, m.fund.id, { amount: 100, recipient: 'Me', purpose: 'Because I can ask' }, later))).code,
    ).toBe('forbidden')
    expect(
      (
        await appErrorOf(() =>
          requestDisbursement(m.db, m.designer.id, m.fund.id, { amount: 3601, recipient: 'Print shop', purpose: 'Printing the assembly guide' }, later),
        )
      ).code,
    ).toBe('conflict')
    expect(
      (await appErrorOf(() => requestDisbursement(m.db, m.designer.id, m.fund.id, { amount: 100, recipient: 'Print shop', purpose: 'short' }, later))).details,
    ).toMatchObject({ purpose: expect.stringMatching(/at least 10/) })
    expect(await m.db.selectFrom('disbursements').select('id').execute()).toEqual([])
  })
})

describe('fund pages and exports', () => {
  it('the page’s forms ask and decide, with the balance and trail shown to anyone', async () => {
    // The payout is asked and decided the day after the purchase, in the same month.
    setClock(later)
    const designer = await sessionCookieFor(m.designer.id)
    const res = await statusOf(() =>
      fundPage.action({
        request: request('/funds/open-design-fund', {
          cookie: designer,
          form: { intent: 'request', amount: '12.50', recipient: 'Hive testers', purpose: 'Testing the new frame design' },
        }),
        params: { slug: 'open-design-fund' },
        context: {},
      }),
    )
    expect(res).toMatchObject({ status: 302 })
    const bad = await statusOf(() =>
      fundPage.action({
        request: request('/funds/open-design-fund', {
          cookie: designer,
          form: { intent: 'request', amount: '12.345', recipient: 'Hive testers', purpose: 'Testing the new frame design' },
        }),
        params: { slug: 'open-design-fund' },
        context: {},
      }),
    )
    expect(bad.status).toBe(400)
    const id = (await m.db.selectFrom('disbursements').select('id').executeTakeFirstOrThrow()).id
    const stewardCookie = await sessionCookieFor(steward.id)
    await fundPage.action({
      request: request('/funds/open-design-fund', {
        cookie: stewardCookie,
        form: { intent: 'approve', disbursementId: String(id), reason: 'Fits the purpose' },
      }),
      params: { slug: 'open-design-fund' },
      context: {},
    })
    const page = (await fundPage.loader({ request: request('/funds/open-design-fund'), params: { slug: 'open-design-fund' }, context: {} })) as Awaited<
      ReturnType<typeof fundPage.loader>
    >
    expect(page.balance.amount).toBe(3600 - 1250)
    expect(page.disbursements[0]).toMatchObject({ status: 'approved', amount: { amount: 1250 }, recipient: 'Hive testers', decidedBy: 'Sam Steward' })
    expect(page.audit.map((a) => a.action)).toEqual(['disbursement_approved', 'disbursement_requested'])
    expect(page.months.at(-1)).toMatchObject({ inflow: 3600, outflow: 1250 })
    expect(page.viewer).toBeNull()
  })

  it('exports every movement as CSV and JSON, and reports the year', async () => {
    const { id } = await requestDisbursement(
      m.db,
      m.designer.id,
      m.fund.id,
      { amount: 600, recipient: 'Translators', purpose: 'Translating the hive plans' },
      later,
    )
    await decideDisbursement(m.db, steward.id, id, { approve: true, reason: 'Fits the purpose' }, later)
    const params = { slug: 'open-design-fund' }
    const csv = await ((await movementsCsv.loader({ request: request('/x'), params, context: {} })) as Response).text()
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
    expect(lines[0]).toBe('entry,at,kind,reverses_entry,amount,currency,order,buyer_class,offers,disbursement,memo')
    expect(lines[1]).toMatch(/,settlement,,36.00,EUR,SM-\d+-\d+,for_profit,Open beehive design,,/)
    expect(lines[2]).toMatch(/,disbursement,,-6.00,EUR,,,,\d+,/)
    const json = await ((await movementsJson.loader({ request: request('/x'), params, context: {} })) as Response).json()
    expect(json).toMatchObject({
      balance: 3000,
      movements: [
        { amount: 3600, decimal: '36.00' },
        { amount: -600, decimal: '-6.00' },
      ],
    })
    const report = await fundAnnualReport(m.db, 'open-design-fund', 2026)
    expect(report).toMatchObject({
      openingBalance: { amount: 0 },
      inflow: { amount: 3600 },
      outflow: { amount: 600 },
      closingBalance: { amount: 3000 },
      purchases: 1,
    })
    expect(report.inflowByClass).toEqual([{ buyerClass: 'for_profit', amount: { amount: 3600, currency: 'EUR' } }])
    expect((await fundAnnualReport(m.db, 'open-design-fund', 2027)).openingBalance.amount).toBe(3000)
    expect((await statusOf(() => reportJson.loader({ request: request('/funds/open-design-fund/report.json?year=abc'), params, context: {} }))).status).toBe(
      400,
    )
  })
})

describe('where did my fee go', () => {
  it('follows a for-profit purchase’s fee into the funds and what they paid out since; only for its buyer', async () => {
    const checkout = await m.db.selectFrom('checkouts').select('id').executeTakeFirstOrThrow()
    const { id } = await requestDisbursement(
      m.db,
      m.designer.id,
      m.fund.id,
      { amount: 1000, recipient: 'Hive testers', purpose: 'Testing the new frame design' },
      later,
    )
    await decideDisbursement(m.db, steward.id, id, { approve: true, reason: 'Fits the purpose' }, later)
    const trail = await feeTrail(m.db, m.buyer.id, checkout.id)
    expect(trail.accessFee.amount).toBe(4000)
    expect(trail.funds.map((f) => [f.slug, f.fromThisPurchase.amount, f.balanceNow.amount, f.paidOutSince.map((d) => d.amount.amount)])).toEqual([
      ['infrastructure-fund', 400, 400, []],
      ['open-design-fund', 3600, 2600, [1000]],
    ])
    const other = await sessionCookieFor(m.commoner.id)
    expect(
      (
        await statusOf(() =>
          feePage.loader({ request: request(`/orders/${checkout.id}/fee`, { cookie: other }), params: { id: String(checkout.id) }, context: {} }),
        )
      ).status,
    ).toBe(404)
  })
})
