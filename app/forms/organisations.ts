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

/**
 * An organisation's workspace: its governance facts, evidence for a claim, an invitation.
 * `facts` is the schema the organisations module reads the facts with (it lives on the
 * server); evidence is judged by the domain. The invitation's role is one of the select's two.
 */
export function workspaceForm<F extends z.ZodType>(facts: F) {
  const factFields = { legalForm: text, oneMemberOneVote: text, memberCount: text, surplusPolicy: text, payRatio: text, openBooks: text }
  return z.discriminatedUnion('intent', [
    z.object({ intent: z.literal('facts'), ...factFields }).transform((form, ctx) => {
      const { intent, ...fields } = form
      const parsed = facts.safeParse(fields)
      if (parsed.success) return { intent, facts: parsed.data as z.infer<F> }
      ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]!.message })
      return z.NEVER
    }),
    z.object({ intent: z.literal('evidence'), claim: text, value: text, source: text, sourceUrl: text, expiresOn: text }),
    z.object({ intent: z.literal('invite'), email: text, role: z.enum(['admin', 'member'], { error: 'Choose admin or member.' }) }),
  ])
}
