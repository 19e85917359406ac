import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { FormError } from '~/components/form'
import { getDb } from '~/lib/db.server'
import { AttestForm } from '~/forms/verification'
import { domain, formRedirect, parseForm, parseParams, readForm } from '~/lib/http.server'
import { legalFormLabel } from '~/lib/labels'
import { requireUser } from '~/lib/session.server'
import { organisationBySlug } from '~/modules/organisations/membership.server'
import { attestOrganisation } from '~/modules/orders/reclassification.server'
import { attesterChoices } from '~/modules/verification/attestations.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction = () => [{ title: 'Attest an organisation · Solidarity Market' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { slug } = parseParams(params, Params)
  const db = getDb()
  const org = await domain(() => organisationBySlug(db, slug))
  return { organisation: { name: org.name, slug: org.slug, legalForm: org.legalForm }, choices: await attesterChoices(db, user.id, org.id) }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const { slug } = parseParams(params, Params)
  const db = getDb()
  const org = await domain(() => organisationBySlug(db, slug))
  const form = parseForm(await readForm(request), AttestForm)
  if (!form.ok) return form.reply
  return formRedirect(form.values, () => attestOrganisation(db, user.id, org.id, form.data), `/organisations/${slug}?notice=attested`)
}

export default function Attest() {
  const { organisation, choices } = useLoaderData<typeof loader>()
  const failed = useActionData<typeof action>()
  return (
    <article className="narrow" aria-labelledby="attest-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}`}>{organisation.name}</Link> <span aria-hidden="true">›</span> <span>Attest</span>
      </nav>
      <h1 id="attest-title">Attest {organisation.name}</h1>
      <p>
        You vouch, on behalf of your organisation, that {organisation.name} is a {legalFormLabel[organisation.legalForm].toLowerCase()}. Two attestations from
        verified organisations make its legal form peer-attested for a year. Your organisation’s name and your statement appear in its audit trail.
      </p>
      {choices.length === 0 ? (
        <p className="notice">You can attest only as an admin of an organisation whose own legal form is verified, and not of this one.</p>
      ) : (
        <Form method="post" className="form">
          <FormError message={failed?.formError} />
          <label className="field">
            Attest on behalf of
            <select name="attesterOrganisationId" defaultValue={failed?.values.attesterOrganisationId ?? String(choices[0]!.id)}>
              {choices.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            What you know of them, and how
            <textarea name="statement" required minLength={10} maxLength={1000} rows={3} defaultValue={failed?.values.statement} />
          </label>
          <div className="form__actions">
            <button type="submit" className="button">
              Attest
            </button>
            <Link to={`/organisations/${organisation.slug}`}>Cancel</Link>
          </div>
        </Form>
      )}
    </article>
  )
}
