import { sql, type Kysely, type Transaction } from 'kysely'
import { z } from 'zod'
import { deliveryModes, type DB, type Db, type StockAdjustmentReason } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { firstFreeSlug, slugify } from '../../lib/slug'
import { decimalDigits } from '../../lib/numbers'
import { requireMembership } from '../organisations/membership.server'
import { accessFeeBounds, accessFeeSplitOf, MAX_UNIT_PRICE, tierPriceProblems } from '../pricing/pricing'
import { refreshScores } from '../scoring/scores.server'
import { adjustStock as changeStock, MAX_STOCK, startStock, stockForKind, stockHistory as stockAdjustments } from '../stock/stock.server'
import { clock } from '../../lib/clock'

// An organisation's listings: what its members create, edit, archive and restock. Every
// function checks membership against the stored organisation, validates with the same rules
// the database enforces (in words a person reads), and rescores in the same transaction so
// the score and its explanation are there as soon as the listing is saved.

export interface Actor {
  personId: number
  organisationId: number
}

/** The largest cap on personal-use units (the most one order line holds). */
export const PERSONAL_USE_CAP_MAX = 999

/** What a whole-number field says when it is not one: whole sentences, so each translates whole. */
interface WholeMessages {
  number: string
  whole: string
  negative: string
  max: string
}

const wholeMessages = {
  stock: {
    number: 'Stock must be a number, in digits.',
    whole: 'Stock must be a whole number.',
    negative: 'Stock cannot be negative.',
    max: `Stock is at most ${MAX_STOCK.toLocaleString('en')}.`,
  },
  commonerPrice: {
    number: 'The commoner price must be a number, in digits.',
    whole: 'The commoner price must be a whole number.',
    negative: 'The commoner price cannot be negative.',
    max: `The commoner price is at most ${MAX_UNIT_PRICE.toLocaleString('en')}.`,
  },
  forProfitPrice: {
    number: 'The for-profit price must be a number, in digits.',
    whole: 'The for-profit price must be a whole number.',
    negative: 'The for-profit price cannot be negative.',
    max: `The for-profit price is at most ${MAX_UNIT_PRICE.toLocaleString('en')}.`,
  },
  producerBp: {
    number: 'The producer share must be a number, in digits.',
    whole: 'The producer share must be a whole number.',
    negative: 'The producer share cannot be negative.',
    max: `The producer share is at most ${(10_000).toLocaleString('en')}.`,
  },
  commonsFundBp: {
    number: 'The commons fund share must be a number, in digits.',
    whole: 'The commons fund share must be a whole number.',
    negative: 'The commons fund share cannot be negative.',
    max: `The commons fund share is at most ${(10_000).toLocaleString('en')}.`,
  },
  infrastructureBp: {
    number: 'The infrastructure share must be a number, in digits.',
    whole: 'The infrastructure share must be a whole number.',
    negative: 'The infrastructure share cannot be negative.',
    max: `The infrastructure share is at most ${(10_000).toLocaleString('en')}.`,
  },
  personalUseCap: {
    number: 'The cap per person must be a number, in digits.',
    whole: 'The cap per person must be a whole number.',
    negative: 'The cap per person cannot be negative.',
    max: `The cap per person is at most ${PERSONAL_USE_CAP_MAX.toLocaleString('en')}.`,
  },
} satisfies Record<string, WholeMessages>

const whole = (messages: WholeMessages, max: number) =>
  decimalDigits(z.number({ error: messages.number }).int(messages.whole).min(0, messages.negative).max(max, messages.max))
const basisPoints = (messages: WholeMessages) => whole(messages, 10_000)

/**
 * A listing as forms and CSV rows give it: prices already in minor units, shares in basis
 * points. References (category, licence, fund) are by their public slug or code.
 */
