import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { Field, Notice } from '~/components/form'
import { getDb } from '~/lib/db.server'
import { formDomain, parseForm, readForm } from '~/lib/http.server'
import { requireUser, startUserSession } from '~/lib/session.server'
import { changePassword } from '~/modules/accounts/accounts.server'
import { ChangePasswordForm } from '~/forms/accounts'
import { MIN_PASSWORD_LENGTH } from '~/modules/accounts/rules'

export const meta: MetaFunction = () => [{ title: 'Change your password · Solidarity Market' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  return { email: user.email, changed: new URL(request.url).searchParams.has('changed'), minLength: MIN_PASSWORD_LENGTH }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const form = parseForm(await readForm(request), ChangePasswordForm)
  if (!form.ok) return form.reply
  const { currentPassword, newPassword } = form.data
  const result = await formDomain(form.values, () => changePassword(getDb(), user.id, { currentPassword, newPassword }))
  if (!result.ok) return result.reply
  // Every session ended with the old password; this browser carries on in a fresh one.
  return startUserSession(user.id, '/account/password?changed')
}

export default function ChangePassword() {
  const { email, changed, minLength } = useLoaderData<typeof loader>()
  const reply = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors = reply?.fieldErrors ?? {}
  return (
    <section className="form-page" aria-labelledby="password-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/account">Your account</Link> <span aria-hidden="true">›</span> <span>Password</span>
      </nav>
      <h1 id="password-title">Change your password</h1>
      {changed && !reply ? (
        <Notice tone="success">Your password was changed. Every other browser or device that was logged in has been logged out.</Notice>
      ) : null}
      <Form method="post" className="form" noValidate aria-labelledby="password-title">
        {reply?.formError ? <Notice>{reply.formError}</Notice> : null}
        {/* Lets password managers file the new password under the right account. */}
        <input type="hidden" name="username" autoComplete="username" value={email} />
        <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" error={errors.currentPassword} />
        <Field
          name="newPassword"
          label="New password"
          type="password"
          autoComplete="new-password"
          error={errors.newPassword}
          hint={`At least ${minLength} characters. Other browsers and devices will be logged out.`}
        />
        <Field name="confirmPassword" label="Type the new password again" type="password" autoComplete="new-password" error={errors.confirmPassword} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
          <Link to="/account">Back to your account</Link>
        </div>
      </Form>
    </section>
  )
}
