import { z } from 'zod'
import { text } from './fields'

/** The resend button of every "confirm your address" notice, and the page to come back to. */
export const ResendConfirmationForm = z.discriminatedUnion('intent', [z.object({ intent: z.literal('resend'), redirectTo: text })])