export const ListingInput = z
  .object({
    kind: z.enum(['good', 'commons'], { error: 'Choose whether this is a good or a commons item.' }),
    title: z.string().trim().min(3, 'Give the listing a title of at least 3 characters.').max(200, 'Keep the title under 200 characters.'),
    description: z.string().trim().max(5000, 'Keep the description under 5,000 characters.').default(''),
    category: z.string().trim().min(1, 'Choose a category.'),
    licence: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? v : null)),
    unit: z.string().trim().min(1, 'Say what one unit is (a piece, a kilo, a download …).').max(40, 'Keep the unit under 40 characters.'),
    delivery: z.enum(deliveryModes, { error: 'Choose how buyers receive it.' }),
    stock: whole(wholeMessages.stock, MAX_STOCK).optional(),
    commonerPrice: whole(wholeMessages.commonerPrice, MAX_UNIT_PRICE),
    forProfitPrice: whole(wholeMessages.forProfitPrice, MAX_UNIT_PRICE),
    producerBp: basisPoints(wholeMessages.producerBp).optional(),
    commonsFundBp: basisPoints(wholeMessages.commonsFundBp).optional(),
    infrastructureBp: basisPoints(wholeMessages.infrastructureBp).optional(),
    commonsFund: z.string().trim().min(1, 'Choose the commons fund that receives the access fee.'),
    // Units one person may buy for personal use: null clears the cap; absent (a CSV row) keeps it.
    personalUseCap: whole(wholeMessages.personalUseCap, PERSONAL_USE_CAP_MAX)
      .refine((n) => n >= 1, 'The cap per person is at least 1 (leave it empty for no cap).')
      .nullable()
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'commons' && !v.licence) ctx.addIssue({ code: 'custom', path: ['licence'], message: 'A commons item needs a licence.' })
    if (v.kind === 'good' && v.stock === undefined)
      ctx.addIssue({ code: 'custom', path: ['stock'], message: 'Say how many you have in stock (0 if none yet).' })
    if (v.kind === 'commons' && v.delivery !== 'download' && v.delivery !== 'link') {
      ctx.addIssue({ code: 'custom', path: ['delivery'], message: 'A commons item is delivered as a download or a link.' })
    }
    if (v.kind === 'good' && (v.delivery === 'download' || v.delivery === 'link')) {
      ctx.addIssue({ code: 'custom', path: ['delivery'], message: 'A good is shipped or picked up.' })
    }
    const split = accessFeeSplitOf(v.kind, v)
    for (const [field, message] of Object.entries(
      tierPriceProblems({ kind: v.kind, commonerPrice: v.commonerPrice, forProfitPrice: v.forProfitPrice, ...split }),
    )) {
      ctx.addIssue({ code: 'custom', path: [field], message })
    }
  })
export type ListingInput = z.infer<typeof ListingInput>

/** Field messages for an invalid listing, as an AppError the forms show beside each field. */
export function listingProblems(input: unknown): { ok: true; listing: ListingInput } | { ok: false; error: AppError } {
  const parsed = ListingInput.safeParse(input)
  if (parsed.success) return { ok: true, listing: parsed.data }
  const details: Record<string, string> = {}
  for (const issue of parsed.error.issues) details[String(issue.path[0] ?? 'form')] ??= issue.message
  return { ok: false, error: new AppError('invalid_input', Object.values(details)[0]!, details) }
}

/** What the listing form offers to choose from, and the community's bounds on the fee split. */
export async function listingFormOptions(db: Db) {
  const [categories, licences, funds] = await Promise.all([
    db.selectFrom('categories').select(['slug', 'name']).orderBy('name').execute(),
    db.selectFrom('licences').select(['code', 'name', 'openness', 'url']).orderBy('name').execute(),
    db.selectFrom('commonsFunds').select(['slug', 'name', 'currency', 'purpose']).where('kind', '=', 'commons').orderBy('name').execute(),
  ])
  return { categories, licences, funds, bounds: accessFeeBounds, deliveryModes }
}

