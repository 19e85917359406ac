import {
  fallbackLanguage,
  isLanguage,
  languageCookieName,
  languageFromAcceptHeader,
  languageParam,
  timeZoneCookieName,
  validTimeZone,
  type Language,
} from './config'

// Which language a request asks for, from the request alone. The order: the URL (?lng=it, what a
// shared link or an hreflang alternate says), then the `lng` cookie (the header's switcher sets
// it), then the account's saved preference (the caller passes it), then the browser's
// Accept-Language, then English. The first three are choices a person made; the header is only
// the browser's guess. No server imports: the HTTP layer's page cache keys pages with it.

export function cookieValue(request: Request, name: string): string | null {
  const header = request.headers.get('Cookie')
  if (!header || !header.includes(`${name}=`)) return null
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key !== name) continue
    try {
      return decodeURIComponent(rest.join('='))
    } catch {
      return null
    }
  }
  return null
}

/** The language a visitor without an account asks for. Synchronous: the page cache keys on it. */
export function visitorLanguage(request: Request, accountLanguage?: string | null): Language {
  const fromUrl = new URL(request.url).searchParams.get(languageParam)
  if (isLanguage(fromUrl)) return fromUrl
  const fromCookie = cookieValue(request, languageCookieName)
  if (isLanguage(fromCookie)) return fromCookie
  if (isLanguage(accountLanguage)) return accountLanguage
  return languageFromAcceptHeader(request.headers.get('Accept-Language')) ?? fallbackLanguage
}

/** The language the URL asks for, when it names one we speak: the page then sets the cookie. */
export function languageInUrl(request: Request): Language | null {
  const value = new URL(request.url).searchParams.get(languageParam)
  return isLanguage(value) ? value : null
}

/** The visitor's browser zone, which a form sent and the `tz` cookie kept; null without one. */
export function visitorTimeZone(request: Request): string | null {
  return validTimeZone(cookieValue(request, timeZoneCookieName))
}
