import { describe, expect, it } from 'vitest'
import { languageFromAcceptHeader, validTimeZone } from '~/i18n/config'
import { visitorLanguage } from '~/i18n/detect'
import { formatDateIn, formatDateTimeIn, formatMoneyIn, formatNumberIn } from '~/i18n/format'
import { languageOrDefault, translator } from '~/i18n/translator.server'

// Intl separates an amount from its currency with a no-break space; readers see a space.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ')

describe('money and numbers in the reader’s language', () => {
  it('writes the offer’s own currency the way each language does', () => {
    expect(plain(formatMoneyIn('en', 1250, 'EUR'))).toBe('€12.50')
    expect(plain(formatMoneyIn('it', 1250, 'EUR'))).toBe('12,50 €')
    expect(plain(formatMoneyIn('de', 123456, 'EUR'))).toBe('1.234,56 €')
    expect(plain(formatMoneyIn('fr', 123456, 'EUR'))).toBe('1 234,56 €')
    expect(plain(formatMoneyIn('es', 1250, 'EUR'))).toBe('12,50 €')
    // The currency stays the amount's own, whatever the reader's language.
    expect(plain(formatMoneyIn('it', 1250, 'SEK'))).toBe('12,50 SEK')
    expect(plain(formatMoneyIn('en', 999, 'PLN'))).toBe('PLN 9.99')
  })

  it('is exact for amounts no float can hold', () => {
    expect(plain(formatMoneyIn('en', 9_007_199_254_740_991, 'EUR'))).toBe('€90,071,992,547,409.91')
  })

  it('groups digits as the language does', () => {
    expect(formatNumberIn('en', 10000)).toBe('10,000')
    expect(formatNumberIn('de', 10000)).toBe('10.000')
    expect(formatNumberIn('it', 2.5)).toBe('2,5')
  })
})

describe('times in the reader’s zone, with the zone named', () => {
  const instant = '2026-12-02T13:05:00.000Z'

  it('moves an instant into the reader’s zone and names it', () => {
    expect(plain(formatDateTimeIn({ language: 'it', timeZone: 'Europe/Rome' }, instant))).toBe('2 dic 2026, 14:05 CET')
    expect(plain(formatDateTimeIn({ language: 'en', timeZone: 'UTC' }, instant))).toBe('2 Dec 2026, 13:05 UTC')
    expect(formatDateTimeIn({ language: 'de', timeZone: 'America/New_York' }, instant)).toContain('08:05')
  })

  it('dates an instant by the day it falls on in the reader’s zone', () => {
    expect(formatDateIn({ language: 'en', timeZone: 'Pacific/Auckland' }, '2026-12-02T13:05:00.000Z')).toBe('3 December 2026')
    expect(formatDateIn({ language: 'fr', timeZone: 'UTC' }, instant)).toBe('2 décembre 2026')
  })

  it('leaves a calendar day where it is, in any zone', () => {
    expect(formatDateIn({ language: 'en', timeZone: 'America/Los_Angeles' }, '2026-12-02')).toBe('2 December 2026')
  })

  it('accepts only zones Intl knows', () => {
    expect(validTimeZone('Europe/Rome')).toBe('Europe/Rome')
    expect(validTimeZone('Mars/Olympus')).toBeNull()
    expect(validTimeZone('')).toBeNull()
    expect(validTimeZone(42)).toBeNull()
  })
})

describe('choosing the language', () => {
  const request = (url: string, headers: Record<string, string> = {}) => new Request(`http://localhost${url}`, { headers })

  it('follows the browser’s preferences by weight, skipping languages we do not speak', () => {
    expect(languageFromAcceptHeader('de-AT,de;q=0.9,en;q=0.8')).toBe('de')
    expect(languageFromAcceptHeader('pt-BR, pt;q=0.9, it;q=0.5, en;q=0.4')).toBe('it')
    expect(languageFromAcceptHeader('en;q=0.2, fr')).toBe('fr')
    expect(languageFromAcceptHeader('es;q=0, pt')).toBeNull()
    expect(languageFromAcceptHeader('')).toBeNull()
  })

  it('takes the URL, then the cookie, then the account, then the browser, then English', () => {
    const all = { Cookie: 'lng=fr', 'Accept-Language': 'es' }
    expect(visitorLanguage(request('/?lng=it', all), 'de')).toBe('it')
    expect(visitorLanguage(request('/', all), 'de')).toBe('fr')
    expect(visitorLanguage(request('/', { 'Accept-Language': 'es' }), 'de')).toBe('de')
    expect(visitorLanguage(request('/', { 'Accept-Language': 'es' }), null)).toBe('es')
    expect(visitorLanguage(request('/'), null)).toBe('en')
  })

  it('ignores a language we do not speak wherever it comes from', () => {
    expect(visitorLanguage(request('/?lng=xx', { Cookie: 'lng=pt; other=1', 'Accept-Language': 'sv' }), 'pl')).toBe('en')
    expect(visitorLanguage(request('/?lng=', { Cookie: 'lng=%E0%A4%A' }), null)).toBe('en')
  })
})

describe('translations with a fallback', () => {
  it('writes in the language asked for', () => {
    expect(translator('it')('nav.catalog')).toBe('Catalogo')
    expect(translator('de')('language.label')).toBe('Sprache')
  })

  it('sends mail in English to a person who chose a language we do not speak, or none', () => {
    expect(languageOrDefault('pt')).toBe('en')
    expect(languageOrDefault(null)).toBe('en')
    expect(languageOrDefault('es')).toBe('es')
  })
})
