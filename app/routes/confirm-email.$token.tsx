import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { Notice } from '~/components/form'
import { useTranslation } from 'react-i18next'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { domain } from '~/lib/http.server'
import { getOptionalUser } from '~/lib/session.server'
import { confirmEmail } from '~/modules/accounts/accounts.server'

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'account')('confirm.title'))

/** A confirmation token: 32 random bytes, base64url. Anything else cannot be one. */
const Token = z.string().regex(/^[A-Za-z0-9_-]{43}$/)

const statusOf = { confirmed: 200, already_used: 409, expired: 410 } as const

// The link in the mail: opening it confirms the address (no log-in needed; the token is the proof).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const token = Token.safeParse(params.token)
  if (!token.success) throw data('This confirmation link is not one we sent. Check that you copied all of it.', { status: 404 })
  const result = await domain(() => confirmEmail(getDb(), token.data))
  const user = await getOptionalUser(request)
  return data({ ...result, signedIn: user !== null }, { status: statusOf[result.outcome] })
}

export default function ConfirmEmailLink() {
  const { t } = useTranslation('account')
  const { outcome, email, signedIn } = useLoaderData<typeof loader>()
  return (
    <section className="form-page" aria-labelledby="confirmed-title">
      {outcome === 'confirmed' ? (
        <>
          <h1 id="confirmed-title">{t('confirmed.title')}</h1>
          <Notice tone="success">{t('confirmed.thanks', { email })}</Notice>
          <p>{t('confirmed.now')}</p>
        </>
      ) : outcome === 'already_used' ? (
        <>
          <h1 id="confirmed-title">{t('confirmed.usedTitle')}</h1>
          <Notice tone="info">{t('confirmed.usedText', { email })}</Notice>
        </>
      ) : (
        <>
          <h1 id="confirmed-title">{t('confirmed.expiredTitle')}</h1>
          <Notice>{t('confirmed.expiredText', { email })}</Notice>
          <p>
            <Link to={signedIn ? '/confirm-email' : '/login?redirectTo=%2Fconfirm-email'} className="button">
              {t('confirmNotice.resend')}
            </Link>
          </p>
        </>
      )}
      <p>
        <Link to={signedIn ? '/account' : '/login'}>{signedIn ? t('yourAccount') : t('login.title')}</Link> ·{' '}
        <Link to="/">{t('common:nav.backToCatalog')}</Link>
      </p>
    </section>
  )
}
