import type { OfferKind, ReciprocityClassName } from '../../../db/schema'
import { splitByBasisPoints, type Money } from '../../lib/money'
import { MIN_COMMONS_FUND_BP } from '../scoring/score'

// Reciprocal pricing (docs/design.md, "Offers and price tiers"). Pure: the checkout, the listing
// forms and the tests all price through these functions, so a tier is computed one way only.

/** The community's bounds on how a producer may split the access fee, in basis points. */
export const accessFeeBounds = {
  commonsFundMinBp: MIN_COMMONS_FUND_BP,
  infrastructureMinBp: 500,
  infrastructureMaxBp: 1500,
} as const

/** The split a new listing starts from: all of a commons item's fee to its fund, half of a good's. */
export function defaultAccessFeeSplit(kind: OfferKind): AccessFeeSplit {
  return kind === 'commons' ? { producerBp: 0, commonsFundBp: 9000, infrastructureBp: 1000 } : { producerBp: 4500, commonsFundBp: 4500, infrastructureBp: 1000 }
}

/**
 * The split a listing gets: the shares its producer gave (a share left out counts as 0 %), or
 * the default for its kind when it gave none.
 */
export function accessFeeSplitOf(kind: OfferKind, given: Partial<AccessFeeSplit>): AccessFeeSplit {
  if (given.producerBp === undefined && given.commonsFundBp === undefined && given.infrastructureBp === undefined) return defaultAccessFeeSplit(kind)
  return { producerBp: given.producerBp ?? 0, commonsFundBp: given.commonsFundBp ?? 0, infrastructureBp: given.infrastructureBp ?? 0 }
}

export interface AccessFeeSplit {
  producerBp: number
  commonsFundBp: number
  infrastructureBp: number
}

export interface TierPriceInput extends AccessFeeSplit {
  kind: OfferKind
  commonerPrice: number
  forProfitPrice: number
}

/** Most a listing may ask per unit: 1,000,000.00 in a two-decimal currency. */
export const MAX_UNIT_PRICE = 100_000_000

/**
 * What is wrong with a set of tier prices, one message per field; empty when they are valid.
 * The database enforces the same promises (CHECK constraints); this says them in words.
 */
export function tierPriceProblems(input: TierPriceInput): Partial<Record<keyof TierPriceInput, string>> {
  const problems: Partial<Record<keyof TierPriceInput, string>> = {}
  const isWhole = (n: number) => Number.isSafeInteger(n) && n >= 0
  if (!isWhole(input.commonerPrice) || input.commonerPrice > MAX_UNIT_PRICE) {
    problems.commonerPrice = 'Enter a price of zero or more, at most 1,000,000.'
  } else if (input.kind === 'commons' && input.commonerPrice !== 0) {
    problems.commonerPrice = 'A commons item is free to commoners: its commoner price must be 0.'
  }
  if (!isWhole(input.forProfitPrice) || input.forProfitPrice > MAX_UNIT_PRICE) {
    problems.forProfitPrice = 'Enter a price of zero or more, at most 1,000,000.'
  } else if (!problems.commonerPrice && input.forProfitPrice < input.commonerPrice) {
    problems.forProfitPrice = 'The for-profit price can never be below the commoner price.'
  }
  const { producerBp, commonsFundBp, infrastructureBp } = input
  if (![producerBp, commonsFundBp, infrastructureBp].every(isWhole) || producerBp + commonsFundBp + infrastructureBp !== 10_000) {
    problems.commonsFundBp = 'The shares of the access fee must add up to 100%.'
  } else if (commonsFundBp < accessFeeBounds.commonsFundMinBp) {
    problems.commonsFundBp = `At least ${accessFeeBounds.commonsFundMinBp / 100}% of the access fee goes to the commons fund.`
  } else if (infrastructureBp < accessFeeBounds.infrastructureMinBp || infrastructureBp > accessFeeBounds.infrastructureMaxBp) {
    problems.infrastructureBp = `The infrastructure fund's share is between ${accessFeeBounds.infrastructureMinBp / 100}% and ${accessFeeBounds.infrastructureMaxBp / 100}%.`
  }
  return problems
}

