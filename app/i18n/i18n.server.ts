import { RemixI18Next } from 'remix-i18next/server'
import { getOptionalUser } from '~/lib/session.server'
import { fallbackLanguage, isLanguage, languageCookieName, languageParam, supportedLanguages, validTimeZone, type Language } from './config'
import { cookieValue, visitorLanguage, visitorTimeZone } from './detect'
import type { ReaderLocale } from './format'

// Which language a request is answered in: detect.ts's order, with the account's preference
// from the session.

export { languageInUrl, visitorLanguage, visitorTimeZone } from './detect'

export const remixI18next = new RemixI18Next({
  detection: {
    supportedLanguages: [...supportedLanguages],
    fallbackLanguage,
    order: ['custom'],
    // The account's preference sits between the cookie and the header, which remix-i18next's own
    // order cannot express, so the whole order is ours. A session costs a query only when the
    // URL and the cookie are silent.
    async findLocale(request) {
      const quick = visitorLanguage(request, null)
      const url = new URL(request.url).searchParams.get(languageParam)
      if (isLanguage(url) || isLanguage(cookieValue(request, languageCookieName))) return quick
      const user = await getOptionalUser(request)
      return visitorLanguage(request, user?.language)
    },
  },
})

/** The language a request is answered in. */
export async function languageOf(request: Request): Promise<Language> {
  const found = await remixI18next.getLocale(request)
  return isLanguage(found) ? found : fallbackLanguage
}

/** The reader's language and zone: the account's zone, else the browser's, else UTC. */
export async function readerLocaleOf(request: Request): Promise<ReaderLocale> {
  const user = await getOptionalUser(request)
  return {
    language: visitorLanguage(request, user?.language),
    timeZone: validTimeZone(user?.timeZone) ?? visitorTimeZone(request) ?? 'UTC',
  }
}
