import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Field, FormError, Notice } from '~/components/form'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { formDomain, parseForm, readForm } from '~/lib/http.server'
import { requireUser, startUserSession } from '~/lib/session.server'
import { changePassword } from '~/modules/accounts/accounts.server'
import { ChangePasswordForm } from '~/forms/accounts'
import { MIN_PASSWORD_LENGTH } from '~/modules/accounts/rules'

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'account')('password.title'))

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
  const { t } = useTranslation('account')
  const reply = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors = reply?.fieldErrors ?? {}
  return (
    <section className="form-page" aria-labelledby="password-title">
      <nav aria-label={t('breadcrumb')} className="breadcrumb">
        <Link to="/account">{t('yourAccount')}</Link> <span aria-hidden="true">›</span> <span>{t('password.crumb')}</span>
      </nav>
      <h1 id="password-title">{t('password.title')}</h1>
      {changed && !reply ? <Notice tone="success">{t('password.changed')}</Notice> : null}
      <Form method="post" className="form" noValidate aria-labelledby="password-title">
        <FormError message={reply?.formError} />
        {/* Lets password managers file the new password under the right account. */}
        <input type="hidden" name="username" autoComplete="username" value={email} />
        <Field name="currentPassword" label={t('fields.currentPassword')} type="password" autoComplete="current-password" error={errors.currentPassword} />
        <Field
          name="newPassword"
          label={t('fields.newPassword')}
          type="password"
          autoComplete="new-password"
          error={errors.newPassword}
          hint={t('password.hint', { count: minLength })}
        />
        <Field name="confirmPassword" label={t('fields.newPasswordAgain')} type="password" autoComplete="new-password" error={errors.confirmPassword} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('password.busy') : t('password.submit')}
          </button>
          <Link to="/account">{t('backToAccount')}</Link>
        </div>
      </Form>
    </section>
  )
}
