import type { ActionFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useRouteLoaderData } from '@remix-run/react'
import { endUserSession } from '~/lib/session.server'
import { useTranslation } from 'react-i18next'
import { TransText } from '~/components/orders'
import { metaT, pageTitle } from '~/i18n/meta'
import type { loader as rootLoader } from '~/root'

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'account')('logout.title'))

// Logging out changes state, so it is a POST: a link or an image on another page cannot do it.
export async function action({ request }: ActionFunctionArgs) {
  return endUserSession(request)
}

export default function LogOut() {
  const { t } = useTranslation('account')
  const user = useRouteLoaderData<typeof rootLoader>('root')?.user
  return (
    <section className="form-page" aria-labelledby="logout-title">
      <h1 id="logout-title">{t('logout.title')}</h1>
      {user ? (
        <Form method="post" className="form" aria-labelledby="logout-title">
          <p>
            <TransText i18nKey="logout.loggedInAs" t={t} values={{ name: user.displayName, email: user.email }} components={{ strong: <strong /> }} />
          </p>
          <div className="form__actions">
            <button type="submit" className="button">
              {t('logout.submit')}
            </button>
            <Link to="/">{t('logout.stay')}</Link>
          </div>
        </Form>
      ) : (
        <p>
          <TransText i18nKey="logout.notLoggedIn" t={t} components={{ login: <Link to="/login" />, catalog: <Link to="/" /> }} />
        </p>
      )}
    </section>
  )
}