/** Resolves slugs and codes to ids. @throws AppError invalid_input naming the field */
async function references(db: Db, listing: ListingInput) {
  const [category, licence, fund] = await Promise.all([
    db.selectFrom('categories').select('id').where('slug', '=', listing.category).executeTakeFirst(),
    listing.licence ? db.selectFrom('licences').select('code').where('code', '=', listing.licence).executeTakeFirst() : Promise.resolve(null),
    db.selectFrom('commonsFunds').select(['id', 'currency', 'kind']).where('slug', '=', listing.commonsFund).executeTakeFirst(),
  ])
  const details: Record<string, string> = {}
  if (!category) details.category = `There is no category “${listing.category}”.`
  if (listing.licence && !licence) details.licence = `There is no licence “${listing.licence}”.`
  if (!fund || fund.kind !== 'commons') details.commonsFund = `There is no commons fund “${listing.commonsFund}”.`
  if (Object.keys(details).length) throw new AppError('invalid_input', Object.values(details)[0]!, details)
  const infrastructure = await db
    .selectFrom('commonsFunds')
    .select('id')
    .where('kind', '=', 'infrastructure')
    .where('currency', '=', fund!.currency)
    .executeTakeFirst()
  if (!infrastructure)
    throw new AppError('invalid_input', `The marketplace takes no orders in ${fund!.currency} yet.`, {
      commonsFund: `The marketplace takes no orders in ${fund!.currency} yet.`,
    })
  return { categoryId: category!.id, licenceCode: licence?.code ?? null, commonsFundId: fund!.id, currency: fund!.currency }
}

function offerValues(listing: ListingInput) {
  const split = accessFeeSplitOf(listing.kind, listing)
  return {
    kind: listing.kind,
    title: listing.title,
    description: listing.description,
    unit: listing.unit,
    delivery: listing.delivery,
    commonerPrice: listing.commonerPrice,
    forProfitPrice: listing.forProfitPrice,
    accessFeeProducerBp: split.producerBp,
    accessFeeCommonsFundBp: split.commonsFundBp,
    accessFeeInfrastructureBp: split.infrastructureBp,
    ...(listing.personalUseCap === undefined ? {} : { personalUseCap: listing.kind === 'good' ? listing.personalUseCap : null }),
  }
}

/**
 * Hands out free offer slugs within one transaction. Each title's taken slugs (`rope`,
 * `rope-2`, …) are read once, in one query, so importing thousands of rows with the same
 * title stays linear instead of probing `rope-1`…`rope-n` for every row.
 */
export function offerSlugAllocator(trx: Transaction<DB>) {
  const taken = new Map<string, Set<string>>()
  return async (title: string): Promise<string> => {
    const base = slugify(title, 'offer')
    let set = taken.get(base)
    if (!set) {
      const rows = await trx
        .selectFrom('offers')
        .select('slug')
        .where((eb) => eb.or([eb('slug', '=', base), eb(sql<string>`substr(slug, 1, ${base.length + 1})`, '=', `${base}-`)]))
        .execute()
      set = new Set(rows.map((r) => r.slug))
      taken.set(base, set)
    }
    const slug = await firstFreeSlug(base, async (s) => set.has(s))
    set.add(slug)
    return slug
  }
}

/** Inserts a listing inside the caller's transaction (the CSV import places many in one, sharing `allocateSlug`). */
export async function insertListing(
  trx: Transaction<DB>,
  actor: Actor,
  listing: ListingInput,
  reason: 'listed' | 'imported',
  now: string,
  allocateSlug = offerSlugAllocator(trx),
): Promise<{ id: number; slug: string }> {
  const refs = await references(trx, listing)
  const slug = await allocateSlug(listing.title)
  const stock = listing.kind === 'good' ? (listing.stock ?? 0) : null
  const offer = await trx
    .insertInto('offers')
    .values({ ...offerValues(listing), ...refs, slug, organisationId: actor.organisationId, stock, status: 'active', createdAt: now, updatedAt: now })
    .returning(['id', 'slug'])
    .executeTakeFirstOrThrow()
  if (stock !== null) await startStock(trx, { offerId: offer.id, stock, reason, personId: actor.personId }, now)
  return offer
}

/**
 * Lists a new good or commons item for the actor's organisation, scored at once.
 * @throws AppError forbidden (not a member), invalid_input (with a message per field)
 */
export async function createListing(db: Kysely<DB>, actor: Actor, input: unknown, now = clock.now()) {
  await requireMembership(db, actor.personId, actor.organisationId)
  const checked = listingProblems(input)
  if (!checked.ok) throw checked.error
  return db.transaction().execute(async (trx) => {
    const offer = await insertListing(trx, actor, checked.listing, 'listed', now)
    await refreshScores(trx, { organisationIds: [actor.organisationId] }, now)
    return offer
  })
}

