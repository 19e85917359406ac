import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { ConfirmEmailNotice } from '~/components/confirm-email'
import { FormError, Notice } from '~/components/form'
import { getDb } from '~/lib/db.server'
import { ResendConfirmationForm } from '~/forms/accounts'
import { dispatchForm, formRedirect, readForm } from '~/lib/http.server'
import { requireUser, safeRedirect } from '~/lib/session.server'
import { CONFIRMATION_HOURS, resendEmailConfirmation } from '~/modules/accounts/accounts.server'

export const meta: MetaFunction = () => [{ title: 'Confirm your email address · Solidarity Market' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  return { email: user.email, confirmed: user.emailConfirmed, hours: CONFIRMATION_HOURS }
}

/** Mails a new confirmation link: the resend button of every "confirm your address" notice. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  return dispatchForm(await readForm(request), ResendConfirmationForm, {
    resend: ({ redirectTo }, values) => {
      const back = safeRedirect(redirectTo, '/confirm-email')
      return formRedirect(values, () => resendEmailConfirmation(getDb(), user.id), `${back}${back.includes('?') ? '&' : '?'}notice=confirmation-sent`)
    },
  })
}

export default function ConfirmEmail() {
  const { email, confirmed, hours } = useLoaderData<typeof loader>()
  const failed = useActionData<typeof action>()
  return (
    <section className="form-page" aria-labelledby="confirm-title">
      <h1 id="confirm-title">Confirm your email address</h1>
      <FormError message={failed?.formError} />
      {confirmed ? (
        <Notice tone="success">Your address {email} is confirmed. Nothing more to do.</Notice>
      ) : (
        <>
          <ConfirmEmailNotice email={email} />
          <p className="muted small">
            A link works for {hours} hours, once. Nothing arrived after a few minutes? Look in your spam folder, then ask for a new one.
          </p>
        </>
      )}
      <p>
        <Link to="/account">Your account</Link> · <Link to="/">Back to the catalog</Link>
      </p>
    </section>
  )
}
