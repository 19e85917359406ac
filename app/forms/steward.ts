import { z } from 'zod'
import { WeightsParam } from '../modules/catalog/query'
import { criteria } from '../modules/scoring/rules'
import { formId, text } from './fields'

/** A steward's decision on one listed item: its id, one of two choices and the reason given. */
function decision<I extends string, C extends readonly [string, string]>(intent: I, choices: C, message: string) {
  return z.object({ intent: z.literal(intent), id: formId(message), decision: z.enum(choices, { error: message }), reason: text })
}

/**
 * The steward desk's forms. Rules are published from one weight field per criterion
 * (`w_<criterion>`, blank meaning 0), read as the catalog reads a buyer's own weights.
 */
export const StewardForm = z.discriminatedUnion('intent', [
  decision('review', ['approve', 'reject'], 'Choose approve or reject for a listed claim.'),
  decision('challenge', ['uphold', 'dismiss'], 'Choose uphold or dismiss for a listed challenge.'),
  decision('credit-payout', ['approve', 'reject'], 'Choose approve or reject for a listed payout request.'),
  decision('appoint', ['approve', 'reject'], 'Choose approve or reject for a listed proposal.'),
  z.object({ intent: z.literal('propose-steward'), email: text, reason: text }),
  z.looseObject({ intent: z.literal('rules'), note: text }).transform((form, ctx) => {
    const typed = (name: string) => {
      const value = form[name]
      return typeof value === 'string' ? value.trim() : ''
    }
    const weights = WeightsParam.safeParse(criteria.map((c) => typed(`w_${c}`) || '0').join(','))
    if (weights.success) return { intent: form.intent, note: form.note, weights: weights.data }
    ctx.addIssue({ code: 'custom', message: weights.error.issues[0]!.message })
    return z.NEVER
  }),
])
