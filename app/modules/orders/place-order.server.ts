import type { Kysely, Selectable, Transaction } from 'kysely'
import type { CheckoutProvider, DB, OfferScoresTable, OffersTable, ReciprocityClassName, Db } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { formatMoney } from '../../lib/money'
import { placeholders, runPrebuilt } from '../../lib/prebuilt-sql.server'
import { postEntries } from '../ledger/ledger.server'
import { priceLine, tierPriceInput } from '../pricing/pricing'
import { commonsLegalForms, reciprocityClass, type DeclaredUse, type ReciprocityDecision } from '../reciprocity/reciprocity.server'
import { classStanding } from './class-basis.server'
import { inWriteBatch } from './write-batch.server'
import { allocateCredit, bookCreditApplied, creditAvailable } from './buyer-credit.server'
import { clock } from '../../lib/clock'
import { orderReference } from './reference'
import { takeStock } from '../stock/stock.server'

/** Most units of one offer in one order, and most lines in one order. */
export const MAX_QUANTITY = 999
export const MAX_LINES = 50

/** How long a buyer has to pay before the order lapses and its stock returns to the shelf. */
export const paymentWindowMinutes: Record<Exclude<CheckoutProvider, 'none'>, number> = {
  // The Checkout session lives 31 minutes; the order waits longer for a late webhook.
  stripe: 45,
  invoice: 14 * 24 * 60,
}
/** The Stripe Checkout session expires this long after we ask for it (Stripe's minimum is 30, from its own clock). */
export const stripeSessionMinutes = 31

export interface OrderLineRequest {
  offerId: number
  quantity: number
}

export interface PlaceOrderInput {
  buyer: { personId: number; use: DeclaredUse }
  lines: OrderLineRequest[]
  /** one per checkout attempt: a second submission with the same key returns the first checkout */
  idempotencyKey: string
  /** how a non-zero total will be paid */
  paymentProvider: 'stripe' | 'invoice'
}

export interface PlacedCheckout {
  checkoutId: number
  /** false when the idempotency key had already placed this checkout */
  created: boolean
  provider: CheckoutProvider
  total: number
  currency: string
  orderIds: number[]
}

// The hot statements are prebuilt SQL (app/lib/prebuilt-sql.server.ts says why).

const insertCheckoutSql = `insert into checkouts
  (buyer_person_id, buyer_organisation_id, idempotency_key, reciprocity_class, class_reason, provider, currency, total, expires_at, created_at,
   declared_use, for_profit_affiliation)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (buyer_person_id, idempotency_key) do nothing
  returning id`

type OfferRow = Pick<
  Selectable<OffersTable>,
  | 'id'
  | 'organisationId'
  | 'title'
  | 'unit'
  | 'licenceCode'
  | 'stock'
  | 'status'
  | 'kind'
  | 'currency'
  | 'commonerPrice'
  | 'forProfitPrice'
  | 'accessFeeProducerBp'
  | 'accessFeeCommonsFundBp'
  | 'accessFeeInfrastructureBp'
  | 'commonsFundId'
  | 'personalUseCap'
> &
  Pick<Selectable<OfferScoresTable>, 'score' | 'confidence' | 'rulesVersion' | 'listed'> & {
    /** the marketplace's infrastructure fund in the offer's currency, if it has one */
    infrastructureFundId: number | null
  }

const selectOffersSql = (count: number) => `select o.id, o.organisation_id, o.title, o.unit, o.licence_code, o.stock, o.status,
    o.kind, o.currency, o.commoner_price, o.for_profit_price, o.access_fee_producer_bp, o.access_fee_commons_fund_bp,
    o.access_fee_infrastructure_bp, o.commons_fund_id, o.personal_use_cap, s.score, s.confidence, s.rules_version, s.listed,
    (select f.id from commons_funds as f where f.kind = 'infrastructure' and f.currency = o.currency order by f.id limit 1)
      as infrastructure_fund_id
  from offers as o inner join offer_scores as s on s.offer_id = o.id
  where o.id in ${placeholders(1, count)}`

