import { createContext, useContext } from 'react'
import { toDecimalString } from '~/lib/money'
import { fallbackLanguage, languages, type Language } from './config'

// Numbers, money and times as the reader writes them: `Intl` in the reader's language, times in
// the reader's time zone with the zone named. The currency is always the amount's own: an Italian
// reader sees "12,50 €", an English one "€12.50", for the same offer.

export interface ReaderLocale {
  language: Language
  /** an IANA zone; UTC only when neither the account nor the browser said otherwise */
  timeZone: string
}

export const defaultReaderLocale: ReaderLocale = { language: fallbackLanguage, timeZone: 'UTC' }

export function intlLocale(language: Language): string {
  return languages[language].intl
}

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>()
function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
  let f = cache.get(key) as F | undefined
  if (!f) {
    f = make()
    cache.set(key, f)
  }
  return f
}

/** Minor units of `currency` in the reader's writing, from the exact decimal (never a float). */
export function formatMoneyIn(language: Language, amount: number, currency: string): string {
  const f = cached(`m|${language}|${currency}`, () => new Intl.NumberFormat(intlLocale(language), { style: 'currency', currency }))
  return f.format(toDecimalString(amount, currency) as unknown as number)
}

export function formatNumberIn(language: Language, value: number, options?: { maximumFractionDigits?: number }): string {
  const digits = options?.maximumFractionDigits ?? 3
  return cached(`n|${language}|${digits}`, () => new Intl.NumberFormat(intlLocale(language), { maximumFractionDigits: digits })).format(value)
}

// A calendar day written as YYYY-MM-DD names that day everywhere: it is not moved into a zone.
const calendarDay = /^\d{4}-\d{2}-\d{2}$/

/** "2 December 2026" / "2 dicembre 2026": the day the instant falls on in the reader's zone. */
export function formatDateIn(locale: ReaderLocale, iso: string): string {
  const zone = calendarDay.test(iso) ? 'UTC' : locale.timeZone
  return cached(`d|${locale.language}|${zone}`, () => new Intl.DateTimeFormat(intlLocale(locale.language), { dateStyle: 'long', timeZone: zone })).format(
    new Date(iso),
  )
}

/** "2 Dec 2026, 14:05 CET": an instant in the reader's zone, with the zone named. */
export function formatDateTimeIn(locale: ReaderLocale, iso: string): string {
  return (
    cached(
      `t|${locale.language}|${locale.timeZone}`,
      () =>
        new Intl.DateTimeFormat(intlLocale(locale.language), {
          dateStyle: 'medium',
          timeStyle: 'short',
          timeZone: locale.timeZone,
        }),
    ).format(new Date(iso)) + ` ${zoneName(locale, iso)}`
  )
}

/** The zone's short name at that instant ("CET", "GMT+1"), as the reader's language writes it. */
function zoneName(locale: ReaderLocale, iso: string): string {
  const parts = cached(
    `z|${locale.language}|${locale.timeZone}`,
    () => new Intl.DateTimeFormat(intlLocale(locale.language), { timeZone: locale.timeZone, timeZoneName: 'short' }),
  ).formatToParts(new Date(iso))
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? locale.timeZone
}

/** The formatting functions for one reader, so a page or a mail need not pass the locale around. */
export function formatterFor(locale: ReaderLocale) {
  return {
    locale,
    money: (amount: number, currency: string) => formatMoneyIn(locale.language, amount, currency),
    number: (value: number, options?: { maximumFractionDigits?: number }) => formatNumberIn(locale.language, value, options),
    date: (iso: string) => formatDateIn(locale, iso),
    dateTime: (iso: string) => formatDateTimeIn(locale, iso),
  }
}

export type Formatter = ReturnType<typeof formatterFor>

/** The reader's locale, provided by the root layout from the root loader. */
export const ReaderLocaleContext = createContext<ReaderLocale>(defaultReaderLocale)

/** Formatting in the reader's language and zone, for components. */
export function useFormat(): Formatter {
  const locale = useContext(ReaderLocaleContext)
  return formatterFor(locale)
}
