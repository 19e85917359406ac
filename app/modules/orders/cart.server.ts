import { sql, type Kysely } from 'kysely'
import type { DB, OfferKind, Db } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import type { Money } from '../../lib/money'
import { offerPriceColumns, priceLine, tierPriceInput } from '../pricing/pricing'
import { buyingOptions, reciprocityClass, type DeclaredUse, type ReciprocityDecision } from '../reciprocity/reciprocity.server'
import {
  declaredUseStatement,
  forProfitAffiliations,
  MAX_LINES,
  MAX_QUANTITY,
  personalUseCapProblem,
  personalUseTaken,
  placeOrderIn,
  type PlacedCheckout,
} from './place-order.server'
import { inWriteBatch } from './write-batch.server'
import { clock } from '../../lib/clock'
import { creditAvailable } from './buyer-credit.server'

// A person's cart lives in the database: it follows them across devices, and checkout reads
// the quantities from here, never prices or classes from the form.

export interface CartLine {
  offerId: number
  slug: string
  title: string
  kind: OfferKind
  unit: string
  producer: { id: number; name: string; slug: string }
  quantity: number
  /** null: unlimited */
  stock: number | null
  unitPrice: Money
  lineTotal: Money
  accessFee: Money
  commonsFundAmount: Money
  /** why it cannot be checked out as it is, or null */
  problem: string | null
}

export interface Cart {
  lines: CartLine[]
  buyingAs: ReciprocityDecision
  options: ReciprocityDecision[]
  /** per currency; a cart normally holds one */
  totals: Money[]
  accessFeeTotals: Money[]
  canCheckOut: boolean
  /** the use the buyer signs at checkout, in words: "for my own non-commercial use", "on behalf of X, for its work" */
  declaredUse: { value: string; statement: string }
  /** buying for oneself while a member of these for-profit organisations: the page explains what the licence forbids */
  forProfitAffiliations: string[]
  /** the part of the total the buyer organisation's credit will pay at checkout; null when none */
  creditToApply: Money | null
}

function useFor(organisationId: number | null): DeclaredUse {
  return organisationId === null ? { kind: 'personal' } : { kind: 'organisation', organisationId }
}

/** How the checkout form names the use it signs: `personal` or `organisation:<id>`. */
function useValue(use: DeclaredUse): string {
  return use.kind === 'personal' ? 'personal' : `organisation:${use.organisationId}`
}

async function ensureCart(db: Db, personId: number, now: string) {
  await db
    .insertInto('carts')
    .values({ personId, updatedAt: now })
    .onConflict((oc) => oc.column('personId').doNothing())
    .execute()
}

