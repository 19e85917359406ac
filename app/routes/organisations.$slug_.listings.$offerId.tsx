import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { KindBadge, ScoreBadge } from '~/components/badges'
import { FormError, Notice } from '~/components/form'
import { ResourcePanel, StockPanel } from '~/components/listing-panels'
import { currencyOf, ListingForm, listingFormValues, readListingForm } from '~/components/listing-form'
import { ImageManager } from '~/components/offer-images'
import { ListingTranslationsLink } from '~/components/original-language'
import { ScoreBreakdown } from '~/components/score-breakdown'
import { EditListingForm } from '~/forms/listings'
import { getDb } from '~/lib/db.server'
import { Trans, useTranslation } from 'react-i18next'
import { useFormat } from '~/i18n/format'
import { metaT, pageTitle } from '~/i18n/meta'
import { env } from '~/lib/env.server'
import { dispatchForm, domain, formRedirect, formReply, parseParams } from '~/lib/http.server'
import { readFormOrUpload, type UploadLimits } from '~/lib/multipart.server'
import { requireUser } from '~/lib/session.server'
import { addOfferImage, MAX_IMAGE_BYTES, MAX_IMAGES_PER_OFFER, megabytes, moveOfferImage, removeOfferImage } from '~/modules/listings/images.server'
import { listingActor, listingForEditing, newListingForm } from '~/modules/listings/listings-queries.server'
import { adjustStock, listingProblems, ownListing, setListingStatus, updateListing } from '~/modules/listings/listings.server'
import { MAX_RESOURCE_BYTES, setCommonsResourceFile, setCommonsResourceLink } from '~/modules/listings/resources.server'

const Params = z.object({
  slug: z.string().regex(/^[a-z0-9-]{1,200}$/),
  offerId: z
    .string()
    .regex(/^[1-9]\d{0,15}$/)
    .transform(Number),
})

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches, 'listings')
  return pageTitle(matches, data ? t('meta.edit', { title: data.offer.title }) : t('meta.listing'))
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { slug, offerId } = parseParams(params, Params)
  const db = getDb()
  const actor = await domain(() => listingActor(db, user.id, slug))
  const listing = await domain(() => listingForEditing(db, actor, offerId))
  return {
    organisation: actor.organisation,
    ...listing,
    limits: { images: MAX_IMAGES_PER_OFFER, imageBytes: MAX_IMAGE_BYTES, resourceBytes: MAX_RESOURCE_BYTES },
  }
}

