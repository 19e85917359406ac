import { z } from 'zod'
import { decimalDigits } from '../lib/numbers'
import { formId } from './fields'

/** The cart's forms: add from an offer page, change or remove a line, choose whom you buy for. */
export function cartForm(maxQuantity: number) {
  // An empty quantity means one unit, as the offer page's button without a quantity field does.
  const quantity = z.preprocess(
    (value) => (typeof value === 'string' && value !== '' ? value : '1'),
    decimalDigits(
      z
        .number({ error: 'Enter a number of units, in digits.' })
        .int('Enter a whole number of units.')
        .min(0, 'Enter zero or more units.')
        .max(maxQuantity, `At most ${maxQuantity} units of one offer fit in one order.`),
    ),
  )
  return z.discriminatedUnion('intent', [
    z.object({ intent: z.literal('add'), offerId: formId('Choose an offer to add.'), quantity }).refine((f) => f.quantity > 0, 'Enter at least one unit.'),
    z.object({ intent: z.literal('update'), offerId: formId('Choose an offer to add.'), quantity }),
    z.object({ intent: z.literal('remove'), offerId: formId('Choose an offer to remove.') }),
    z.object({
      intent: z.literal('buying-for'),
      buyingFor: z.union([z.literal('personal').transform(() => null), formId('Choose whom you are buying for.')], {
        error: 'Choose whom you are buying for.',
      }),
    }),
  ])
}