const orderColumns = `checkout_id, organisation_id, buyer_person_id, buyer_organisation_id, reciprocity_class, class_reason,
  currency, commoner_total, access_fee_total, total, status, expires_at, created_at, paid_at, class_basis, class_claim_id, credit_applied`
const insertOrdersSql = (count: number) => `insert into orders (${orderColumns}) values ${placeholders(count, 17)} returning id, organisation_id`

const orderLineColumns = `order_id, offer_id, offer_title, offer_kind, unit, licence_code, quantity, commoner_price, for_profit_price,
  unit_price, producer_amount, commons_fund_id, commons_fund_amount, infrastructure_fund_id, infrastructure_amount, score,
  score_confidence, rules_version`
const insertOrderLinesSql = (count: number) => `insert into order_lines (${orderLineColumns}) values ${placeholders(count, 18)}`

function minutesAfter(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString()
}

/**
 * Places a checkout: one order per producer, priced on the server for the buyer's class, with
 * stock taken by a guarded update and the orders' ledger entries, all in one write transaction.
 * A zero total is paid at once. Everything or nothing is written.
 * @throws AppError invalid_input (no lines, bad quantities, mixed currencies),
 *   not_found (unknown or archived offers), conflict (not enough stock), forbidden (buying for
 *   an organisation one is not a member of)
 */
export async function placeOrder(db: Kysely<DB>, input: PlaceOrderInput, now = clock.now()): Promise<PlacedCheckout> {
  // Concurrent checkouts share one transaction (group commit), each in its own savepoint:
  // this one is still all-or-nothing, and resolves once it is committed (write-batch.server.ts).
  return inWriteBatch(db, (trx) => placeOrderIn(trx, input, now))
}

function checkLines(lines: OrderLineRequest[]) {
  if (lines.length === 0) throw new AppError('invalid_input', 'Your cart is empty: add something before you check out.')
  if (lines.length > MAX_LINES) throw new AppError('invalid_input', `One order holds at most ${MAX_LINES} different offers.`)
  const seen = new Set<number>()
  for (const line of lines) {
    if (!Number.isSafeInteger(line.offerId) || line.offerId < 1) throw new AppError('not_found', 'One of these offers does not exist.')
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      throw new AppError('invalid_input', `A quantity is a whole number from 1 to ${MAX_QUANTITY}.`)
    }
    if (seen.has(line.offerId)) throw new AppError('invalid_input', 'Each offer appears once in an order; change its quantity instead.')
    seen.add(line.offerId)
  }
}

