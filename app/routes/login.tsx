import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { Trans, useTranslation } from 'react-i18next'
import { Field, FormError } from '~/components/form'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { formDomain, parseForm, readForm } from '~/lib/http.server'
import { clientAddress, getOptionalUser, safeRedirect, startUserSession } from '~/lib/session.server'
import { logIn } from '~/modules/accounts/accounts.server'
import { LogInForm } from '~/forms/accounts'

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'account')('login.title'))

export async function loader({ request }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get('redirectTo'), '/account')
  if (await getOptionalUser(request)) throw redirect(redirectTo)
  return { redirectTo }
}

export async function action({ request }: ActionFunctionArgs) {
  const form = parseForm(await readForm(request), LogInForm)
  if (!form.ok) return form.reply
  const { email, password, redirectTo, timeZone } = form.data
  const result = await formDomain(form.values, () => logIn(getDb(), { email, password, address: clientAddress(request), timeZone }))
  if (!result.ok) return result.reply
  return startUserSession(result.value.id, safeRedirect(redirectTo, '/account'))
}

export default function LogIn() {
  const { t } = useTranslation('account')
  const { redirectTo } = useLoaderData<typeof loader>()
  const reply = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors = reply?.fieldErrors ?? {}
  const values = reply?.values ?? {}
  const next = new URLSearchParams({ redirectTo: values.redirectTo ?? redirectTo })
  return (
    <section className="form-page" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      <p className="muted">
        <Trans i18nKey="login.newHere" t={t} components={{ signup: <Link to={`/signup?${next}`} /> }} />
      </p>
      <Form method="post" className="form" noValidate aria-labelledby="login-title">
        <FormError message={reply?.formError} />
        <input type="hidden" name="redirectTo" value={values.redirectTo ?? redirectTo} />
        {/* The browser's time zone, filled in by the root layout's script; kept when the account has none. */}
        <input type="hidden" name="timeZone" defaultValue="" data-browser-zone="" />
        <Field name="email" label={t('fields.email')} type="email" autoComplete="email" defaultValue={values.email} error={errors.email} maxLength={254} />
        <Field name="password" label={t('fields.password')} type="password" autoComplete="current-password" error={errors.password} />
        <p className="form__aside">
          <Link to="/forgot-password">{t('login.forgot')}</Link>
        </p>
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('login.busy') : t('login.submit')}
          </button>
          <Link to="/">{t('common:nav.backToCatalog')}</Link>
        </div>
      </Form>
    </section>
  )
}
