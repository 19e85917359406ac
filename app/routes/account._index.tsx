import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { TransText } from '~/components/orders'
import { LegalFormBadge } from '~/components/badges'
import { BuyingAs } from '~/components/reciprocity'
import { ConfirmEmailNotice } from '~/components/confirm-email'
import { FormError, Notice } from '~/components/form'
import { ReaderPreferences } from '~/forms/language'
import { isLanguage, languageNames, supportedLanguages, validTimeZone } from '~/i18n/config'
import { languageCookieHeader } from '~/i18n/cookies.server'
import { languageOf } from '~/i18n/i18n.server'
import { useMessage } from '~/i18n/messages'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { dispatchForm, readForm } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { Amount } from '~/components/prices'
import { setReaderPreferences } from '~/modules/accounts/accounts.server'
import { accountOverview } from '~/modules/orders/account-overview.server'

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'account')('home.metaTitle'))

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  return {
    user,
    ...(await accountOverview(getDb(), user.id)),
    preferences: {
      // The language this page is read in: what the form shows as chosen.
      language: await languageOf(request),
      timeZone: validTimeZone(user.timeZone) ?? '',
      // The server's list, so the page the browser hydrates shows the same options.
      zones: Intl.supportedValuesOf('timeZone'),
      saved: new URL(request.url).searchParams.get('notice') === 'preferences-saved',
    },
  }
}

/**
 * The language and time zone the person reads in. The language also goes into this browser's
 * cookie, which the site reads before the account, so the page after the redirect is in it.
 */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  return dispatchForm(await readForm(request), ReaderPreferences, {
    preferences: async ({ language, timeZone }) => {
      if (!isLanguage(language)) throw new Error('ReaderPreferences let an unknown language through')
      await setReaderPreferences(getDb(), user.id, { language, timeZone: validTimeZone(timeZone) })
      return redirect('/account?notice=preferences-saved#preferences-title', { headers: { 'Set-Cookie': languageCookieHeader(language) } })
    },
  })
}

function PreferencesForm({ preferences }: { preferences: { language: string; timeZone: string; zones: string[]; saved: boolean } }) {
  const { t } = useTranslation('account')
  const message = useMessage()
  const reply = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors = reply && 'fieldErrors' in reply ? reply.fieldErrors : {}
  const values = reply && 'values' in reply ? reply.values : {}
  return (
    <section aria-labelledby="preferences-title">
      <h2 id="preferences-title">{t('preferences.title')}</h2>
      {preferences.saved && !reply ? <Notice tone="success">{t('preferences.saved')}</Notice> : null}
      <Form method="post" className="form" noValidate aria-labelledby="preferences-title">
        <FormError message={reply && 'formError' in reply ? reply.formError : null} />
        <input type="hidden" name="intent" value="preferences" />
        <div className={errors.language ? 'field field--invalid' : 'field'}>
          <label htmlFor="preference-language">{t('preferences.language')}</label>
          {errors.language ? (
            <p className="field-error" id="preference-language-error">
              <span aria-hidden="true">⚠ </span>
              {message(errors.language)}
            </p>
          ) : null}
          <select
            id="preference-language"
            name="language"
            defaultValue={values.language ?? preferences.language}
            aria-invalid={errors.language ? true : undefined}
            aria-describedby={errors.language ? 'preference-language-error' : undefined}
          >
            {supportedLanguages.map((code) => (
              <option key={code} value={code} lang={code}>
                {languageNames[code]}
              </option>
            ))}
          </select>
        </div>
        <div className={errors.timeZone ? 'field field--invalid' : 'field'}>
          <label htmlFor="preference-zone">{t('preferences.timeZone')}</label>
          {errors.timeZone ? (
            <p className="field-error" id="preference-zone-error">
              <span aria-hidden="true">⚠ </span>
              {message(errors.timeZone)}
            </p>
          ) : null}
          <select
            id="preference-zone"
            name="timeZone"
            defaultValue={values.timeZone ?? preferences.timeZone}
            aria-invalid={errors.timeZone ? true : undefined}
            aria-describedby={[errors.timeZone ? 'preference-zone-error' : '', 'preference-zone-hint'].filter(Boolean).join(' ')}
          >
            <option value="">{t('preferences.browserZone')}</option>
            {preferences.zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
          <p className="field-hint" id="preference-zone-hint">
            {t('preferences.timeZoneHint')}
          </p>
        </div>
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('preferences.busy') : t('preferences.submit')}
          </button>
        </div>
      </Form>
    </section>
  )
}

export default function Account() {
  const { t } = useTranslation('account')
  const message = useMessage()
  const { user, buyingAs, organisations, credits, backCharges, preferences } = useLoaderData<typeof loader>()
  return (
    <article aria-labelledby="account-title" className="narrow">
      <h1 id="account-title">{t('home.title', { name: user.displayName })}</h1>
      {user.emailConfirmed ? null : <ConfirmEmailNotice email={user.email} redirectTo="/account" />}
      <section aria-labelledby="class-title">
        <h2 id="class-title">{t('home.howYouBuy')}</h2>
        <p className="muted">{t('home.howYouBuyText')}</p>
        <BuyingAs options={buyingAs} />
        {credits.map((c) => (
          <p key={`${c.organisation.slug}-${c.credit.currency}`} className="notice notice--success">
            <TransText
              i18nKey="home.credit"
              t={t}
              values={{ organisation: c.organisation.name }}
              components={{
                amount: <Amount value={c.credit} />,
                organisation: <Link to={`/organisations/${c.organisation.slug}`} />,
                why: <Link to={`/organisations/${c.organisation.slug}/credit`} />,
              }}
            />
          </p>
        ))}
        {backCharges.map((b) => (
          <p key={b.reference} className="notice notice--error">
            <TransText
              i18nKey="home.backCharge"
              t={t}
              values={{ organisation: b.organisation.name, reason: message(b.reason), reference: b.reference }}
              components={{
                amount: <Amount value={b.amount} />,
                organisation: <Link to={`/organisations/${b.organisation.slug}`} />,
                pay: <Link to={`/orders/${b.checkoutId}`} />,
              }}
            />
          </p>
        ))}
        <p>
          <Link to="/orders">{t('home.orders')}</Link>
        </p>
      </section>
      <section aria-labelledby="orgs-title">
        <h2 id="orgs-title">{t('home.organisations')}</h2>
        {organisations.length === 0 ? (
          <p className="muted">{t('home.noOrganisations')}</p>
        ) : (
          <ul className="plain-list">
            {organisations.map((o) => (
              <li key={o.slug}>
                <Link to={`/organisations/${o.slug}/manage`}>{o.name}</Link> <LegalFormBadge legalForm={o.legalForm} />{' '}
                <span className="muted">({t(`home.role.${o.role}`)})</span>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to="/organisations/new" className="button">
            {t('home.registerOrganisation')}
          </Link>
        </p>
      </section>
      <PreferencesForm preferences={preferences} />
      <section aria-labelledby="security-title">
        <h2 id="security-title">{t('home.security')}</h2>
        <p>
          <TransText i18nKey="home.signedInAs" t={t} values={{ email: user.email }} components={{ change: <Link to="/account/password" /> }} />
        </p>
      </section>
    </article>
  )
}
