import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { EvidenceBadge } from '~/components/badges'
import { FormError } from '~/components/form'
import { getDb } from '~/lib/db.server'
import { ChallengeForm } from '~/forms/verification'
import { domain, formRedirect, parseForm, parseParams, readForm } from '~/lib/http.server'
import { claimLabel, claimValueLabel } from '~/lib/labels'
import { requireUser } from '~/lib/session.server'
import { challengeClaim, claimForChallenge } from '~/modules/verification/challenges.server'

const Params = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) })

export const meta: MetaFunction = () => [{ title: 'Challenge a claim · Solidarity Market' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUser(request)
  const { id } = parseParams(params, Params)
  return domain(() => claimForChallenge(getDb(), id))
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const { id } = parseParams(params, Params)
  const form = parseForm(await readForm(request), ChallengeForm)
  const db = getDb()
  const claim = await domain(() => claimForChallenge(db, id))
  if (!form.ok) return form.reply
  return formRedirect(form.values, () => challengeClaim(db, user.id, id, form.data.reason), `/organisations/${claim.organisationSlug}?notice=challenged`)
}

export default function Challenge() {
  const claim = useLoaderData<typeof loader>()
  const failed = useActionData<typeof action>()
  return (
    <article className="narrow" aria-labelledby="challenge-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/organisations/${claim.organisationSlug}`}>{claim.organisationName}</Link> <span aria-hidden="true">›</span> <span>Challenge</span>
      </nav>
      <h1 id="challenge-title">Challenge a claim</h1>
      <p>
        {claimLabel[claim.claim]}: <strong>{claimValueLabel(claim.claim, claim.value)}</strong> <EvidenceBadge level={claim.evidenceLevel} />
        <br />
        <span className="muted">Source: {claim.source}</span>
      </p>
      {claim.status === 'overturned' ? (
        <p className="notice">A steward has already overturned this claim.</p>
      ) : (
        <Form method="post" className="form">
          <FormError message={failed?.formError} />
          <label className="field">
            What is wrong with it, and how do you know?
            <textarea name="reason" required minLength={10} maxLength={2000} rows={4} defaultValue={failed?.values.reason} />
          </label>
          <p className="muted small">A steward reviews every challenge; the decision and its reason go into {claim.organisationName}’s audit trail.</p>
          <div className="form__actions">
            <button type="submit" className="button">
              Send the challenge
            </button>
            <Link to={`/organisations/${claim.organisationSlug}`}>Cancel</Link>
          </div>
        </Form>
      )}
    </article>
  )
}
