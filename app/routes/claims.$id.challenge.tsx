import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { EvidenceBadge } from '~/components/badges'
import { FormError } from '~/components/form'
import { useLabels } from '~/i18n/labels'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { ChallengeForm } from '~/forms/verification'
import { domain, formRedirect, parseForm, parseParams, readForm } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { challengeClaim, claimForChallenge } from '~/modules/verification/challenges.server'

const Params = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) })

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'steward')('challenge.title'))

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
  const { t } = useTranslation('steward')
  const labels = useLabels()
  const claim = useLoaderData<typeof loader>()
  const failed = useActionData<typeof action>()
  return (
    <article className="narrow" aria-labelledby="challenge-title">
      <nav aria-label={t('challenge.breadcrumb')} className="breadcrumb">
        <Link to={`/organisations/${claim.organisationSlug}`}>{claim.organisationName}</Link> <span aria-hidden="true">›</span>{' '}
        <span>{t('challenge.crumb')}</span>
      </nav>
      <h1 id="challenge-title">{t('challenge.title')}</h1>
      <p>
        {t('challenge.claim', { claim: labels.claim(claim.claim) })} <strong>{labels.claimValue(claim.claim, claim.value)}</strong>{' '}
        <EvidenceBadge level={claim.evidenceLevel} />
        <br />
        <span className="muted">{t('challenge.source', { source: claim.source })}</span>
      </p>
      {claim.status === 'overturned' ? (
        <p className="notice">{t('challenge.overturned')}</p>
      ) : (
        <Form method="post" className="form">
          <FormError message={failed?.formError ?? failed?.fieldErrors.reason} />
          <label className="field">
            {t('challenge.reason')}
            <textarea name="reason" required minLength={10} maxLength={2000} rows={4} defaultValue={failed?.values.reason} />
          </label>
          <p className="muted small">{t('challenge.hint', { organisation: claim.organisationName })}</p>
          <div className="form__actions">
            <button type="submit" className="button">
              {t('challenge.submit')}
            </button>
            <Link to={`/organisations/${claim.organisationSlug}`}>{t('challenge.cancel')}</Link>
          </div>
        </Form>
      )}
    </article>
  )
}
