import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB, Db } from '../../../db/schema'
import { isLanguage, languageNames, supportedLanguages, type Language } from '../../i18n/config'
import { AppError, invalidFields } from '../../lib/errors'
import { clock } from '../../lib/clock'
import { ownListing, type Actor } from './listings.server'

// A listing's text in several languages. The offer's own title and description are written in
// its original language (offers.language); each translation gives them in one other language
// the marketplace speaks. Readers get their language's text when there is one, else the
// original (catalog.server.ts reads them). Translations are the listings module's table: only
// these functions write it, after checking membership like every other listing change.

export interface ListingTranslation {
  language: Language
  title: string
  description: string
  updatedAt: string
}

export interface ListingTexts {
  original: { language: Language; title: string; description: string }
  /** in the order of the marketplace's languages */
  translations: ListingTranslation[]
  /** the languages it may still be translated into */
  missing: Language[]
}

/** The name of a language in itself ("Italiano"), as the language switcher shows it; the code for one we do not speak. */
export const languageName = (code: string): string => (isLanguage(code) ? languageNames[code] : code)

const languageField = z.string({ error: 'Choose a language this marketplace speaks.' }).refine(isLanguage, 'Choose a language this marketplace speaks.')

/** A translation as the form gives it; the same limits as the listing's own title and description. */
export const TranslationInput = z.object({
  language: languageField,
  title: z
    .string({ error: 'Give the translated title at least 3 characters.' })
    .trim()
    .min(3, 'Give the translated title at least 3 characters.')
    .max(200, 'Keep the translated title under 200 characters.'),
  description: z.string().trim().max(5000, 'Keep the translated description under 5,000 characters.').default(''),
})
export type TranslationInput = z.infer<typeof TranslationInput>

/** A stored language we no longer speak reads as English, the language every listing began in. */
const asLanguage = (code: string): Language => (isLanguage(code) ? code : 'en')

/** The listing's original text and its translations. @throws AppError not_found, forbidden */
export async function listTranslations(db: Db, actor: Actor, offerId: number): Promise<ListingTexts> {
  const offer = await ownListing(db, actor, offerId)
  const rows = await db.selectFrom('offerTranslations').select(['language', 'title', 'description', 'updatedAt']).where('offerId', '=', offerId).execute()
  const order = (code: string) => (isLanguage(code) ? supportedLanguages.indexOf(code) : supportedLanguages.length)
  const translations = rows
    .filter((r) => isLanguage(r.language))
    .sort((a, b) => order(a.language) - order(b.language))
    .map((r) => ({ ...r, language: r.language as Language }))
  const original = asLanguage(offer.language)
  return {
    original: { language: original, title: offer.title, description: offer.description },
    translations,
    missing: supportedLanguages.filter((l) => l !== original && !translations.some((t) => t.language === l)),
  }
}

/**
 * Adds the listing's title and description in one more language, or replaces that language's.
 * @throws AppError not_found, forbidden, invalid_input (naming the field)
 */
export async function saveTranslation(db: Kysely<DB>, actor: Actor, offerId: number, input: unknown, now = clock.now()): Promise<ListingTranslation> {
  const offer = await ownListing(db, actor, offerId)
  const parsed = TranslationInput.safeParse(input)
  if (!parsed.success) throw invalidFields(parsed.error.issues)
  const { language, title, description } = parsed.data
  if (language === offer.language) {
    const message = `This listing is written in ${languageName(language)}: choose another language to translate it into.`
    throw new AppError('invalid_input', message, { language: message })
  }
  await db
    .insertInto('offerTranslations')
    .values({ offerId, language, title, description, updatedAt: now })
    .onConflict((oc) => oc.columns(['offerId', 'language']).doUpdateSet({ title, description, updatedAt: now }))
    .execute()
  return { language: language as Language, title, description, updatedAt: now }
}

/** Takes away the listing's text in one language. @throws AppError not_found, forbidden, invalid_input */
export async function removeTranslation(db: Kysely<DB>, actor: Actor, offerId: number, language: string): Promise<void> {
  await ownListing(db, actor, offerId)
  const removed = await db.deleteFrom('offerTranslations').where('offerId', '=', offerId).where('language', '=', language).executeTakeFirst()
  if (Number(removed.numDeletedRows) === 0) throw new AppError('not_found', `This listing has no translation into ${languageName(language)}.`)
}

/**
 * Says which language the listing's own title and description are written in. A language it
 * already has a translation into is refused: that translation would then be a second original.
 * @throws AppError not_found, forbidden, invalid_input, conflict
 */
export async function setOriginalLanguage(db: Kysely<DB>, actor: Actor, offerId: number, language: unknown, now = clock.now()): Promise<void> {
  const offer = await ownListing(db, actor, offerId)
  const parsed = languageField.safeParse(language)
  if (!parsed.success) throw invalidFields(parsed.error.issues.map((i) => ({ ...i, path: ['language'] })))
  const chosen = parsed.data
  if (chosen === offer.language) return
  await db.transaction().execute(async (trx) => {
    const translated = await trx
      .selectFrom('offerTranslations')
      .select('language')
      .where('offerId', '=', offerId)
      .where('language', '=', chosen)
      .executeTakeFirst()
    if (translated) {
      const message = `This listing has a translation into ${languageName(chosen)}: remove it first, or keep ${languageName(offer.language)} as the original.`
      throw new AppError('conflict', message, { language: message })
    }
    await trx.updateTable('offers').set({ language: chosen, updatedAt: now }).where('id', '=', offerId).execute()
  })
}
