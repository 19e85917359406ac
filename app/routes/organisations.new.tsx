import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { legalForms } from '../../db/schema'
import { FormError } from '~/components/form'
import { getDb } from '~/lib/db.server'
import { useLabels } from '~/i18n/labels'
import { metaT, pageTitle } from '~/i18n/meta'
import { NewOrganisationForm } from '~/forms/organisations'
import { formRedirect, parseForm, readForm } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { createOrganisation } from '~/modules/organisations/membership.server'

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'organisation')('new.title'))

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request)
  return null
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const form = parseForm(await readForm(request), NewOrganisationForm, { above: 'all' })
  if (!form.ok) return form.reply
  return formRedirect(
    form.values,
    () => createOrganisation(getDb(), user.id, form.data),
    (org) => `/organisations/${org.slug}/manage?created=1`,
  )
}

export default function NewOrganisation() {
  const { t } = useTranslation('organisation')
  const labels = useLabels()
  const failed = useActionData<typeof action>()
  const v = failed?.values ?? {}
  return (
    <article className="narrow" aria-labelledby="new-org-title">
      <h1 id="new-org-title">{t('new.title')}</h1>
      <p className="muted">{t('new.intro')}</p>
      <Form method="post" className="form" aria-describedby={failed ? 'form-error' : undefined}>
        <div id="form-error">
          <FormError message={failed?.formError} />
        </div>
        <label className="field">
          {t('new.name')}
          <input name="name" required maxLength={120} defaultValue={v.name} autoComplete="organization" />
        </label>
        <label className="field">
          {t('new.legalForm')}
          <select name="legalForm" required defaultValue={v.legalForm ?? ''}>
            <option value="" disabled>
              {t('new.choose')}
            </option>
            {legalForms.map((f) => (
              <option key={f} value={f}>
                {labels.legalForm(f)}
              </option>
            ))}
          </select>
        </label>
        <div className="field-row">
          <label className="field">
            {t('new.countryCode')}
            <input name="countryCode" required maxLength={2} defaultValue={v.countryCode} placeholder={t('new.countryPlaceholder')} />
          </label>
          <label className="field">
            {t('new.city')}
            <input name="city" required maxLength={120} defaultValue={v.city} />
          </label>
          <label className="field">
            {t('new.region')} <span className="muted">{t('common.optional')}</span>
            <input name="region" maxLength={120} defaultValue={v.region} />
          </label>
        </div>
        <label className="field">
          {t('new.website')} <span className="muted">{t('common.optional')}</span>
          <input name="website" type="url" maxLength={300} defaultValue={v.website} placeholder={t('new.websitePlaceholder')} />
        </label>
        <label className="field">
          {t('new.summary')} <span className="muted">{t('common.optional')}</span>
          <textarea name="summary" rows={3} maxLength={1000} defaultValue={v.summary} />
        </label>
        <div className="form__actions">
          <button type="submit" className="button">
            {t('new.submit')}
          </button>
          <Link to="/account">{t('common.cancel')}</Link>
        </div>
      </Form>
    </article>
  )
}