export interface PricedLine {
  unitPrice: number
  lineTotal: number
  /** the commoner price times the quantity: always the producer's */
  commonerAmount: number
  accessFee: number
  /** commoner amount plus the producer's share of the access fee */
  producerAmount: number
  commonsFundAmount: number
  infrastructureAmount: number
}

/**
 * Prices one line for a buyer class. The access fee of the whole line is split (not the unit's),
 * so the parts always add up to what the buyer pays, to the cent.
 */
export function priceLine(offer: TierPriceInput, reciprocityClass: ReciprocityClassName, quantity: number): PricedLine {
  if (!Number.isSafeInteger(quantity) || quantity < 1) throw new RangeError(`quantity must be a positive integer, got ${quantity}`)
  const unitPrice = reciprocityClass === 'commoner' ? offer.commonerPrice : offer.forProfitPrice
  const commonerAmount = offer.commonerPrice * quantity
  const accessFee = (unitPrice - offer.commonerPrice) * quantity
  const [producerShare, commonsFundAmount, infrastructureAmount] = splitByBasisPoints(accessFee, [
    offer.producerBp,
    offer.commonsFundBp,
    offer.infrastructureBp,
  ]) as [number, number, number]
  return {
    unitPrice,
    lineTotal: unitPrice * quantity,
    commonerAmount,
    accessFee,
    producerAmount: commonerAmount + producerShare,
    commonsFundAmount,
    infrastructureAmount,
  }
}

/** The offer columns a price is computed from, as the offers table names them. */
export const offerPriceColumns = [
  'o.kind',
  'o.currency',
  'o.commonerPrice',
  'o.forProfitPrice',
  'o.accessFeeProducerBp',
  'o.accessFeeCommonsFundBp',
  'o.accessFeeInfrastructureBp',
] as const

/** An offer row (selected with offerPriceColumns) as pricing input. */
export function tierPriceInput(row: {
  kind: OfferKind
  commonerPrice: number
  forProfitPrice: number
  accessFeeProducerBp: number
  accessFeeCommonsFundBp: number
  accessFeeInfrastructureBp: number
}): TierPriceInput {
  return {
    kind: row.kind,
    commonerPrice: row.commonerPrice,
    forProfitPrice: row.forProfitPrice,
    producerBp: row.accessFeeProducerBp,
    commonsFundBp: row.accessFeeCommonsFundBp,
    infrastructureBp: row.accessFeeInfrastructureBp,
  }
}

export const accessFeeRecipients = ['producer', 'commons_fund', 'infrastructure_fund'] as const
export type AccessFeeRecipient = (typeof accessFeeRecipients)[number]

/**
 * Where one unit's access fee goes: each recipient's basis points and amount, the amounts
 * adding up to the fee to the cent (what offer pages, the API and JSON-LD show).
 */
export function accessFeeShares(row: {
  commonerPrice: number
  forProfitPrice: number
  accessFeeProducerBp: number
  accessFeeCommonsFundBp: number
  accessFeeInfrastructureBp: number
}): { to: AccessFeeRecipient; basisPoints: number; amount: number }[] {
  const basisPoints = [row.accessFeeProducerBp, row.accessFeeCommonsFundBp, row.accessFeeInfrastructureBp]
  const amounts = splitByBasisPoints(row.forProfitPrice - row.commonerPrice, basisPoints)
  return accessFeeRecipients.map((to, i) => ({ to, basisPoints: basisPoints[i]!, amount: amounts[i]! }))
}

/** The two prices of an offer, per unit, and the access fee between them. */
export interface TierPrices {
  commoner: Money
  forProfit: Money
  /** What a for-profit buyer pays on top of the commoner price. */
  accessFee: Money
}

export function tierPrices(row: { currency: string; commonerPrice: number; forProfitPrice: number }): TierPrices {
  return {
    commoner: { amount: row.commonerPrice, currency: row.currency },
    forProfit: { amount: row.forProfitPrice, currency: row.currency },
    accessFee: { amount: row.forProfitPrice - row.commonerPrice, currency: row.currency },
  }
}