/** The same, inside a transaction the caller holds (the cart checkout clears the cart in it too). */
export async function placeOrderIn(trx: Transaction<DB>, input: PlaceOrderInput, now: string): Promise<PlacedCheckout> {
  if (typeof input.idempotencyKey !== 'string' || input.idempotencyKey.length < 8 || input.idempotencyKey.length > 100) {
    throw new AppError('invalid_input', 'This checkout form is out of date: reload the cart and check out again.')
  }
  // Everything is read and priced before anything is written. The transaction holds SQLite's
  // write lock from its start (BEGIN IMMEDIATE, db/connection.ts), so no other connection can
  // change stock between our read and our guarded update.
  let checkout: PricedCheckout
  try {
    checkout = await priceCheckout(trx, input, now)
  } catch (error) {
    // A second submission of a checkout that went through returns it, even though the cart it
    // came from is empty now or its last units are gone.
    if (error instanceof AppError) {
      const existing = await existingCheckout(trx, input.buyer.personId, input.idempotencyKey)
      if (existing) return existing
    }
    throw error
  }
  const { decision, standing, cls, currency, priced, provider, expiresAt, checkoutTotal, byId } = checkout
  const [inserted] = (
    await runPrebuilt<{ id: number }>(trx, insertCheckoutSql, [
      input.buyer.personId,
      input.buyer.use.kind === 'organisation' ? input.buyer.use.organisationId : null,
      input.idempotencyKey,
      cls,
      decision.because,
      provider,
      currency,
      checkoutTotal,
      expiresAt,
      now,
      declaredUseStatement(decision),
      checkout.forProfitAffiliation,
    ])
  ).rows
  if (!inserted) return (await existingCheckout(trx, input.buyer.personId, input.idempotencyKey))!
  const checkoutId = inserted.id

  for (const { line, offer } of input.lines.map((line) => ({ line, offer: byId.get(line.offerId)! }))) {
    if (offer.stock === null) continue
    // The guard is the whole defence against overselling: stock only moves when enough is left.
    if (!(await takeStock(trx, offer.id, line.quantity))) {
      throw new AppError(
        'conflict',
        offer.stock === 0
          ? `“${offer.title}” has just sold out.`
          : offer.stock === 1
            ? `Only ${offer.stock} unit of “${offer.title}” is left.`
            : `Only ${offer.stock} units of “${offer.title}” are left.`,
      )
    }
  }

  // One statement each for the orders, their lines and their ledger entries, however many
  // producers the checkout has. A checkout has one order per producer, so each returned id is
  // matched to its order by the producer (SQLite does not promise RETURNING rows in VALUES order).
  const placedOrders = (
    await runPrebuilt<{ id: number; organisationId: number }>(
      trx,
      insertOrdersSql(priced.length),
      priced.flatMap((group) => [
        checkoutId,
        group.organisationId,
        input.buyer.personId,
        decision.organisation?.id ?? null,
        cls,
        decision.because,
        currency,
        group.commonerTotal,
        group.accessFeeTotal,
        group.total,
        // A free part (a commons item for a commoner), or one the buyer's credit pays in full, is
        // delivered at once, whatever else is bought.
        group.total === group.creditApplied ? 'paid' : 'pending_payment',
        expiresAt,
        now,
        group.total === group.creditApplied ? now : null,
        standing.basis,
        standing.claimId,
        group.creditApplied,
      ]),
    )
  ).rows
  const orderIdOf = new Map(placedOrders.map((o) => [o.organisationId, o.id]))
  const orderIds = priced.map((group) => orderIdOf.get(group.organisationId)!)
  const lineCount = priced.reduce((n, group) => n + group.lines.length, 0)
  await runPrebuilt(
    trx,
    insertOrderLinesSql(lineCount),
    priced.flatMap((group, g) =>
      group.lines.flatMap(({ line, offer, price }) => [
        orderIds[g]!,
        offer.id,
        offer.title,
        offer.kind,
        offer.unit,
        offer.licenceCode,
        line.quantity,
        offer.commonerPrice,
        offer.forProfitPrice,
        price.unitPrice,
        price.producerAmount,
        offer.commonsFundId,
        price.commonsFundAmount,
        offer.infrastructureFundId,
        price.infrastructureAmount,
        Math.round(offer.score),
        Math.round(offer.confidence * 100),
        offer.rulesVersion,
      ]),
    ),
  )
  // What the buyer owes, held apart until it is paid: funds only count money that arrived.
  // Each order gets its own balanced entry, written in this same transaction.
  await postEntries(
    trx,
    priced.map((group, g) => ({
      kind: 'order_placed' as const,
      memo: `Order ${orderReference(checkoutId, orderIds[g])} placed, ${formatMoney(group.total, currency)} to pay`,
      checkoutId,
      orderId: orderIds[g]!,
      postings: [
        { account: { kind: 'orders_receivable' as const, currency }, amount: group.total },
        { account: { kind: 'orders_awaiting_settlement' as const, currency }, amount: -group.total },
      ],
    })),
    now,
  )
  if (decision.organisation && checkout.creditApplied > 0) {
    await bookCreditApplied(
      trx,
      {
        checkoutId,
        organisationId: decision.organisation.id,
        currency,
        orders: priced.map((group, g) => ({ id: orderIds[g]!, total: group.total, creditApplied: group.creditApplied })),
      },
      now,
    )
  }
  return { checkoutId, created: true, provider, total: checkoutTotal, currency, orderIds }
}

