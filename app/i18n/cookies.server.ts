import { languageCookieName, timeZoneCookieName, type Language } from './config'

// Plain cookies (not signed, not encoded): a language code or a zone name is no secret, and the
// page cache reads them as written to key a page.

const YEAR = 60 * 60 * 24 * 365

export function languageCookieHeader(language: Language): string {
  return `${languageCookieName}=${language}; Path=/; Max-Age=${YEAR}; SameSite=Lax`
}

export function timeZoneCookieHeader(zone: string): string {
  return `${timeZoneCookieName}=${encodeURIComponent(zone)}; Path=/; Max-Age=${YEAR}; SameSite=Lax`
}
