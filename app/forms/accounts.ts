import { z } from 'zod'
import { MAX_DISPLAY_NAME_LENGTH, MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH, passwordProblem } from '../modules/accounts/rules'
import { validTimeZone } from '../i18n/config'
import { text } from './fields'

/** The resend button of every "confirm your address" notice, and the page to come back to. */
export const ResendConfirmationForm = z.discriminatedUnion('intent', [z.object({ intent: z.literal('resend'), redirectTo: text })])

// What the account forms accept, with the message a person sees beside each field. The
// password rules run here too, so one submission reports every problem at once; the domain
// functions check them again for callers that are not forms.

const email = z
  .string({ error: 'Enter your email address.' })
  .trim()
  .min(1, 'Enter your email address.')
  .max(MAX_EMAIL_LENGTH, `An email address has at most ${MAX_EMAIL_LENGTH} characters.`)
  .pipe(z.email({ error: 'Enter an email address like name@example.org.' }))

const displayName = z
  .string({ error: 'Enter the name other people will see.' })
  .trim()
  .min(1, 'Enter the name other people will see.')
  .max(MAX_DISPLAY_NAME_LENGTH, `Use at most ${MAX_DISPLAY_NAME_LENGTH} characters.`)

const password = (missing: string) => z.string({ error: missing }).min(1, missing).max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`)

const confirmation = z.string({ error: 'Type the new password again.' }).min(1, 'Type the new password again.')
const redirectTo = z.string().max(2000).optional()
/** The browser's zone, filled in by the page's script: kept when `Intl` knows it, otherwise ignored (never an error). */
const timeZone = z
  .string()
  .optional()
  .transform((value) => validTimeZone(value))

function checkNewPassword(field: string, confirmField: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const chosen = value[field]
    if (typeof chosen !== 'string' || !chosen) return
    const problem = passwordProblem(chosen, typeof value.email === 'string' ? value.email : undefined)
    if (problem) ctx.addIssue({ code: 'custom', path: [field], message: problem })
    const confirmed = value[confirmField]
    if (typeof confirmed === 'string' && confirmed && confirmed !== chosen) {
      ctx.addIssue({ code: 'custom', path: [confirmField], message: 'The two passwords are not the same.' })
    }
  }
}

export const SignUpForm = z
  .object({ email, displayName, password: password('Choose a password.'), confirmPassword: confirmation, redirectTo, timeZone })
  .superRefine(checkNewPassword('password', 'confirmPassword'))

export const LogInForm = z.object({ email, password: password('Enter your password.'), redirectTo, timeZone })

export const ChangePasswordForm = z
  .object({ currentPassword: password('Enter your current password.'), newPassword: password('Choose a new password.'), confirmPassword: confirmation })
  .superRefine(checkNewPassword('newPassword', 'confirmPassword'))

export const ForgotPasswordForm = z.object({ email })

export const ResetPasswordForm = z
  .object({ newPassword: password('Choose a new password.'), confirmPassword: confirmation })
  .superRefine(checkNewPassword('newPassword', 'confirmPassword'))

/** A reset link's token: 32 random bytes, base64url. Anything else cannot be one. */
export const ResetToken = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/) })
