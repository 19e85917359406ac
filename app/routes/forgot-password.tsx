import { data, type ActionFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { Field, Notice } from '~/components/form'
import { getDb } from '~/lib/db.server'
import { parseForm, readForm } from '~/lib/http.server'
import { requestPasswordReset, resetRequestedMessage } from '~/modules/accounts/accounts.server'
import { ForgotPasswordForm } from '~/forms/accounts'

export const meta: MetaFunction = () => [{ title: 'Forgot your password? · Solidarity Market' }]

export async function action({ request }: ActionFunctionArgs) {
  const form = parseForm(await readForm(request), ForgotPasswordForm)
  if (!form.ok) return form.reply
  await requestPasswordReset(getDb(), form.data.email)
  // The same answer whether or not the address has an account.
  return data({ sent: true as const, email: form.data.email, message: resetRequestedMessage })
}

export default function ForgotPassword() {
  const reply = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  if (reply && 'sent' in reply) {
    return (
      <section className="form-page" aria-labelledby="forgot-title">
        <h1 id="forgot-title">Check your mail</h1>
        <Notice tone="success">{reply.message}</Notice>
        <p>
          We wrote to <strong>{reply.email}</strong>. Nothing arrived after a few minutes? Look in your spam folder, or{' '}
          <Link to="/forgot-password">try another address</Link>.
        </p>
        <p>
          <Link to="/login">Back to log in</Link>
        </p>
      </section>
    )
  }
  const errors = reply?.fieldErrors ?? {}
  return (
    <section className="form-page" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Forgot your password?</h1>
      <p className="muted">Enter the email address of your account and we will send you a link to choose a new password.</p>
      <Form method="post" className="form" noValidate aria-labelledby="forgot-title">
        {reply?.formError ? <Notice>{reply.formError}</Notice> : null}
        <Field name="email" label="Email address" type="email" autoComplete="email" defaultValue={reply?.values.email} error={errors.email} maxLength={254} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Sending…' : 'Send me a link'}
          </button>
          <Link to="/login">Back to log in</Link>
        </div>
      </Form>
    </section>
  )
}