export async function getCart(db: Kysely<DB>, personId: number, now = clock.now()): Promise<Cart> {
  const cart = await db.selectFrom('carts').select('buyingForOrganisationId').where('personId', '=', personId).executeTakeFirst()
  const options = await buyingOptions(db, personId, now)
  let buyingAs = options.find((o) => (o.use.kind === 'personal' ? null : o.use.organisationId) === (cart?.buyingForOrganisationId ?? null))
  buyingAs ??= options[0]!
  const rows = await db
    .selectFrom('cartLines as c')
    .innerJoin('offers as o', 'o.id', 'c.offerId')
    .innerJoin('organisations as org', 'org.id', 'o.organisationId')
    .leftJoin('offerScores as s', 's.offerId', 'o.id')
    .select([
      'c.offerId',
      'c.quantity',
      'o.slug',
      'o.title',
      'o.unit',
      'o.stock',
      'o.status',
      ...offerPriceColumns,
      's.listed',
      'o.personalUseCap',
      'org.id as producerId',
      'org.name as producerName',
      'org.slug as producerSlug',
    ])
    .where('c.personId', '=', personId)
    .orderBy('org.name')
    .orderBy('c.addedAt')
    .execute()
  const personal = buyingAs.use.kind === 'personal'
  const taken = personal
    ? await personalUseTaken(
        db,
        personId,
        rows.filter((r) => r.personalUseCap !== null).map((r) => r.offerId),
      )
    : new Map<number, number>()
  const lines: CartLine[] = rows.map((r) => {
    const price = priceLine(tierPriceInput(r), buyingAs.reciprocityClass, r.quantity)
    const m = (amount: number): Money => ({ amount, currency: r.currency })
    const problem =
      r.status !== 'active' || !r.listed
        ? 'No longer offered: remove it to check out.'
        : r.stock !== null && r.stock < r.quantity
          ? r.stock === 0
            ? 'Sold out: remove it to check out.'
            : `Only ${r.stock} left: lower the quantity to check out.`
          : personal
            ? personalUseCapProblem(r, r.quantity, taken.get(r.offerId) ?? 0)
            : null
    return {
      offerId: r.offerId,
      slug: r.slug,
      title: r.title,
      kind: r.kind,
      unit: r.unit,
      producer: { id: r.producerId, name: r.producerName, slug: r.producerSlug },
      quantity: r.quantity,
      stock: r.stock,
      unitPrice: m(price.unitPrice),
      lineTotal: m(price.lineTotal),
      accessFee: m(price.accessFee),
      commonsFundAmount: m(price.commonsFundAmount),
      problem,
    }
  })
  const sumBy = (pick: (l: CartLine) => Money) => {
    const sums = new Map<string, number>()
    for (const l of lines) sums.set(pick(l).currency, (sums.get(pick(l).currency) ?? 0) + pick(l).amount)
    return [...sums].map(([currency, amount]) => ({ currency, amount }))
  }
  const totals = sumBy((l) => l.lineTotal)
  const use = buyingAs.use
  const credit =
    use.kind === 'organisation' && totals.length === 1 && totals[0]!.amount > 0 ? await creditAvailable(db, use.organisationId, totals[0]!.currency) : 0
  return {
    lines,
    buyingAs,
    options,
    totals,
    accessFeeTotals: sumBy((l) => l.accessFee),
    canCheckOut: lines.length > 0 && totals.length === 1 && lines.every((l) => l.problem === null),
    declaredUse: { value: useValue(buyingAs.use), statement: declaredUseStatement(buyingAs) },
    forProfitAffiliations: personal ? await forProfitAffiliations(db, personId) : [],
    creditToApply: credit > 0 ? { amount: Math.min(credit, totals[0]!.amount), currency: totals[0]!.currency } : null,
  }
}

/**
 * Adds units of an offer (to what is already there).
 * @throws AppError not_found (unknown or archived offer), invalid_input (quantity), conflict (stock)
 */
export async function addToCart(db: Kysely<DB>, personId: number, input: { offerId: number; quantity: number }, now = clock.now()) {
  checkQuantity(input.quantity)
  return db.transaction().execute(async (trx) => {
    const offer = await trx
      .selectFrom('offers as o')
      .innerJoin('offerScores as s', 's.offerId', 'o.id')
      .select(['o.id', 'o.title', 'o.stock', 'o.status', 's.listed'])
      .where('o.id', '=', input.offerId)
      .executeTakeFirst()
    if (!offer || offer.status !== 'active' || !offer.listed) throw new AppError('not_found', 'This offer is no longer available.')
    await ensureCart(trx, personId, now)
    const existing = await trx.selectFrom('cartLines').select('quantity').where('personId', '=', personId).where('offerId', '=', offer.id).executeTakeFirst()
    const quantity = (existing?.quantity ?? 0) + input.quantity
    if (quantity > MAX_QUANTITY) throw new AppError('invalid_input', `At most ${MAX_QUANTITY} units of one offer fit in one order.`)
    if (offer.stock !== null && quantity > offer.stock) {
      throw new AppError(
        'conflict',
        offer.stock === 0
          ? `“${offer.title}” is sold out.`
          : offer.stock === 1
            ? `Only ${offer.stock} of “${offer.title}” is left.`
            : `Only ${offer.stock} of “${offer.title}” are left.`,
      )
    }
    if (!existing) {
      const { count } = await trx
        .selectFrom('cartLines')
        .select(sql<number>`count(*)`.as('count'))
        .where('personId', '=', personId)
        .executeTakeFirstOrThrow()
      if (count >= MAX_LINES) throw new AppError('invalid_input', `A cart holds at most ${MAX_LINES} different offers.`)
    }
    await trx
      .insertInto('cartLines')
      .values({ personId, offerId: offer.id, quantity, addedAt: now })
      .onConflict((oc) => oc.columns(['personId', 'offerId']).doUpdateSet({ quantity }))
      .execute()
    await trx.updateTable('carts').set({ updatedAt: now }).where('personId', '=', personId).execute()
    return { title: offer.title, quantity }
  })
}

