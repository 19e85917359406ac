import { z } from 'zod'
import { parseMinorUnits } from '../lib/money'
import { formId, text } from './fields'

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

/** Why a seller cancels or refunds an order, which the buyer reads. */
const refundReason = text.pipe(z.string().trim().min(3, 'Say in a few words why you refund this order.').max(500, 'Keep the reason under 500 characters.'))

/** A producer's order list: each order's buttons, which post its id. */
export const SalesForm = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('payment-received'), orderId: formId('Choose an order.') }),
  z.object({ intent: z.literal('shipped'), orderId: formId('Choose an order.'), note: text }),
  z.object({ intent: z.literal('fulfilled'), orderId: formId('Choose an order.') }),
  z.object({ intent: z.literal('cancel'), orderId: formId('Choose an order.'), reason: refundReason }),
  z.object({ intent: z.literal('refund'), orderId: formId('Choose an order.'), reason: refundReason }),
])

const payoutAmount = 'Enter the amount to pay out, such as 25 or 25.00.'

/** An admin asks for the organisation's credit to be paid out: how much, in which currency, to where. */
export const CreditPayoutForm = z
  .object({
    currency: z.string().regex(/^[A-Z]{3}$/, 'Choose the currency of a credit you are owed.'),
    amount: z.string().trim().min(1, payoutAmount).max(20, payoutAmount),
    payTo: z.string(),
  })
  .transform((form, ctx) => {
    const amount = parseMinorUnits(form.amount, form.currency)
    if (amount !== null && amount !== 0) return { ...form, amount }
    ctx.addIssue({ code: 'custom', path: ['amount'], message: payoutAmount })
    return z.NEVER
  })
