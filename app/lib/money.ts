// Money is integer minor units plus an ISO 4217 currency, everywhere. No floats.

export interface Money {
  amount: number
  currency: string
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`money amount must be an integer, got ${amount}`)
  return { amount, currency }
}

/**
 * Money in one currency, for code that reports many amounts in it. An SQL sum over no rows is
 * null: it reads as zero. The integer check of `money` applies to every amount.
 */
export function moneyIn(currency: string): (amount: number | null) => Money {
  return (amount) => money(Number(amount ?? 0), currency)
}

const fractionDigitsCache = new Map<string, number>()
function fractionDigits(currency: string): number {
  let digits = fractionDigitsCache.get(currency)
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
    fractionDigitsCache.set(currency, digits)
  }
  return digits
}

const formatterCache = new Map<string, Intl.NumberFormat>()
function formatter(currency: string): Intl.NumberFormat {
  let f = formatterCache.get(currency)
  if (!f) {
    f = new Intl.NumberFormat('en-IE', { style: 'currency', currency })
    formatterCache.set(currency, f)
  }
  return f
}

/** The decimal string of a minor-unit amount, e.g. 1250 EUR → "12.50", without float arithmetic. */
export function toDecimalString(amount: number, currency: string): string {
  const digits = fractionDigits(currency)
  const sign = amount < 0 ? '-' : ''
  const abs = String(Math.abs(amount)).padStart(digits + 1, '0')
  if (digits === 0) return sign + abs
  return `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`
}

/** "€12.50"; Intl formats a decimal string exactly. */
export function formatMoney(amount: number, currency: string): string {
  return formatter(currency).format(toDecimalString(amount, currency) as unknown as number)
}

/**
 * Splits `amount` by basis points (summing to 10,000) so the parts always add up to the whole:
 * the remainder cents go to the largest remainders first, ties to the earlier part.
 */
export function splitByBasisPoints(amount: number, basisPoints: readonly number[]): number[] {
  const total = basisPoints.reduce((a, b) => a + b, 0)
  if (total !== 10_000) throw new RangeError(`basis points must sum to 10000, got ${total}`)
  const exact = basisPoints.map((bp) => amount * bp)
  const parts = exact.map((e) => Math.floor(e / 10_000))
  let remainder = amount - parts.reduce((a, b) => a + b, 0)
  const order = exact.map((e, i) => ({ i, rest: e % 10_000 })).sort((a, b) => b.rest - a.rest || a.i - b.i)
  for (const { i } of order) {
    if (remainder <= 0) break
    parts[i]! += 1
    remainder -= 1
  }
  return parts
}

/**
 * Reads a price a person typed ("12", "12.5", "12.50", "1,234.50") as minor units of
 * `currency`, without float arithmetic; null when it is not a plain non-negative amount or
 * has more decimals than the currency allows. Prices are written as the site shows them: a
 * point before the decimals, commas (or spaces) only between groups of three digits. So
 * "1,5" is refused rather than read as 1.50, as are "0x10" and "1e2". `decimalComma` also reads
 * "12,50" as 12.50: spreadsheets saved in languages that write decimal commas (CSV imports).
 */
export function parseMinorUnits(text: string, currency: string, options: { decimalComma?: boolean } = {}): number | null {
  const trimmed = text.trim()
  const match = /^(\d{1,3}(?:[ ,]\d{3})+|\d{1,12})(?:\.(\d+))?$/.exec(trimmed) ?? (options.decimalComma ? /^(\d{1,12}),(\d+)$/.exec(trimmed) : null)
  if (!match) return null
  const digits = fractionDigits(currency)
  const fraction = match[2] ?? ''
  if (fraction.length > digits) return null
  const amount = Number(match[1]!.replace(/[ ,]/g, '')) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0')
  return Number.isSafeInteger(amount) ? amount : null
}