// What an upload may weigh. Made when a request comes: this module is also the page's browser
// code, where the server modules' values do not exist.
const uploadLimits = (): UploadLimits => ({
  files: {
    image: { bytes: MAX_IMAGE_BYTES, tooLarge: `This image is larger than ${megabytes(MAX_IMAGE_BYTES)}; choose a smaller one.` },
    file: { bytes: MAX_RESOURCE_BYTES, tooLarge: `This file is larger than ${megabytes(MAX_RESOURCE_BYTES)}; share a bigger one through a link.` },
  },
  bodyBytes: MAX_RESOURCE_BYTES + 1024 * 1024,
  bodySize: megabytes(MAX_RESOURCE_BYTES + 1024 * 1024),
})

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const { slug, offerId } = parseParams(params, Params)
  const db = getDb()
  const actor = await domain(() => listingActor(db, user.id, slug))
  // Only this organisation's members reach its listing, before any upload is read.
  const existing = await domain(() => ownListing(db, actor, offerId))
  const read = await readFormOrUpload(request, uploadLimits())
  if (!read.ok) return read.reply
  const back = (notice: string, anchor = '') => `/organisations/${slug}/listings/${offerId}?notice=${notice}${anchor}`
  const uploadDir = env().UPLOAD_DIR
  const bytes = async (file: File) => new Uint8Array(await file.arrayBuffer())
  // The listing's own fields are read by the listing form, as on the new-listing page; a
  // preview shows their messages, a save refuses them with the rules they break.
  const save = async (preview: boolean, values: Record<string, string>) => {
    const options = await domain(() => newListingForm(db, actor))
    const { input, fieldErrors, checkable } = readListingForm(values, currencyOf(options.funds, values.commonsFund))
    if (preview) return formReply({ fieldErrors, values }, 200)
    if (Object.keys(fieldErrors).length) {
      const rest = listingProblems({ ...checkable, stock: existing.stock ?? undefined })
      return formReply({ fieldErrors: { ...(rest.ok ? {} : rest.error.details), ...fieldErrors }, values })
    }
    return formRedirect(values, () => updateListing(db, actor, offerId, input), back('saved'))
  }
  return dispatchForm(
    read.form,
    EditListingForm,
    {
      save: (_, values) => save(false, values),
      preview: (_, values) => save(true, values),
      archive: (_, values) => formRedirect(values, () => setListingStatus(db, actor, offerId, 'archived'), back('archived')),
      relist: (_, values) => formRedirect(values, () => setListingStatus(db, actor, offerId, 'active'), back('relisted')),
      stock: ({ delta, reason, note }, values) => formRedirect(values, () => adjustStock(db, actor, offerId, { delta, reason, note }), back('stock', '#stock')),
      'resource-link': ({ url }, values) => formRedirect(values, () => setCommonsResourceLink(db, actor, offerId, url), back('resource', '#resource')),
      'resource-file': async ({ file }, values) => {
        const content = await bytes(file)
        return formRedirect(
          values,
          () => setCommonsResourceFile(db, actor, offerId, { fileName: file.name, contentType: file.type, bytes: content }),
          back('resource', '#resource'),
        )
      },
      'image-add': async ({ image, altText }, values) => {
        const content = await bytes(image)
        return formRedirect(
          values,
          () => addOfferImage(db, actor, offerId, { fileName: image.name, bytes: content, altText }, uploadDir),
          back('image-added', '#images'),
        )
      },
      'image-remove': ({ imageId }, values) =>
        formRedirect(values, () => removeOfferImage(db, actor, offerId, imageId, uploadDir), back('image-removed', '#images')),
      'image-earlier': ({ imageId }, values) => formRedirect(values, () => moveOfferImage(db, actor, offerId, imageId, 'earlier'), back('images', '#images')),
      'image-later': ({ imageId }, values) => formRedirect(values, () => moveOfferImage(db, actor, offerId, imageId, 'later'), back('images', '#images')),
    },
    { above: ['imageId'] },
  )
}

// What the page says after each kind of change, by the notice in its URL.
const notices: Record<string, string> = {
  listed: 'notices.listed',
  saved: 'notices.saved',
  archived: 'notices.archived',
  relisted: 'notices.relisted',
  stock: 'notices.stock',
  resource: 'notices.resource',
  'image-added': 'notices.imageAdded',
  'image-removed': 'notices.imageRemoved',
  images: 'notices.images',
}

