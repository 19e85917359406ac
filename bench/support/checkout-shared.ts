// What bench/checkout.ts's buyers do, on either engine: its worker threads (SQLite) and its
// instance processes (PostgreSQL, checkout-instance.ts) run the same loops and the same checks.
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import { AppError } from '../../app/lib/errors'
import { placeOrder, type PlaceOrderInput } from '../../app/modules/orders/place-order.server'
import { percentile } from './measure'

const buyerEmail = 'bench-for-profit-buyer@example.org'
/** Stock the throughput phases never exhaust. */
const plentifulStock = 1_000_000_000

export interface Buyer {
  personId: number
  organisationId: number
}

/**
 * Leaves a for-profit buyer to buy as and stock that the throughput phases cannot exhaust.
 * The catalog data has organisations and the infrastructure fund, but no people.
 */
export async function prepare(db: Kysely<DB>) {
  const fund = await db.selectFrom('commonsFunds').select('id').where('kind', '=', 'infrastructure').where('currency', '=', 'EUR').executeTakeFirst()
  if (!fund) {
    await db
      .insertInto('commonsFunds')
      .values({ slug: 'infrastructure', name: 'Infrastructure fund', purpose: '', kind: 'infrastructure', currency: 'EUR' })
      .execute()
  }
  const firm = await db.selectFrom('organisations').select('id').where('legalForm', '=', 'for_profit').orderBy('id').executeTakeFirst()
  const organisationId =
    firm?.id ??
    (
      await db
        .insertInto('organisations')
        .values({ slug: 'bench-for-profit-buyer', name: 'Bench Retail Ltd', legalForm: 'for_profit', summary: '', countryCode: 'DE', city: 'Leipzig' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  await db
    .insertInto('people')
    .values({ email: buyerEmail, displayName: 'Bench Buyer' })
    .onConflict((oc) => oc.doNothing())
    .execute()
  const { id: personId } = await db.selectFrom('people').select('id').where('email', '=', buyerEmail).executeTakeFirstOrThrow()
  await db
    .insertInto('memberships')
    .values({ organisationId, personId, role: 'admin' })
    .onConflict((oc) => oc.doNothing())
    .execute()

  await db.updateTable('offers').set({ stock: plentifulStock }).where('kind', '=', 'good').where('stock', 'is not', null).execute()
  const goods = (
    await db
      .selectFrom('offers as o')
      .innerJoin('offerScores as s', 's.offerId', 'o.id')
      .select('o.id')
      .where('o.kind', '=', 'good')
      .where('o.status', '=', 'active')
      .where('o.currency', '=', 'EUR')
      .where('s.listed', '=', 1)
      .where('o.stock', 'is not', null)
      .where(sql<boolean>`o.for_profit_price > o.commoner_price`)
      .orderBy('o.id')
      .execute()
  ).map((o) => o.id)
  if (goods.length < 100) throw new Error(`only ${goods.length} listed goods with an access fee: build a bigger catalog`)
  return { personId, organisationId, goods }
}

/** Calls `fn` from `concurrency` loops at once (each awaits its call before the next) for `seconds`. */
export async function forSeconds(seconds: number, concurrency: number, fn: () => Promise<unknown>) {
  const samples: number[] = []
  const start = performance.now()
  const end = start + seconds * 1000
  let last = start
  const loop = async () => {
    let t = performance.now()
    while (t < end) {
      await fn()
      const after = performance.now()
      samples.push(after - t)
      t = after
      last = Math.max(last, after)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop))
  samples.sort((a, b) => a - b)
  return { calls: samples.length, seconds: (last - start) / 1000, samples }
}

export interface RaceInput extends Buyer {
  /** names this racer's idempotency keys and seeds its choices */
  racer: string
  runId: string
  offerIds: number[]
  deadlineMs: number
}
export interface RaceResult {
  units: [number, number][]
  orders: number
  conflicts: number
  busyRetries: number
  errors: string[]
}

const isBusy = (error: unknown) => typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('SQLITE_BUSY')

/** One buyer racing others for `offerIds` until every one is sold out (or the deadline passes). */
export async function race(db: Kysely<DB>, input: RaceInput, rand: () => number): Promise<RaceResult> {
  const result: RaceResult = { units: [], orders: 0, conflicts: 0, busyRetries: 0, errors: [] }
  const units = new Map<number, number>()
  const open = new Set(input.offerIds)
  const deadline = performance.now() + input.deadlineMs
  let n = 0
  while (open.size > 0 && performance.now() < deadline) {
    const candidates = [...open]
    const offerId = candidates[Math.floor(rand() * candidates.length)]!
    const quantity = 1 + Math.floor(rand() * 2)
    const order: PlaceOrderInput = {
      buyer: { personId: input.personId, use: { kind: 'organisation', organisationId: input.organisationId } },
      lines: [{ offerId, quantity }],
      idempotencyKey: `race-${input.runId}-${input.racer}-${++n}`,
      paymentProvider: 'invoice',
    }
    for (;;) {
      try {
        const placed = await placeOrder(db, order)
        if (!placed.created) throw new Error(`idempotency key ${order.idempotencyKey} was already used`)
        units.set(offerId, (units.get(offerId) ?? 0) + quantity)
        result.orders++
      } catch (error) {
        if (isBusy(error)) {
          result.busyRetries++
          continue
        }
        if (error instanceof AppError && error.code === 'conflict') {
          result.conflicts++
          // Sold out for everyone, or only too few left for this quantity? Ask the database.
          const row = await db.selectFrom('offers').select('stock').where('id', '=', offerId).executeTakeFirstOrThrow()
          if (row.stock === 0) open.delete(offerId)
        } else {
          result.errors.push(`${input.racer}: ${error instanceof Error ? error.message : String(error)}`)
          if (result.errors.length > 20) open.clear()
        }
      }
      break
    }
  }
  if (open.size > 0) result.errors.push(`${input.racer}: deadline passed with ${open.size} offers not sold out`)
  result.units = [...units]
  return result
}

/** Puts `initialStock` units on each of `count` offers drawn from `goods`; returns them and where their orders start. */
export async function setUpRace(db: Kysely<DB>, goods: number[], count: number, initialStock: number, rand: () => number) {
  const racedIds: number[] = []
  const pool = [...goods]
  for (let i = 0; i < count; i++) racedIds.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]!)
  await db.updateTable('offers').set({ stock: initialStock }).where('id', 'in', racedIds).execute()
  const checkoutsBefore = Number(
    (
      await db
        .selectFrom('checkouts')
        .select(sql<number>`max(id)`.as('n'))
        .executeTakeFirstOrThrow()
    ).n ?? 0,
  )
  return { racedIds, checkoutsBefore }
}

/**
 * What the racers counted, and what the database says independently of them: units sold beyond
 * the stock there was, offers below zero anywhere, raced offers left unsold, and offers whose
 * order lines disagree with the racers' counts.
 */
export async function checkRace(db: Kysely<DB>, race: { racedIds: number[]; checkoutsBefore: number; initialStock: number }, results: RaceResult[]) {
  const { racedIds, checkoutsBefore, initialStock } = race
  const sold = new Map<number, number>()
  let orders = 0
  let conflicts = 0
  let busyRetries = 0
  const errors: string[] = []
  for (const r of results) {
    for (const [id, units] of r.units) sold.set(id, (sold.get(id) ?? 0) + units)
    orders += r.orders
    conflicts += r.conflicts
    busyRetries += r.busyRetries
    errors.push(...r.errors)
  }
  let oversold = 0
  for (const id of racedIds) oversold += Math.max(0, (sold.get(id) ?? 0) - initialStock)

  const negative = Number(
    (
      await db
        .selectFrom('offers')
        .select(sql<number>`count(*)`.as('n'))
        .where('stock', '<', 0)
        .executeTakeFirstOrThrow()
    ).n,
  )
  const stockLeft = await db.selectFrom('offers').select(['id', 'stock']).where('id', 'in', racedIds).execute()
  const linesSold = new Map(
    (
      await db
        .selectFrom('orderLines as l')
        .innerJoin('orders as o', 'o.id', 'l.orderId')
        .select(['l.offerId', sql<number>`sum(l.quantity)`.as('units')])
        .where('o.checkoutId', '>', checkoutsBefore)
        .where('l.offerId', 'in', racedIds)
        .groupBy('l.offerId')
        .execute()
    ).map((r) => [r.offerId, Number(r.units)]),
  )
  // The order lines' own count of units sold beyond the stock, whatever the racers counted.
  let oversoldByLines = 0
  for (const id of racedIds) oversoldByLines += Math.max(0, (linesSold.get(id) ?? 0) - initialStock)
  oversold = Math.max(oversold, oversoldByLines)
  const disagreements = racedIds.filter((id) => (linesSold.get(id) ?? 0) !== (sold.get(id) ?? 0))
  const notSoldOut = stockLeft.filter((o) => o.stock !== 0)
  return { orders, conflicts, busyRetries, errors, oversold, negative, notSoldOut, disagreements }
}

export interface Timed {
  calls: number
  seconds: number
  p50: number
  p99: number
}

export function summarise(run: { calls: number; seconds: number; samples: number[] }): Timed {
  return { calls: run.calls, seconds: run.seconds, p50: round3(percentile(run.samples, 50)), p99: round3(percentile(run.samples, 99)) }
}

export function round3(n: number) {
  return Math.round(n * 1000) / 1000
}
