import i18next, { type TFunction } from 'i18next'
import { defaultNamespace, fallbackLanguage, isLanguage, type Language } from './config'

// Page titles. Remix calls `meta` outside React, so it cannot use a hook; it reads the language
// the root loader chose from the matches, and asks the shared i18next (in the browser: the one
// language it loaded; on the server: every language) for a `t` in it.

type Matches = readonly { id: string; data?: unknown }[]

export function languageOfMatches(matches: Matches): Language {
  const locale = (matches.find((m) => m.id === 'root')?.data as { locale?: unknown } | undefined)?.locale
  return isLanguage(locale) ? locale : fallbackLanguage
}

export function metaT(matches: Matches, namespace: string = defaultNamespace): TFunction {
  return i18next.getFixedT(languageOfMatches(matches), namespace)
}

/** "<what> · Solidarity Market", in the reader's language. */
export function pageTitle(matches: Matches, what: string): { title: string }[] {
  return [{ title: `${what} · ${metaT(matches)('site.name')}` }]
}
