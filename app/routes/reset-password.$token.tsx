import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { TransText } from '~/components/orders'
import { Field, Notice } from '~/components/form'
import { useMessage } from '~/i18n/messages'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { formDomain, parseForm, readForm } from '~/lib/http.server'
import { startUserSession } from '~/lib/session.server'
import { checkResetToken, resetPassword } from '~/modules/accounts/accounts.server'
import { ResetPasswordForm, ResetToken } from '~/forms/accounts'
import { MIN_PASSWORD_LENGTH } from '~/modules/accounts/rules'

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'account')('reset.title'))

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
  const { t } = useTranslation('account')
  const message = useMessage()
  const reply = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors = reply?.fieldErrors ?? {}
  if (!email) {
    return (
      <section className="form-page" aria-labelledby="reset-title">
        <h1 id="reset-title">{t('reset.deadTitle')}</h1>
        <Notice>{t('reset.deadText')}</Notice>
        <p>
          <TransText i18nKey="reset.deadActions" t={t} components={{ ask: <Link to="/forgot-password" />, login: <Link to="/login" /> }} />
        </p>
      </section>
    )
  }
  return (
    <section className="form-page" aria-labelledby="reset-title">
      <h1 id="reset-title">{t('reset.title')}</h1>
      <p className="muted">
        <TransText i18nKey="reset.forAccount" t={t} values={{ email }} components={{ strong: <strong /> }} />
      </p>
      <Form method="post" className="form" noValidate aria-labelledby="reset-title">
        {reply?.formError ? (
          <Notice>
            <TransText i18nKey="reset.failed" t={t} values={{ message: message(reply.formError) }} components={{ ask: <Link to="/forgot-password" /> }} />
          </Notice>
        ) : null}
        <input type="hidden" name="username" autoComplete="username" value={email} />
        <Field
          name="newPassword"
          label={t('fields.newPassword')}
          type="password"
          autoComplete="new-password"
          error={errors.newPassword}
          hint={t('fields.newPasswordHint', { count: minLength })}
          autoFocus
        />
        <Field name="confirmPassword" label={t('fields.newPasswordAgain')} type="password" autoComplete="new-password" error={errors.confirmPassword} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('reset.busy') : t('reset.submit')}
          </button>
          <Link to="/login">{t('backToLogIn')}</Link>
        </div>
      </Form>
    </section>
  )
}
