import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { currencyOf, ListingForm, newListingValues, readListingForm } from '~/components/listing-form'
import { getDb } from '~/lib/db.server'
import { useTranslation } from 'react-i18next'
import { metaT, pageTitle } from '~/i18n/meta'
import { domain, formRedirect, formReply, parseForm, parseParams, readForm } from '~/lib/http.server'
import { NewListingForm } from '~/forms/listings'
import { requireUser } from '~/lib/session.server'
import { listingActor, newListingForm } from '~/modules/listings/listings-queries.server'
import { createListing, listingProblems } from '~/modules/listings/listings.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches, 'listings')
  return pageTitle(matches, data ? t('meta.newFor', { organisation: data.organisation.name }) : t('meta.new'))
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { slug } = parseParams(params, Params)
  const db = getDb()
  const actor = await domain(() => listingActor(db, user.id, slug))
  const options = await domain(() => newListingForm(db, actor))
  const kind = new URL(request.url).searchParams.get('kind') === 'commons' ? 'commons' : 'good'
  return { organisation: actor.organisation, options, values: newListingValues(kind) }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const { slug } = parseParams(params, Params)
  const db = getDb()
  const actor = await domain(() => listingActor(db, user.id, slug))
  const form = parseForm(await readForm(request), NewListingForm)
  if (!form.ok) return form.reply
  const { values } = form
  const options = await domain(() => newListingForm(db, actor))
  const { input, fieldErrors, checkable } = readListingForm(values, currencyOf(options.funds, values.commonsFund))
  // Shows the form again with the preview priced from what was typed, for browsers without JavaScript.
  if (form.data.intent === 'preview') return formReply({ fieldErrors, values }, 200)
  if (Object.keys(fieldErrors).length) {
    // Amounts that cannot be read are this form's to explain; the rest the domain says, all at once.
    const rest = listingProblems(checkable)
    return formReply({ fieldErrors: { ...(rest.ok ? {} : rest.error.details), ...fieldErrors }, values })
  }
  return formRedirect(
    values,
    () => createListing(db, actor, input),
    (created) => `/organisations/${slug}/listings/${created.id}?notice=listed`,
  )
}

export default function NewListing() {
  const { organisation, options, values } = useLoaderData<typeof loader>()
  const reply = useActionData<typeof action>()
  const base = `/organisations/${organisation.slug}/listings`
  const { t } = useTranslation('listings')
  return (
    <section aria-labelledby="new-listing-title" className="listing-page">
      <nav aria-label={t('breadcrumb.label')} className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}/manage`}>{t('breadcrumb.workspace', { organisation: organisation.name })}</Link>{' '}
        <span aria-hidden="true">›</span> <Link to={base}>{t('breadcrumb.listings')}</Link> <span aria-hidden="true">›</span> <span>{t('breadcrumb.new')}</span>
      </nav>
      <h1 id="new-listing-title">{t('new.title')}</h1>
      <p className="muted">{t('new.intro')}</p>
      {/* A new reply (a refused save, a preview) starts the form afresh from what was sent. */}
      <ListingForm
        key={reply ? JSON.stringify(reply.values) : 'blank'}
        mode="new"
        options={options}
        values={reply?.values ?? values}
        fieldErrors={reply?.fieldErrors}
        formError={reply?.formError}
      />
    </section>
  )
}
