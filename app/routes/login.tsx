import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { Field, Notice } from '~/components/form'
import { getDb } from '~/lib/db.server'
import { formDomain, parseForm, readForm } from '~/lib/http.server'
import { clientAddress, getOptionalUser, safeRedirect, startUserSession } from '~/lib/session.server'
import { logIn } from '~/modules/accounts/accounts.server'
import { LogInForm } from '~/forms/accounts'

export const meta: MetaFunction = () => [{ title: 'Log in · Solidarity Market' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get('redirectTo'), '/account')
  if (await getOptionalUser(request)) throw redirect(redirectTo)
  return { redirectTo }
}

export async function action({ request }: ActionFunctionArgs) {
  const form = parseForm(await readForm(request), LogInForm)
  if (!form.ok) return form.reply
  const { email, password, redirectTo } = form.data
  const result = await formDomain(form.values, () => logIn(getDb(), { email, password, address: clientAddress(request) }))
  if (!result.ok) return result.reply
  return startUserSession(result.value.id, safeRedirect(redirectTo, '/account'))
}

export default function LogIn() {
  const { redirectTo } = useLoaderData<typeof loader>()
  const reply = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors = reply?.fieldErrors ?? {}
  const values = reply?.values ?? {}
  const next = new URLSearchParams({ redirectTo: values.redirectTo ?? redirectTo })
  return (
    <section className="form-page" aria-labelledby="login-title">
      <h1 id="login-title">Log in</h1>
      <p className="muted">
        New here? <Link to={`/signup?${next}`}>Create an account</Link>.
      </p>
      <Form method="post" className="form" noValidate aria-labelledby="login-title">
        {reply?.formError ? <Notice>{reply.formError}</Notice> : null}
        <input type="hidden" name="redirectTo" value={values.redirectTo ?? redirectTo} />
        <Field name="email" label="Email address" type="email" autoComplete="email" defaultValue={values.email} error={errors.email} maxLength={254} />
        <Field name="password" label="Password" type="password" autoComplete="current-password" error={errors.password} />
        <p className="form__aside">
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Logging in…' : 'Log in'}
          </button>
          <Link to="/">Back to the catalog</Link>
        </div>
      </Form>
    </section>
  )
}