type PricedCheckout = Awaited<ReturnType<typeof priceCheckout>>

/**
 * Reads what a checkout needs and prices it on the server, writing nothing: the buyer's class,
 * the offers (each must be listed, all in one currency), and one priced order per producer.
 */
async function priceCheckout(trx: Transaction<DB>, input: PlaceOrderInput, now: string) {
  checkLines(input.lines)
  const decision = await reciprocityClass(trx, input.buyer, now)
  const standing = await classStanding(trx, decision, now)
  const cls: ReciprocityClassName = decision.reciprocityClass
  const offers = (
    await runPrebuilt<OfferRow>(
      trx,
      selectOffersSql(input.lines.length),
      input.lines.map((l) => l.offerId),
    )
  ).rows
  const byId = new Map(offers.map((o) => [o.id, o]))
  for (const line of input.lines) {
    const offer = byId.get(line.offerId)
    if (!offer) throw new AppError('not_found', 'One of these offers does not exist.')
    if (offer.status !== 'active' || !offer.listed) throw new AppError('not_found', `“${offer.title}” is no longer offered.`)
  }
  const currency = offers[0]!.currency
  if (offers.some((o) => o.currency !== currency)) {
    throw new AppError('invalid_input', 'These offers are priced in different currencies: check out one currency at a time.')
  }
  if (offers[0]!.infrastructureFundId === null) throw new AppError('unavailable', `The marketplace cannot take orders in ${currency} yet.`)

  // Personal use: the producer's cap per person holds across this person's standing orders, and
  // a member of a for-profit organisation is named on the order, so its producer sees it.
  let forProfitAffiliation: string | null = null
  if (input.buyer.use.kind === 'personal') {
    const capped = offers.filter((o) => o.personalUseCap !== null)
    if (capped.length > 0) {
      const taken = await personalUseTaken(
        trx,
        input.buyer.personId,
        capped.map((o) => o.id),
      )
      for (const line of input.lines) {
        const offer = byId.get(line.offerId)!
        const problem = personalUseCapProblem(offer, line.quantity, taken.get(offer.id) ?? 0)
        if (problem) throw new AppError('conflict', problem)
      }
    }
    forProfitAffiliation = (await forProfitAffiliations(trx, input.buyer.personId)).join(', ') || null
  }

  // One order per producer, in the order their offers first appear.
  const groups = new Map<number, { line: OrderLineRequest; offer: (typeof offers)[number] }[]>()
  for (const line of input.lines) {
    const offer = byId.get(line.offerId)!
    const group = groups.get(offer.organisationId) ?? []
    group.push({ line, offer })
    groups.set(offer.organisationId, group)
  }

  let checkoutTotal = 0
  const priced = [...groups].map(([organisationId, lines]) => {
    const pricedLines = lines.map(({ line, offer }) => ({
      line,
      offer,
      price: priceLine(tierPriceInput(offer), cls, line.quantity),
    }))
    const commonerTotal = pricedLines.reduce((sum, l) => sum + l.price.commonerAmount, 0)
    const accessFeeTotal = pricedLines.reduce((sum, l) => sum + l.price.accessFee, 0)
    checkoutTotal += commonerTotal + accessFeeTotal
    return { organisationId, lines: pricedLines, commonerTotal, accessFeeTotal, total: commonerTotal + accessFeeTotal }
  })
  if (!Number.isSafeInteger(checkoutTotal)) throw new AppError('invalid_input', 'This order is too large to take in one payment.')

  // A credit the marketplace owes the buyer organisation pays first (buyer-credit.server.ts).
  const credit = decision.organisation && checkoutTotal > 0 ? await creditAvailable(trx, decision.organisation.id, currency) : 0
  const credits = allocateCredit(
    credit,
    priced.map((group) => group.total),
  )
  const pricedWithCredit = priced.map((group, g) => ({ ...group, creditApplied: credits[g]! }))
  const creditApplied = credits.reduce((sum, c) => sum + c, 0)

  const provider: CheckoutProvider = checkoutTotal === creditApplied ? 'none' : input.paymentProvider
  const expiresAt = provider === 'none' ? now : minutesAfter(now, paymentWindowMinutes[provider])
  return { decision, standing, cls, currency, priced: pricedWithCredit, provider, expiresAt, checkoutTotal, creditApplied, byId, forProfitAffiliation }
}

