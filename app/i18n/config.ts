// The languages the marketplace speaks. Adding one is a folder of messages under locales/<code>/
// (a copy of locales/en/ translated) and one line here; `npm run i18n:check` then says what is
// missing. This module is shared by the server and the browser, so it imports nothing.

/**
 * Each language: its own name (for the switcher) and the `Intl` locale its numbers, money and
 * dates are written in. English is written as in Ireland: the demo is European, so
 * "2 December 2026" and "€12.50" rather than the American order of day and month.
 */
export const languages = {
  en: { name: 'English', intl: 'en-IE' },
  it: { name: 'Italiano', intl: 'it-IT' },
  fr: { name: 'Français', intl: 'fr-FR' },
  de: { name: 'Deutsch', intl: 'de-DE' },
  es: { name: 'Español', intl: 'es-ES' },
} as const

export type Language = keyof typeof languages

export const languageNames = Object.fromEntries(Object.entries(languages).map(([code, l]) => [code, l.name])) as Record<Language, string>

export const supportedLanguages = Object.keys(languages) as Language[]

/** What a reader gets when nothing they send names a language we speak. */
export const fallbackLanguage: Language = 'en'

/** The namespace `t` reads when a key names none. */
export const defaultNamespace = 'common'

/** The query parameter and the cookie that carry a chosen language. */
export const languageParam = 'lng'
export const languageCookieName = 'lng'
/** The cookie that carries the browser's time zone for visitors without an account. */
export const timeZoneCookieName = 'tz'

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && Object.hasOwn(languages, value)
}

/**
 * The supported language a tag such as "it-CH" or "de" names, or null. Only the primary subtag
 * counts: the five languages need no regional variant to be read.
 */
export function languageOfTag(tag: string | null | undefined): Language | null {
  const primary = tag?.trim().split(/[-_]/)[0]?.toLowerCase()
  return isLanguage(primary) ? primary : null
}

/**
 * The best language an Accept-Language header asks for: tags in the order of their q-values
 * (a missing q is 1; ties keep the header's order), the first we speak; null when none is.
 */
export function languageFromAcceptHeader(header: string | null | undefined): Language | null {
  if (!header) return null
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined)
      return { tag: tag ?? '', q: q === undefined ? 1 : Number(q), index }
    })
    .filter((entry) => entry.q > 0 && Number.isFinite(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const { tag } of ranked) {
    const language = languageOfTag(tag)
    if (language) return language
  }
  return null
}

/** A valid IANA time zone name, as `Intl` knows them; null otherwise. */
export function validTimeZone(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return null
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone
  } catch {
    return null
  }
}
