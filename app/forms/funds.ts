import { z } from 'zod'
import { parseMinorUnits } from '../lib/money'
import { formId, text } from './fields'

/** A fund page's forms: an admin asks for a payout, a steward approves or rejects one. */
export function fundForm(currency: string) {
  const amount = text.transform((value, ctx) => {
    const minor = parseMinorUnits(value, currency)
    if (minor === null || minor === 0) {
      ctx.addIssue({ code: 'custom', message: 'Enter an amount such as 250 or 250.00.' })
      return z.NEVER
    }
    return minor
  })
  const decision = { disbursementId: formId('Choose a request.'), reason: text }
  return z.discriminatedUnion('intent', [
    z.object({ intent: z.literal('request'), amount, recipient: text, purpose: text }),
    z.object({ intent: z.literal('approve'), ...decision }),
    z.object({ intent: z.literal('reject'), ...decision }),
  ])
}
