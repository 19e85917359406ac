import { z } from 'zod'
import { isLanguage, validTimeZone } from '../i18n/config'
import { text } from './fields'

// The header's language switcher, and the language and time zone an account keeps.

/** A zone the browser sent: kept when `Intl` knows it, otherwise ignored (never an error). */
const browserZone = text.transform((value) => validTimeZone(value))

export const LanguageChoice = z.object({
  lng: z.string({ error: 'Choose a language.' }).refine(isLanguage, 'Choose a language.'),
  timeZone: browserZone,
  returnTo: text,
})

export const ReaderPreferences = z.object({
  intent: z.literal('preferences'),
  language: z.string({ error: 'Choose a language.' }).refine(isLanguage, 'Choose a language.'),
  // "" is "as my browser says".
  timeZone: text.refine((value) => value === '' || validTimeZone(value) !== null, 'Choose a time zone from the list.'),
})
