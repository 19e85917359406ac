import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { currencyOf, ListingForm, newListingValues, readListingForm } from '~/components/listing-form'
import { getDb } from '~/lib/db.server'
import { domain, formRedirect, formReply, parseForm, parseParams, readForm } from '~/lib/http.server'
import { NewListingForm } from '~/forms/listings'
import { requireUser } from '~/lib/session.server'
import { listingActor, newListingForm } from '~/modules/listings/listings-queries.server'
import { createListing, listingProblems } from '~/modules/listings/listings.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `New listing${data ? ` for ${data.organisation.name}` : ''} · Solidarity Market` }]

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
  return (
    <section aria-labelledby="new-listing-title" className="listing-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}/manage`}>{organisation.name} workspace</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={base}>Listings</Link> <span aria-hidden="true">›</span> <span>New</span>
      </nav>
      <h1 id="new-listing-title">New listing</h1>
      <p className="muted">
        A good has a solidarity price for commoners and a higher one for for-profit buyers; a commons item is free to commoners. What for-profit buyers pay
        above the commoner price — the access fee — is shared with a commons fund.
      </p>
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
