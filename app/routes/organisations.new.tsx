import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData } from '@remix-run/react'
import { LegalFormOptions } from '~/components/badges'
import { FormError } from '~/components/form'
import { getDb } from '~/lib/db.server'
import { NewOrganisationForm } from '~/forms/organisations'
import { formRedirect, parseForm, readForm } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { createOrganisation } from '~/modules/organisations/membership.server'

export const meta: MetaFunction = () => [{ title: 'Register an organisation · Solidarity Market' }]

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
  const failed = useActionData<typeof action>()
  const v = failed?.values ?? {}
  return (
    <article className="narrow" aria-labelledby="new-org-title">
      <h1 id="new-org-title">Register an organisation</h1>
      <p className="muted">
        You become its admin. Its legal form starts self-declared: submit evidence for a steward to verify, or ask two verified organisations to attest it.
        Until then it buys as for-profit.
      </p>
      <Form method="post" className="form" aria-describedby={failed ? 'form-error' : undefined}>
        <div id="form-error">
          <FormError message={failed?.formError} />
        </div>
        <label className="field">
          Name
          <input name="name" required maxLength={120} defaultValue={v.name} autoComplete="organization" />
        </label>
        <label className="field">
          Legal form
          <select name="legalForm" required defaultValue={v.legalForm ?? ''}>
            <option value="" disabled>
              Choose…
            </option>
            <LegalFormOptions />
          </select>
        </label>
        <div className="field-row">
          <label className="field">
            Country code
            <input name="countryCode" required maxLength={2} defaultValue={v.countryCode} placeholder="IT" />
          </label>
          <label className="field">
            City or town
            <input name="city" required maxLength={120} defaultValue={v.city} />
          </label>
          <label className="field">
            Region <span className="muted">(optional)</span>
            <input name="region" maxLength={120} defaultValue={v.region} />
          </label>
        </div>
        <label className="field">
          Website <span className="muted">(optional)</span>
          <input name="website" type="url" maxLength={300} defaultValue={v.website} placeholder="https://" />
        </label>
        <label className="field">
          What you do <span className="muted">(optional)</span>
          <textarea name="summary" rows={3} maxLength={1000} defaultValue={v.summary} />
        </label>
        <div className="form__actions">
          <button type="submit" className="button">
            Register
          </button>
          <Link to="/account">Cancel</Link>
        </div>
      </Form>
    </article>
  )
}
