import { z } from 'zod'
import { text } from './fields'

/**
 * The cart's checkout button: the key of this rendering of it (a double submission places one
 * order), the use the buyer signed (`personal` or `organisation:<id>`) and the ticked statement.
 */
export const CheckoutForm = z.object({
  idempotencyKey: z.string().regex(/^[A-Za-z0-9-]{8,100}$/),
  declaredUse: z.string().regex(/^(personal|organisation:\d{1,15})$/),
  confirmUse: z.literal('yes').optional(),
})

/** A buyer's receipt: cancel an unpaid order, pay it by card, or pay a back-charge by transfer. */
export const ReceiptForm = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('cancel') }),
  z.object({ intent: z.literal('pay-by-transfer') }),
  // backCharge=yes: a back-charge may be paid by card even when transfer was chosen before
  z.object({ intent: z.literal('pay'), backCharge: text }),
])
