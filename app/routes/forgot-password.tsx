import { data, type ActionFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { TransText } from '~/components/orders'
import { Field, FormError, Notice } from '~/components/form'
import { useMessage } from '~/i18n/messages'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { parseForm, readForm } from '~/lib/http.server'
import { requestPasswordReset, resetRequestedMessage } from '~/modules/accounts/accounts.server'
import { ForgotPasswordForm } from '~/forms/accounts'

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'account')('forgot.title'))

export async function action({ request }: ActionFunctionArgs) {
  const form = parseForm(await readForm(request), ForgotPasswordForm)
  if (!form.ok) return form.reply
  await requestPasswordReset(getDb(), form.data.email)
  // The same answer whether or not the address has an account.
  return data({ sent: true as const, email: form.data.email, message: resetRequestedMessage })
}

export default function ForgotPassword() {
  const { t } = useTranslation('account')
  const message = useMessage()
  const reply = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  if (reply && 'sent' in reply) {
    return (
      <section className="form-page" aria-labelledby="forgot-title">
        <h1 id="forgot-title">{t('forgot.sentTitle')}</h1>
        <Notice tone="success">{message(reply.message)}</Notice>
        <p>
          <TransText
            i18nKey="forgot.sentText"
            t={t}
            values={{ email: reply.email }}
            components={{ strong: <strong />, retry: <Link to="/forgot-password" /> }}
          />
        </p>
        <p>
          <Link to="/login">{t('backToLogIn')}</Link>
        </p>
      </section>
    )
  }
  const errors = reply?.fieldErrors ?? {}
  return (
    <section className="form-page" aria-labelledby="forgot-title">
      <h1 id="forgot-title">{t('forgot.title')}</h1>
      <p className="muted">{t('forgot.intro')}</p>
      <Form method="post" className="form" noValidate aria-labelledby="forgot-title">
        <FormError message={reply?.formError} />
        <Field
          name="email"
          label={t('fields.email')}
          type="email"
          autoComplete="email"
          defaultValue={reply?.values.email}
          error={errors.email}
          maxLength={254}
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('forgot.busy') : t('forgot.submit')}
          </button>
          <Link to="/login">{t('backToLogIn')}</Link>
        </div>
      </Form>
    </section>
  )
}
