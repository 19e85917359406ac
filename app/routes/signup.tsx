import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { Field, Notice } from '~/components/form'
import { getDb } from '~/lib/db.server'
import { formDomain, parseForm, readForm } from '~/lib/http.server'
import { getOptionalUser, safeRedirect, startUserSession } from '~/lib/session.server'
import { signUp } from '~/modules/accounts/accounts.server'
import { SignUpForm } from '~/forms/accounts'
import { MIN_PASSWORD_LENGTH } from '~/modules/accounts/rules'

export const meta: MetaFunction = () => [{ title: 'Sign up · Solidarity Market' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get('redirectTo'), '/account')
  if (await getOptionalUser(request)) throw redirect(redirectTo)
  return { redirectTo, minLength: MIN_PASSWORD_LENGTH }
}

export async function action({ request }: ActionFunctionArgs) {
  const form = parseForm(await readForm(request), SignUpForm)
  if (!form.ok) return form.reply
  const { redirectTo, confirmPassword: _, ...input } = form.data
  const result = await formDomain(form.values, () => signUp(getDb(), input))
  if (!result.ok) return result.reply
  return startUserSession(result.value.id, safeRedirect(redirectTo, '/account'))
}

export default function SignUp() {
  const { redirectTo, minLength } = useLoaderData<typeof loader>()
  const reply = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors = reply?.fieldErrors ?? {}
  const values = reply?.values ?? {}
  return (
    <section className="form-page" aria-labelledby="signup-title">
      <h1 id="signup-title">Create your account</h1>
      <p className="muted">
        With an account you can buy for yourself, join your organisation and see what you bought. Already have one?{' '}
        <Link to={`/login?${new URLSearchParams({ redirectTo })}`}>Log in</Link>.
      </p>
      <Form method="post" className="form" noValidate aria-labelledby="signup-title">
        {reply?.formError ? <Notice>{reply.formError}</Notice> : null}
        <input type="hidden" name="redirectTo" value={values.redirectTo ?? redirectTo} />
        <Field name="email" label="Email address" type="email" autoComplete="email" defaultValue={values.email} error={errors.email} maxLength={254} />
        <Field
          name="displayName"
          label="Your name"
          autoComplete="name"
          defaultValue={values.displayName}
          error={errors.displayName}
          hint="Shown to the organisations you buy from and work with."
          maxLength={80}
        />
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          error={errors.password}
          hint={`At least ${minLength} characters; a few words in a row are easy to remember and hard to guess.`}
        />
        <Field name="confirmPassword" label="Type the password again" type="password" autoComplete="new-password" error={errors.confirmPassword} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Creating your account…' : 'Create account'}
          </button>
          <Link to="/">Back to the catalog</Link>
        </div>
      </Form>
    </section>
  )
}