/** The use the buyer signs at checkout, in the words the receipt and the licence notice repeat. */
export function declaredUseStatement(decision: Pick<ReciprocityDecision, 'use' | 'organisation'>): string {
  return decision.use.kind === 'personal' ? 'for my own non-commercial use' : `on behalf of ${decision.organisation?.name ?? 'my organisation'}, for its work`
}

/** The for-profit organisations (by name) this person is a member of. */
export async function forProfitAffiliations(db: Db, personId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisationId')
    .select(['o.name', 'o.legalForm'])
    .where('m.personId', '=', personId)
    .orderBy('o.name')
    .execute()
  return rows.filter((r) => !commonsLegalForms.has(r.legalForm)).map((r) => r.name)
}

/** Units of each offer this person has in standing (unpaid, paid or fulfilled) personal-use orders. */
export async function personalUseTaken(db: Db, personId: number, offerIds: number[]): Promise<Map<number, number>> {
  if (offerIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('orderLines as l')
    .innerJoin('orders as o', 'o.id', 'l.orderId')
    .select(['l.offerId', (eb) => eb.fn.sum<number>('l.quantity').as('units')])
    .where('o.buyerPersonId', '=', personId)
    .where('o.buyerOrganisationId', 'is', null)
    .where('o.status', 'in', ['pending_payment', 'paid', 'fulfilled'])
    .where('l.offerId', 'in', offerIds)
    .groupBy('l.offerId')
    .execute()
  return new Map(rows.map((r) => [r.offerId, Number(r.units)]))
}

/** Why `quantity` more units for personal use break the offer's cap per person, or null. */
export function personalUseCapProblem(offer: { title: string; personalUseCap: number | null }, quantity: number, alreadyTaken: number): string | null {
  const cap = offer.personalUseCap
  if (cap === null || alreadyTaken + quantity <= cap) return null
  const left = Math.max(0, cap - alreadyTaken)
  const title = offer.title
  if (alreadyTaken > 0)
    return cap === 1
      ? `The producer sells at most ${cap} unit of “${title}” to one person for personal use; you already have ${alreadyTaken} in earlier orders, so ${left} more at most. Lower the quantity, or buy on behalf of your organisation.`
      : `The producer sells at most ${cap} units of “${title}” to one person for personal use; you already have ${alreadyTaken} in earlier orders, so ${left} more at most. Lower the quantity, or buy on behalf of your organisation.`
  return cap === 1
    ? `The producer sells at most ${cap} unit of “${title}” to one person for personal use. Lower the quantity, or buy on behalf of your organisation.`
    : `The producer sells at most ${cap} units of “${title}” to one person for personal use. Lower the quantity, or buy on behalf of your organisation.`
}

async function existingCheckout(db: Db, personId: number, idempotencyKey: string): Promise<PlacedCheckout | null> {
  const checkout = await db
    .selectFrom('checkouts')
    .select(['id', 'provider', 'total', 'currency'])
    .where('buyerPersonId', '=', personId)
    .where('idempotencyKey', '=', idempotencyKey)
    .executeTakeFirst()
  if (!checkout) return null
  const orders = await db.selectFrom('orders').select('id').where('checkoutId', '=', checkout.id).orderBy('id').execute()
  return {
    checkoutId: checkout.id,
    created: false,
    provider: checkout.provider,
    total: checkout.total,
    currency: checkout.currency,
    orderIds: orders.map((o) => o.id),
  }
}
