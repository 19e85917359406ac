import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { Field, Notice } from '~/components/form'
import { getDb } from '~/lib/db.server'
import { formDomain, parseForm, readForm } from '~/lib/http.server'
import { startUserSession } from '~/lib/session.server'
import { checkResetToken, resetPassword } from '~/modules/accounts/accounts.server'
import { ResetPasswordForm, ResetToken } from '~/forms/accounts'
import { MIN_PASSWORD_LENGTH } from '~/modules/accounts/rules'

export const meta: MetaFunction = () => [{ title: 'Choose a new password · Solidarity Market' }]

// The token is in the address: keep it out of the Referer sent to other sites. (Not
// no-referrer: that also blanks the Origin of the form's own POST, which Remix then refuses.)
export const headers: HeadersFunction = () => ({ 'Referrer-Policy': 'same-origin', 'Cache-Control': 'no-store' })

function tokenOf(params: unknown): string | null {
  const parsed = ResetToken.safeParse(params)
  return parsed.success ? parsed.data.token : null
}

export async function loader({ params }: LoaderFunctionArgs) {
  const token = tokenOf(params)
  const reset = token ? await checkResetToken(getDb(), token) : null
  return { email: reset?.email ?? null, minLength: MIN_PASSWORD_LENGTH }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = parseForm(await readForm(request), ResetPasswordForm)
  if (!form.ok) return form.reply
  const token = tokenOf(params) ?? ''
  const result = await formDomain(form.values, () => resetPassword(getDb(), token, form.data.newPassword))
  if (!result.ok) return result.reply
  return startUserSession(result.value.id, '/account')
}

export default function ResetPassword() {
  const { email, minLength } = useLoaderData<typeof loader>()
  const reply = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors = reply?.fieldErrors ?? {}
  if (!email) {
    return (
      <section className="form-page" aria-labelledby="reset-title">
        <h1 id="reset-title">This link no longer works</h1>
        <Notice>This reset link has expired or was already used. Links work once, for one hour.</Notice>
        <p>
          <Link to="/forgot-password">Ask for a new link</Link> or <Link to="/login">go back to log in</Link>.
        </p>
      </section>
    )
  }
  return (
    <section className="form-page" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      <p className="muted">
        For the account <strong>{email}</strong>. Afterwards you are logged in here, and logged out everywhere else.
      </p>
      <Form method="post" className="form" noValidate aria-labelledby="reset-title">
        {reply?.formError ? (
          <Notice>
            {reply.formError} <Link to="/forgot-password">Ask for a new link</Link>.
          </Notice>
        ) : null}
        <input type="hidden" name="username" autoComplete="username" value={email} />
        <Field
          name="newPassword"
          label="New password"
          type="password"
          autoComplete="new-password"
          error={errors.newPassword}
          hint={`At least ${minLength} characters; a few words in a row are easy to remember and hard to guess.`}
          autoFocus
        />
        <Field name="confirmPassword" label="Type the new password again" type="password" autoComplete="new-password" error={errors.confirmPassword} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Saving…' : 'Save new password'}
          </button>
          <Link to="/login">Back to log in</Link>
        </div>
      </Form>
    </section>
  )
}
