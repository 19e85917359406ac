import { z } from 'zod'
import { text } from './fields'

/**
 * A listing's translations page: the original's language, one language's title and description
 * (added or replaced), or one language taken away. The domain judges the values
 * (modules/listings/translations.server.ts), so every field is plain text here.
 */
export const ListingTranslationsForm = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('original'), language: text }),
  z.object({ intent: z.literal('save'), language: text, title: text, description: text }),
  z.object({ intent: z.literal('remove'), language: text }),
])
