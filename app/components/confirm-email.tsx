import { Form, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { TransText } from '~/components/orders'

/**
 * The "confirm your address" notice, with a button that mails a new link (a plain form post:
 * it works without JavaScript). Shown wherever an unconfirmed account meets something it cannot
 * do yet.
 */
export function ConfirmEmailNotice({ email, redirectTo }: { email: string; redirectTo?: string }) {
  const { t } = useTranslation('account')
  const [params] = useSearchParams()
  const sent = params.get('notice') === 'confirmation-sent'
  return (
    <div className="notice notice--info confirm-email" role="status">
      <p>
        <TransText i18nKey="confirmNotice.text" t={t} values={{ email }} components={{ strong: <strong /> }} />
      </p>
      {sent ? <p>{t('confirmNotice.sent', { email })}</p> : null}
      <Form method="post" action="/confirm-email" className="form--inline">
        <input type="hidden" name="intent" value="resend" />
        {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
        <button type="submit" className="button button--secondary">
          {t('confirmNotice.resend')}
        </button>
      </Form>
    </div>
  )
}
