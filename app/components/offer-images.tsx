import { Form } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useFormat } from '~/i18n/format'
import { useMessage } from '~/i18n/messages'

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

/** "2.4 MB", "180 KB", "2,4 Mo": a file's size as the reader writes it. */
export function useFileSize(): (bytes: number) => string {
  const { t } = useTranslation('listings')
  const f = useFormat()
  return (bytes) =>
    bytes >= 1024 * 1024
      ? t('size.megabytes', { size: f.number(Math.round((bytes * 10) / (1024 * 1024)) / 10) })
      : t('size.kilobytes', { size: f.number(Math.max(1, Math.round(bytes / 1024))) })
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
  const { t } = useTranslation('listings')
  const f = useFormat()
  const message = useMessage()
  const fileSize = useFileSize()
  const [fileProblem, setFileProblem] = useState<string | null>(null)
  const imageError = fileProblem ?? message(fieldErrors.image) ?? null
  const altError = message(fieldErrors.altText) ?? null
  const full = images.length >= max
  return (
    <div className="image-manager">
      {images.length === 0 ? (
        <p className="muted">{t('images.none')}</p>
      ) : (
        <ol className="image-list">
          {images.map((image, i) => (
            <li key={image.id} className="image-list__item">
              {/* Its description is printed beside it, so a screen reader need not hear it twice. */}
              <img src={imageSrc(image.storageKey, 'thumb')} alt="" {...thumbSize(image)} loading="lazy" />
              <div className="image-list__about small">
                <p>
                  {i === 0 ? <strong>{t('images.cover')} · </strong> : null}
                  {t('images.quoted', { text: image.altText })}
                </p>
                <p className="muted">
                  {image.originalName} · {image.width}×{image.height} · {fileSize(image.byteSize)}
                </p>
              </div>
              <div className="image-list__actions">
                {i > 0 ? (
                  <Form method="post">
                    <input type="hidden" name="imageId" value={image.id} />
                    <button
                      type="submit"
                      name="intent"
                      value="image-earlier"
                      className="link-button"
                      aria-label={t('images.moveEarlier', { alt: image.altText })}
                    >
                      ↑ {t('images.earlier')}
                    </button>
                  </Form>
                ) : null}
                {i < images.length - 1 ? (
                  <Form method="post">
                    <input type="hidden" name="imageId" value={image.id} />
                    <button type="submit" name="intent" value="image-later" className="link-button" aria-label={t('images.moveLater', { alt: image.altText })}>
                      ↓ {t('images.later')}
                    </button>
                  </Form>
                ) : null}
                <Form method="post">
                  <input type="hidden" name="imageId" value={image.id} />
                  <button
                    type="submit"
                    name="intent"
                    value="image-remove"
                    className="link-button link-button--danger"
                    aria-label={t('images.removeLabel', { alt: image.altText })}
                  >
                    {t('images.remove')}
                  </button>
                </Form>
              </div>
            </li>
          ))}
        </ol>
      )}
      {full ? (
        <p className="muted small">{t('images.full', { used: f.number(images.length), max: f.number(max) })}</p>
      ) : (
        <Form method="post" encType="multipart/form-data" className="form form--compact">
          <input type="hidden" name="intent" value="image-add" />
          {formError ? (
            <p className="field-error" role="alert">
              {message(formError)}
            </p>
          ) : null}
          <div className={imageError ? 'field field--invalid' : 'field'}>
            <label htmlFor="field-image">{t('images.image')}</label>
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
                const problem = file && file.size > maxBytes ? t('messages.imageTooLarge', { size: fileSize(maxBytes) }) : null
                event.currentTarget.setCustomValidity(problem ?? '')
                setFileProblem(problem)
              }}
            />
            <p className="field-hint" id="field-image-hint">
              {t('images.hint', { size: fileSize(maxBytes) })} {t('images.used', { used: f.number(images.length), max: f.number(max) })}
            </p>
          </div>
          <div className={altError ? 'field field--invalid' : 'field'}>
            <label htmlFor="field-altText">{t('images.describe')}</label>
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
              {t('images.describeHint')}
            </p>
          </div>
          <div>
            <button type="submit" className="button">
              {t('images.add')}
            </button>
          </div>
        </Form>
      )}
    </div>
  )
}