export default function EditListing() {
  const data = useLoaderData<typeof loader>()
  const reply = useActionData<typeof action>()
  const [search] = useSearchParams()
  const { organisation, offer, fields, score, images, resource, options, limits } = data
  const { t } = useTranslation('listings')
  const f = useFormat()
  const base = `/organisations/${organisation.slug}/listings`
  // A notice is about the last thing done; a refused form since then is what matters now.
  const notice = reply ? '' : (search.get('notice') ?? '')
  const scored = (notice === 'listed' || notice === 'saved') && score
  const replyTo = (...intents: string[]) => (reply && intents.includes(reply.values.intent ?? '') ? reply : null)
  const listingReply = replyTo('save', 'preview')
  const stockReply = replyTo('stock')
  const resourceReply = replyTo('resource-link', 'resource-file')
  const imageReply = replyTo('image-add', 'image-remove', 'image-earlier', 'image-later')
  const otherError = reply && !listingReply && !stockReply && !resourceReply && !imageReply ? reply.formError : null
  const breakdown = score ? <ScoreBreakdown score={score} producerSlug={organisation.slug} offerSlug={offer.slug} evidenceIn="workspace" /> : null

  return (
    <article aria-labelledby="listing-title" className="listing-page">
      <nav aria-label={t('breadcrumb.label')} className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}/manage`}>{t('breadcrumb.workspace', { organisation: organisation.name })}</Link>{' '}
        <span aria-hidden="true">›</span> <Link to={base}>{t('breadcrumb.listings')}</Link> <span aria-hidden="true">›</span> <span>{offer.title}</span>
      </nav>
      <header className="listing-page__header">
        <div className="card__meta">
          <KindBadge kind={offer.kind} />
          <span className={`status status--${offer.status === 'active' ? 'paid' : 'cancelled'}`}>
            {offer.status === 'active' ? (offer.listed ? t('status.listed') : t('status.hidden')) : t('status.archived')}
          </span>
          {score ? <ScoreBadge score={score.score} confidence={score.confidence} /> : null}
        </div>
        <h1 id="listing-title">{offer.title}</h1>
        <p className="muted small">
          {offer.listed ? <Link to={`/offers/${offer.slug}`}>{t('edit.publicPage')}</Link> : t('list.notInCatalog')} ·{' '}
          <a href="#details">{t('edit.details')}</a> · <a href="#images">{t('edit.images')}</a> ·{' '}
          {offer.kind === 'good' ? <a href="#stock">{t('edit.stock')}</a> : <a href="#resource">{t('edit.resource')}</a>} ·{' '}
          <a href="#availability">{t('edit.availability')}</a> · <a href="#score-title">{t('edit.score')}</a> ·{' '}
          <ListingTranslationsLink to={`${base}/${offer.id}/translations`} />
        </p>
      </header>

      {notices[notice] ? (
        <Notice tone="success">
          {notice === 'listed' && !offer.listed ? t('notices.listedHidden') : t(notices[notice])}
          {scored ? (
            <>
              {' '}
              <Trans
                t={t}
                i18nKey="notices.scored"
                values={{ score: f.number(score.score), percent: f.number(Math.round(score.confidence * 100)) }}
                components={{ score: <strong data-testid="saved-score" /> }}
              />
            </>
          ) : null}
        </Notice>
      ) : null}
      {scored ? breakdown : null}
      <FormError message={otherError} />

      <section aria-labelledby="details" className="listing-section">
        <h2 id="details">{t('edit.details')}</h2>
        <ListingForm
          key={JSON.stringify(listingReply ? listingReply.values : fields)}
          mode="edit"
          options={options}
          values={listingReply?.values ?? listingFormValues(fields)}
          fieldErrors={listingReply?.fieldErrors}
          formError={listingReply?.formError}
        />
      </section>

      <section aria-labelledby="images" className="listing-section">
        <h2 id="images">{t('edit.images')}</h2>
        <ImageManager
          images={images}
          max={limits.images}
          maxBytes={limits.imageBytes}
          fieldErrors={imageReply?.fieldErrors ?? {}}
          formError={imageReply?.formError ?? null}
          altText={imageReply?.values.altText}
        />
      </section>

      {offer.kind === 'good' ? (
        <StockPanel stock={offer.stock} history={data.stockHistory} reply={stockReply} />
      ) : (
        <ResourcePanel resource={resource} maxBytes={limits.resourceBytes} reply={resourceReply} />
      )}

      <section aria-labelledby="availability" className="listing-section">
        <h2 id="availability">{t('edit.availability')}</h2>
        <Form method="post" className="form--inline">
          {offer.status === 'active' ? (
            <>
              <p>{t('edit.archiveText')}</p>
              <button type="submit" name="intent" value="archive" className="button button--secondary">
                {t('edit.archive')}
              </button>
            </>
          ) : (
            <>
              <p>{t('edit.archivedText')}</p>
              <button type="submit" name="intent" value="relist" className="button">
                {t('edit.relist')}
              </button>
            </>
          )}
        </Form>
      </section>

      {scored ? null : breakdown}
    </article>
  )
}
