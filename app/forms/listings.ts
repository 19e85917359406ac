import { z } from 'zod'
import { formId, text } from './fields'

const imageId = formId('Choose an image.')

/**
 * A listing's edit page. The listing's own fields (save, preview) are read by the listing form
 * (components/listing-form), which gives each its message; the other forms are read here.
 */
export const EditListingForm = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('save') }),
  z.object({ intent: z.literal('preview') }),
  z.object({ intent: z.literal('archive') }),
  z.object({ intent: z.literal('relist') }),
  z.object({ intent: z.literal('stock'), delta: text.transform((d) => d.trim()), reason: text, note: text }),
  z.object({ intent: z.literal('resource-link'), url: text }),
  z.object({ intent: z.literal('resource-file'), file: z.instanceof(File, { error: 'Choose the file buyers receive.' }) }),
  z.object({ intent: z.literal('image-add'), image: z.instanceof(File, { error: 'Choose an image file to upload.' }), altText: text }),
  z.object({ intent: z.literal('image-remove'), imageId }),
  z.object({ intent: z.literal('image-earlier'), imageId }),
  z.object({ intent: z.literal('image-later'), imageId }),
])

/**
 * The new-listing page: save (the default, as a form submitted with Enter posts no button) or
 * preview. The listing's fields are read by the listing form, as on the edit page.
 */
export const NewListingForm = z.object({ intent: z.enum(['save', 'preview']).default('save') })

/** The CSV import: one chosen file (a browser sends an unnamed, empty one when none is chosen). */
export const ImportListingsForm = z.object({
  file: z.instanceof(File, { error: 'Choose a CSV file to import.' }).refine((f) => !(f.name === '' && f.size === 0), 'Choose a CSV file to import.'),
})
