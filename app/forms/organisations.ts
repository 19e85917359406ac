import { z } from 'zod'
import { legalForms } from '../../db/schema'
import { text } from './fields'

/**
 * Registering an organisation. The domain judges every field; the legal form is read here, one
 * of the select's choices, with the message the domain gives for it (shown above the form).
 */
export const NewOrganisationForm = z.object({
  name: text,
  legalForm: z.enum(legalForms, { error: 'Choose a legal form.' }),
  countryCode: text,
  city: text,
  region: text,
  website: text,
  summary: text,
})
