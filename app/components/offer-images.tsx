import { Form } from '@remix-run/react'
import { useState } from 'react'

// Offer images as the catalog, the offer page and the listing editor show them. Files are
// served by /images/:file (immutable, so a changed image is a new key, never a new file).

export type ImageVariant = 'thumb' | 'large'

export interface ShownImage {
  storageKey: string
  altText: string
  /** of the large variant */
  width: number
  height: number
}

const THUMB_WIDTH = 400

export function imageSrc(storageKey: string, variant: ImageVariant): string {
  return `/images/${storageKey}-${variant}.webp`
}

/** The thumbnail's size, from the large variant's (both keep the upload's proportions). */
function thumbSize(image: ShownImage) {
  if (image.width <= THUMB_WIDTH) return { width: image.width, height: image.height }
  return { width: THUMB_WIDTH, height: Math.max(1, Math.round((image.height * THUMB_WIDTH) / image.width)) }
}

/** The first image of an offer, at the top of its catalog card. */
export function CardImage({ image }: { image: ShownImage }) {
  return (
    <div className="card__image">
      <img src={imageSrc(image.storageKey, 'thumb')} alt={image.altText} {...thumbSize(image)} loading="lazy" decoding="async" />
    </div>
  )
}

/** Every image of an offer: the first large, the others beside it; each opens at full size. */
export function OfferGallery({ images }: { images: ShownImage[] }) {
  const [first, ...rest] = images
  if (!first) return null
  return (
    <div className="gallery">
      <a href={imageSrc(first.storageKey, 'large')} className="gallery__main">
        <img src={imageSrc(first.storageKey, 'large')} alt={first.altText} width={first.width} height={first.height} />
      </a>
      {rest.length ? (
        <ul className="gallery__more">
          {rest.map((image) => (
            <li key={image.storageKey}>
              <a href={imageSrc(image.storageKey, 'large')}>
                <img src={imageSrc(image.storageKey, 'thumb')} alt={image.altText} {...thumbSize(image)} loading="lazy" decoding="async" />
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

export interface ManagedImage extends ShownImage {
  id: number
  byteSize: number
  originalName: string
}

/** "2.4 MB", "180 KB": a file's size as people read it. */
export function fileSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes * 10) / (1024 * 1024)) / 10} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`
}

/**
 * A listing's images for its editors: order, remove, and add one (alt text required). The
 * browser refuses a file over the limit before sending it; the server checks everything again.
 */
export function ImageManager({
  images,
  max,
  maxBytes,
  fieldErrors,
  formError,
  altText,
}: {
  images: ManagedImage[]
  max: number
  maxBytes: number
  fieldErrors: Partial<Record<string, string>>
  formError: string | null
  altText?: string
}) {
  const [fileProblem, setFileProblem] = useState<string | null>(null)
  const imageError = fileProblem ?? fieldErrors.image ?? null
  const altError = fieldErrors.altText ?? null
  const full = images.length >= max
  return (
    <div className="image-manager">
      {images.length === 0 ? (
        <p className="muted">No images yet. The first one shows on the catalog card.</p>
      ) : (
        <ol className="image-list">
          {images.map((image, i) => (
            <li key={image.id} className="image-list__item">
              {/* Its description is printed beside it, so a screen reader need not hear it twice. */}
              <img src={imageSrc(image.storageKey, 'thumb')} alt="" {...thumbSize(image)} loading="lazy" />
              <div className="image-list__about small">
                <p>
                  {i === 0 ? <strong>Cover · </strong> : null}“{image.altText}”
                </p>
                <p className="muted">
                  {image.originalName} · {image.width}×{image.height} · {fileSize(image.byteSize)}
                </p>
              </div>
              <div className="image-list__actions">
                {i > 0 ? (
                  <Form method="post">
                    <input type="hidden" name="imageId" value={image.id} />
                    <button type="submit" name="intent" value="image-earlier" className="link-button" aria-label={`Move “${image.altText}” earlier`}>
                      ↑ Earlier
                    </button>
                  </Form>
                ) : null}
                {i < images.length - 1 ? (
                  <Form method="post">
                    <input type="hidden" name="imageId" value={image.id} />
                    <button type="submit" name="intent" value="image-later" className="link-button" aria-label={`Move “${image.altText}” later`}>
                      ↓ Later
                    </button>
                  </Form>
                ) : null}
                <Form method="post">
                  <input type="hidden" name="imageId" value={image.id} />
                  <button type="submit" name="intent" value="image-remove" className="link-button link-button--danger" aria-label={`Remove “${image.altText}”`}>
                    Remove
                  </button>
                </Form>
              </div>
            </li>
          ))}
        </ol>
      )}
      {full ? (
        <p className="muted small">
          {images.length} of {max} images: remove one to add another.
        </p>
      ) : (
        <Form method="post" encType="multipart/form-data" className="form form--compact">
          <input type="hidden" name="intent" value="image-add" />
          {formError ? (
            <p className="field-error" role="alert">
              {formError}
            </p>
          ) : null}
          <div className={imageError ? 'field field--invalid' : 'field'}>
            <label htmlFor="field-image">Image</label>
            {imageError ? (
              <p className="field-error" id="field-image-error" role="alert">
                <span aria-hidden="true">⚠ </span>
                {imageError}
              </p>
            ) : null}
            <input
              id="field-image"
              name="image"
              type="file"
              required
              accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
              aria-invalid={imageError ? true : undefined}
              aria-describedby={`${imageError ? 'field-image-error ' : ''}field-image-hint`}
              onChange={(event) => {
                const file = event.currentTarget.files?.[0]
                const problem = file && file.size > maxBytes ? `This image is larger than ${fileSize(maxBytes)}; choose a smaller one.` : null
                event.currentTarget.setCustomValidity(problem ?? '')
                setFileProblem(problem)
              }}
            />
            <p className="field-hint" id="field-image-hint">
              JPEG, PNG, WebP, GIF or AVIF, at most {fileSize(maxBytes)} and 8000×8000 pixels. {images.length} of {max} used.
            </p>
          </div>
          <div className={altError ? 'field field--invalid' : 'field'}>
            <label htmlFor="field-altText">Describe the image</label>
            {altError ? (
              <p className="field-error" id="field-altText-error">
                <span aria-hidden="true">⚠ </span>
                {altError}
              </p>
            ) : null}
            <input
              id="field-altText"
              name="altText"
              required
              maxLength={250}
              defaultValue={altText}
              aria-invalid={altError ? true : undefined}
              aria-describedby={`${altError ? 'field-altText-error ' : ''}field-altText-hint`}
            />
            <p className="field-hint" id="field-altText-hint">
              For people who cannot see it, e.g. “Blue linen tea towel, folded on a wooden table”.
            </p>
          </div>
          <div>
            <button type="submit" className="button">
              Add the image
            </button>
          </div>
        </Form>
      )}
    </div>
  )
}
