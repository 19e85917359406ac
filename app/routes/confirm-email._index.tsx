import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { ConfirmEmailNotice } from '~/components/confirm-email'
import { FormError, Notice } from '~/components/form'
import { Trans, useTranslation } from 'react-i18next'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { ResendConfirmationForm } from '~/forms/accounts'
import { dispatchForm, formRedirect, readForm } from '~/lib/http.server'
import { requireUser, safeRedirect } from '~/lib/session.server'
import { CONFIRMATION_HOURS, resendEmailConfirmation } from '~/modules/accounts/accounts.server'

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'account')('confirm.title'))

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
  const { t } = useTranslation('account')
  const failed = useActionData<typeof action>()
  return (
    <section className="form-page" aria-labelledby="confirm-title">
      <h1 id="confirm-title">{t('confirm.title')}</h1>
      <FormError message={failed?.formError} />
      {confirmed ? (
        <Notice tone="success">{t('confirm.alreadyConfirmed', { email })}</Notice>
      ) : (
        <>
          <ConfirmEmailNotice email={email} />
          <p className="muted small">{t('confirm.linkLife', { count: hours })}</p>
        </>
      )}
      <p>
        <Trans i18nKey="confirm.links" t={t} components={{ account: <Link to="/account" />, catalog: <Link to="/" /> }} />
      </p>
    </section>
  )
}