/** The listing, if it belongs to the actor's organisation. @throws AppError not_found, forbidden */
export async function ownListing(db: Db, actor: Actor, offerId: number) {
  await requireMembership(db, actor.personId, actor.organisationId)
  const offer = await db.selectFrom('offers').selectAll().where('id', '=', offerId).where('organisationId', '=', actor.organisationId).executeTakeFirst()
  if (!offer) throw new AppError('not_found', 'This organisation has no such listing.')
  return offer
}

/**
 * Edits a listing. Its kind is fixed once anyone has ordered it (orders snapshot it), and
 * stock changes go through adjustStock so they have a history.
 * @throws AppError forbidden, not_found, invalid_input, conflict
 */
export async function updateListing(db: Kysely<DB>, actor: Actor, offerId: number, input: unknown, now = clock.now()) {
  const existing = await ownListing(db, actor, offerId)
  const checked = listingProblems({ ...(input as object), stock: existing.stock ?? undefined })
  if (!checked.ok) throw checked.error
  const listing = checked.listing
  return db.transaction().execute(async (trx) => {
    if (listing.kind !== existing.kind) {
      const ordered = await trx.selectFrom('orderLines').select('id').where('offerId', '=', offerId).executeTakeFirst()
      if (ordered)
        throw new AppError(
          'conflict',
          existing.kind === 'good'
            ? 'This listing has been ordered, so it stays a good. List a new one instead.'
            : 'This listing has been ordered, so it stays a commons item. List a new one instead.',
          { kind: 'Orders already refer to this listing as it is.' },
        )
    }
    const refs = await references(trx, listing)
    await trx
      .updateTable('offers')
      .set({ ...offerValues(listing), ...refs, updatedAt: now })
      .where('id', '=', offerId)
      .execute()
    if (listing.kind !== existing.kind) await stockForKind(trx, offerId, listing.kind)
    await refreshScores(trx, { organisationIds: [actor.organisationId] }, now)
    return { id: offerId, slug: existing.slug }
  })
}

/** Takes a listing out of the catalog, or puts it back. @throws AppError forbidden, not_found */
export async function setListingStatus(db: Kysely<DB>, actor: Actor, offerId: number, status: 'active' | 'archived', now = clock.now()) {
  await ownListing(db, actor, offerId)
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('offers').set({ status, updatedAt: now }).where('id', '=', offerId).execute()
    await refreshScores(trx, { organisationIds: [actor.organisationId] }, now)
  })
}

export const StockAdjustmentInput = z.object({
  delta: decimalDigits(
    z
      .number({ error: 'Enter how many units to add (or, with a minus sign, take away), in digits.' })
      .int('Enter a whole number of units.')
      .refine((n) => n !== 0, 'Enter a change other than zero.')
      .refine((n) => Math.abs(n) <= MAX_STOCK, `Change stock by at most ${MAX_STOCK.toLocaleString('en')} at a time.`),
  ),
  reason: z.enum(['restock', 'correction', 'damaged', 'returned'], { error: 'Choose why the stock changes.' }),
  note: z.string().trim().max(500, 'Keep the note under 500 characters.').default(''),
})

/**
 * Changes a good's stock by `delta` with a guarded update (never below zero, even against a
 * checkout racing it) and records who did it and why.
 * @throws AppError forbidden, not_found, invalid_input, conflict
 */
export async function adjustStock(db: Kysely<DB>, actor: Actor, offerId: number, input: unknown, now = clock.now()) {
  const offer = await ownListing(db, actor, offerId)
  if (offer.stock === null) throw new AppError('invalid_input', 'A commons item has no stock: sharing does not use it up.')
  const parsed = StockAdjustmentInput.safeParse(input)
  if (!parsed.success) {
    const details: Record<string, string> = {}
    for (const issue of parsed.error.issues) details[String(issue.path[0])] ??= issue.message
    throw new AppError('invalid_input', Object.values(details)[0]!, details)
  }
  const { delta, reason, note } = parsed.data
  return db.transaction().execute((trx) => changeStock(trx, { offerId, delta, reason: reason as StockAdjustmentReason, note, personId: actor.personId }, now))
}

/** A listing's stock history, newest first, with who changed it. */
export async function stockHistory(db: Db, actor: Actor, offerId: number, limit = 50) {
  await ownListing(db, actor, offerId)
  return stockAdjustments(db, offerId, limit)
}