function checkQuantity(quantity: number) {
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
    throw new AppError('invalid_input', `Enter a whole number of units from 1 to ${MAX_QUANTITY}.`)
  }
}

/** Sets a line's quantity (0 removes it). Only this person's cart is ever touched. */
export async function setCartQuantity(db: Kysely<DB>, personId: number, input: { offerId: number; quantity: number }) {
  if (input.quantity === 0) return removeFromCart(db, personId, input.offerId)
  checkQuantity(input.quantity)
  const updated = await db
    .updateTable('cartLines')
    .set({ quantity: input.quantity })
    .where('personId', '=', personId)
    .where('offerId', '=', input.offerId)
    .executeTakeFirst()
  if (updated.numUpdatedRows === 0n) throw new AppError('not_found', 'That offer is not in your cart.')
}

export async function removeFromCart(db: Kysely<DB>, personId: number, offerId: number) {
  await db.deleteFrom('cartLines').where('personId', '=', personId).where('offerId', '=', offerId).execute()
}

/**
 * Declares whom the cart is bought for: oneself (null) or an organisation one belongs to.
 * @throws AppError forbidden for an organisation the person is not a member of
 */
export async function setBuyingFor(db: Kysely<DB>, personId: number, organisationId: number | null, now = clock.now()) {
  const decision = await reciprocityClass(db, { personId, use: useFor(organisationId) }, now)
  await ensureCart(db, personId, now)
  await db.updateTable('carts').set({ buyingForOrganisationId: organisationId, updatedAt: now }).where('personId', '=', personId).execute()
  return decision
}

export async function cartCount(db: Kysely<DB>, personId: number): Promise<number> {
  const row = await db
    .selectFrom('cartLines')
    .select(sql<number>`coalesce(sum(quantity), 0)`.as('n'))
    .where('personId', '=', personId)
    .executeTakeFirst()
  return row?.n ?? 0
}

/**
 * Checks the cart out: places the order from the cart's quantities and empties the cart in the
 * same transaction. A repeated idempotency key returns the checkout it already placed.
 */
export async function checkOutCart(
  db: Kysely<DB>,
  personId: number,
  input: {
    idempotencyKey: string
    paymentProvider: 'stripe' | 'invoice'
    /** the use the buyer signed on the page (`personal`, `organisation:<id>`), and that they ticked the statement */
    declaredUse: { value: string; confirmed: boolean }
  },
  now = clock.now(),
): Promise<PlacedCheckout> {
  // In a write batch with other concurrent checkouts, in its own savepoint (write-batch.server.ts).
  return inWriteBatch(db, async (trx) => {
    // Marks the cart first: the row's write lock makes a second checkout of the same cart (a
    // second tab, another key) wait until this one has committed, then find the cart empty,
    // whatever the isolation level (PostgreSQL runs checkouts READ COMMITTED).
    await trx.updateTable('carts').set({ updatedAt: now }).where('personId', '=', personId).execute()
    const cart = await trx.selectFrom('carts').select('buyingForOrganisationId').where('personId', '=', personId).executeTakeFirst()
    const lines = await trx.selectFrom('cartLines').select(['offerId', 'quantity']).where('personId', '=', personId).orderBy('addedAt').execute()
    const use = useFor(cart?.buyingForOrganisationId ?? null)
    // A second submission of a placed checkout is answered with it, whatever the form says now.
    const signed = input.declaredUse.confirmed && input.declaredUse.value === useValue(use)
    if (!signed) {
      const existing = await trx
        .selectFrom('checkouts')
        .select('id')
        .where('buyerPersonId', '=', personId)
        .where('idempotencyKey', '=', input.idempotencyKey)
        .executeTakeFirst()
      if (!existing) {
        if (!input.declaredUse.confirmed) throw new AppError('invalid_input', 'Confirm the use you buy for (tick the statement above the button) to check out.')
        // The statement on the page is not the use the cart is set to (changed in another tab).
        throw new AppError('conflict', 'Whom you buy for changed since this page was shown. Check the cart and confirm the use again.')
      }
    }
    const placed = await placeOrderIn(
      trx,
      { buyer: { personId, use }, lines, idempotencyKey: input.idempotencyKey, paymentProvider: input.paymentProvider },
      now,
    )
    if (placed.created) await trx.deleteFrom('cartLines').where('personId', '=', personId).execute()
    return placed
  })
}
