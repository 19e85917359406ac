import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { Trans, useTranslation } from 'react-i18next'
import { Field, FormError } from '~/components/form'
import { languageOf } from '~/i18n/i18n.server'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { formDomain, parseForm, readForm } from '~/lib/http.server'
import { getOptionalUser, safeRedirect, startUserSession } from '~/lib/session.server'
import { signUp } from '~/modules/accounts/accounts.server'
import { SignUpForm } from '~/forms/accounts'
import { MIN_PASSWORD_LENGTH } from '~/modules/accounts/rules'

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'account')('signup.metaTitle'))

export async function loader({ request }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get('redirectTo'), '/account')
  if (await getOptionalUser(request)) throw redirect(redirectTo)
  return { redirectTo, minLength: MIN_PASSWORD_LENGTH }
}

export async function action({ request }: ActionFunctionArgs) {
  const form = parseForm(await readForm(request), SignUpForm)
  if (!form.ok) return form.reply
  const { redirectTo, confirmPassword: _, ...input } = form.data
  // The account keeps the language this page was read in, and the browser's zone.
  const language = await languageOf(request)
  const result = await formDomain(form.values, () => signUp(getDb(), { ...input, language }))
  if (!result.ok) return result.reply
  return startUserSession(result.value.id, safeRedirect(redirectTo, '/account'))
}

export default function SignUp() {
  const { t } = useTranslation('account')
  const { redirectTo, minLength } = useLoaderData<typeof loader>()
  const reply = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors = reply?.fieldErrors ?? {}
  const values = reply?.values ?? {}
  return (
    <section className="form-page" aria-labelledby="signup-title">
      <h1 id="signup-title">{t('signup.title')}</h1>
      <p className="muted">
        <Trans i18nKey="signup.intro" t={t} components={{ login: <Link to={`/login?${new URLSearchParams({ redirectTo })}`} /> }} />
      </p>
      <Form method="post" className="form" noValidate aria-labelledby="signup-title">
        <FormError message={reply?.formError} />
        <input type="hidden" name="redirectTo" value={values.redirectTo ?? redirectTo} />
        {/* The browser's time zone, filled in by the root layout's script: the account starts with it. */}
        <input type="hidden" name="timeZone" defaultValue="" data-browser-zone="" />
        <Field name="email" label={t('fields.email')} type="email" autoComplete="email" defaultValue={values.email} error={errors.email} maxLength={254} />
        <Field
          name="displayName"
          label={t('fields.displayName')}
          autoComplete="name"
          defaultValue={values.displayName}
          error={errors.displayName}
          hint={t('fields.displayNameHint')}
          maxLength={80}
        />
        <Field
          name="password"
          label={t('fields.password')}
          type="password"
          autoComplete="new-password"
          error={errors.password}
          hint={t('fields.newPasswordHint', { count: minLength })}
        />
        <Field name="confirmPassword" label={t('fields.passwordAgain')} type="password" autoComplete="new-password" error={errors.confirmPassword} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('signup.busy') : t('signup.submit')}
          </button>
          <Link to="/">{t('common:nav.backToCatalog')}</Link>
        </div>
      </Form>
    </section>
  )
}
