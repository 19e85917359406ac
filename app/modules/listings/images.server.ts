import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { sql, type Kysely } from 'kysely'
import type { Metadata, Sharp, SharpOptions } from 'sharp'
import type { DB, Db } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { ownListing, type Actor } from './listings.server'
import { clock } from '../../lib/clock'
import { safeFileName } from '../../lib/file-names'

// Offer images. An upload is trusted only once sharp has decoded it: the file's name and the
// type the browser claims say nothing. What is stored is never the upload itself but two WebP
// files re-encoded from its pixels (no scripts, no metadata such as a phone's GPS position),
// named by a random key; the offer_images row is the truth about them.

export const MAX_IMAGE_BYTES = 8 * 1024 * 1024
export const MAX_IMAGE_SIDE = 8000
export const MAX_IMAGES_PER_OFFER = 8
export const MAX_ALT_TEXT = 250
export const LARGE_WIDTH = 1600
export const THUMB_WIDTH = 400
export const NOT_AN_IMAGE = 'This file is not an image we can use (JPEG, PNG, WebP, GIF or AVIF).'

export type ImageVariant = 'thumb' | 'large'
const widthOf: Record<ImageVariant, number> = { thumb: THUMB_WIDTH, large: LARGE_WIDTH }

/** `<storageKey>-<variant>.webp`; a storage key is 18 random bytes in base64url (24 characters). */
export const IMAGE_FILE_NAME = /^[A-Za-z0-9_-]{24}-(thumb|large)\.webp$/

export function imageFileName(storageKey: string, variant: ImageVariant): string {
  return `${storageKey}-${variant}.webp`
}

export interface OfferImage {
  id: number
  storageKey: string
  altText: string
  /** of the large variant, the one the offer page shows */
  width: number
  height: number
  byteSize: number
  originalName: string
  position: number
}

export interface CoverImage {
  storageKey: string
  altText: string
  width: number
  height: number
}

// Loaded on the first upload, not at start: most processes never decode an image, and the
// server's memory budget is better spent on pages.
let sharpLoader: Promise<(input: Buffer, options: SharpOptions) => Sharp> | undefined
function loadSharp() {
  sharpLoader ??= import('sharp').then(({ default: sharp }) => {
    // libvips keeps decoded images in a cache by default; we never decode the same one twice.
    sharp.cache(false)
    return (input: Buffer, options: SharpOptions) => sharp(input, options)
  })
  return sharpLoader
}

const decodeOptions: SharpOptions = { limitInputPixels: MAX_IMAGE_SIDE * MAX_IMAGE_SIDE, failOn: 'error' }

function acceptedFormat(meta: Metadata): boolean {
  if (meta.format === 'heif') return meta.compression === 'av1'
  return meta.format === 'jpeg' || meta.format === 'png' || meta.format === 'webp' || meta.format === 'gif'
}

const refuse = (message: string) => new AppError('invalid_input', message, { image: message })

interface Rendered {
  data: Buffer
  width: number
  height: number
}

/** Decodes the upload and renders both variants. @throws AppError invalid_input */
async function renderVariants(bytes: Buffer): Promise<Record<ImageVariant, Rendered>> {
  const sharp = await loadSharp()
  let meta: Metadata
  try {
    meta = await sharp(bytes, decodeOptions).metadata()
  } catch {
    throw refuse(NOT_AN_IMAGE)
  }
  // SVG (a document that can carry scripts), TIFF, PDF and the like decode too, but are not photos.
  if (!acceptedFormat(meta) || !meta.width || !meta.height) throw refuse(NOT_AN_IMAGE)
  if (meta.width > MAX_IMAGE_SIDE || meta.height > MAX_IMAGE_SIDE) {
    throw refuse(`This image is ${meta.width}×${meta.height} pixels; images may be at most ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE}.`)
  }
  const render = async (variant: ImageVariant): Promise<Rendered> => {
    const { data, info } = await sharp(bytes, decodeOptions)
      .rotate() // upright as the camera held it; the orientation tag is dropped with the metadata
      .resize({ width: widthOf[variant], withoutEnlargement: true })
      .webp({ quality: variant === 'thumb' ? 75 : 82 })
      .toBuffer({ resolveWithObject: true })
    return { data, width: info.width, height: info.height }
  }
  try {
    const [thumb, large] = await Promise.all([render('thumb'), render('large')])
    return { thumb, large }
  } catch {
    // A header that reads well over a body that does not (truncated or corrupt files).
    throw refuse(NOT_AN_IMAGE)
  }
}

async function countImages(db: Db, offerId: number) {
  const row = await db
    .selectFrom('offerImages')
    .select([sql<number>`count(*)`.as('n'), sql<number | null>`max(position)`.as('last')])
    .where('offerId', '=', offerId)
    .executeTakeFirstOrThrow()
  return { n: Number(row.n), last: row.last }
}

const tooMany = () =>
  new AppError('conflict', `A listing has at most ${MAX_IMAGES_PER_OFFER} images: remove one before adding another.`, {
    image: `A listing has at most ${MAX_IMAGES_PER_OFFER} images: remove one before adding another.`,
  })

async function removeFiles(uploadDir: string, storageKey: string) {
  await Promise.all((['thumb', 'large'] as const).map((v) => fs.rm(path.join(uploadDir, imageFileName(storageKey, v)), { force: true })))
}

export interface ImageUpload {
  fileName: string
  bytes: Uint8Array
  altText: string
}

/**
 * Adds an image to a listing: checked by decoding it, stored as a large and a thumbnail WebP
 * under `uploadDir`, placed after the listing's other images.
 * @throws AppError forbidden, not_found, invalid_input (per field: image, altText), conflict (too many)
 */
export async function addOfferImage(
  db: Kysely<DB>,
  actor: Actor,
  offerId: number,
  upload: ImageUpload,
  uploadDir: string,
  now = clock.now(),
): Promise<OfferImage> {
  await ownListing(db, actor, offerId)
  const altText = upload.altText.replace(/\s+/g, ' ').trim()
  const details: Record<string, string> = {}
  if (upload.bytes.byteLength === 0) details.image = 'Choose an image file to upload.'
  else if (upload.bytes.byteLength > MAX_IMAGE_BYTES)
    details.image = `This image is ${megabytes(upload.bytes.byteLength)}; images may be at most ${megabytes(MAX_IMAGE_BYTES)}.`
  if (!altText) details.altText = 'Describe the image for people who cannot see it, e.g. “Blue linen towel, folded”.'
  else if (altText.length > MAX_ALT_TEXT) details.altText = `Keep the description under ${MAX_ALT_TEXT} characters.`
  if (Object.keys(details).length) throw new AppError('invalid_input', Object.values(details)[0]!, details)
  // Refused before the decoding work when it is already plain; checked again below, in the
  // transaction, against a concurrent upload.
  if ((await countImages(db, offerId)).n >= MAX_IMAGES_PER_OFFER) throw tooMany()

  const variants = await renderVariants(Buffer.from(upload.bytes.buffer, upload.bytes.byteOffset, upload.bytes.byteLength))
  const storageKey = randomBytes(18).toString('base64url')
  await fs.mkdir(uploadDir, { recursive: true })
  try {
    // The files are written before the row exists (no file work inside a transaction); a row
    // that fails to be written takes its files with it.
    await Promise.all(
      (['thumb', 'large'] as const).map((v) => fs.writeFile(path.join(uploadDir, imageFileName(storageKey, v)), variants[v].data, { flag: 'wx' })),
    )
    return await db.transaction().execute(async (trx) => {
      const { n, last } = await countImages(trx, offerId)
      if (n >= MAX_IMAGES_PER_OFFER) throw tooMany()
      const values = {
        offerId,
        position: last === null ? 0 : last + 1,
        storageKey,
        originalName: safeFileName(upload.fileName) || 'image',
        altText,
        width: variants.large.width,
        height: variants.large.height,
        byteSize: variants.large.data.byteLength,
        createdBy: actor.personId,
        createdAt: now,
      }
      const { id } = await trx.insertInto('offerImages').values(values).returning('id').executeTakeFirstOrThrow()
      return {
        id,
        storageKey,
        altText,
        width: values.width,
        height: values.height,
        byteSize: values.byteSize,
        originalName: values.originalName,
        position: values.position,
      }
    })
  } catch (error) {
    await removeFiles(uploadDir, storageKey)
    throw error
  }
}

/** Removes an image: its row, then its files. @throws AppError forbidden, not_found */
export async function removeOfferImage(db: Kysely<DB>, actor: Actor, offerId: number, imageId: number, uploadDir: string): Promise<void> {
  await ownListing(db, actor, offerId)
  const removed = await db.deleteFrom('offerImages').where('id', '=', imageId).where('offerId', '=', offerId).returning('storageKey').executeTakeFirst()
  if (!removed) throw new AppError('not_found', 'This listing has no such image; it may have been removed already.')
  await removeFiles(uploadDir, removed.storageKey)
}

/**
 * Moves an image one place earlier or later; the first image is the one catalog cards show.
 * @throws AppError forbidden, not_found
 */
export async function moveOfferImage(db: Kysely<DB>, actor: Actor, offerId: number, imageId: number, direction: 'earlier' | 'later'): Promise<void> {
  await ownListing(db, actor, offerId)
  await db.transaction().execute(async (trx) => {
    const images = await listOfferImages(trx, offerId)
    const at = images.findIndex((i) => i.id === imageId)
    if (at < 0) throw new AppError('not_found', 'This listing has no such image; it may have been removed already.')
    const other = images[direction === 'earlier' ? at - 1 : at + 1]
    if (!other) return
    const image = images[at]!
    await trx.updateTable('offerImages').set({ position: other.position }).where('id', '=', image.id).execute()
    await trx.updateTable('offerImages').set({ position: image.position }).where('id', '=', other.id).execute()
  })
}

/** A listing's images in the order they show. */
export async function listOfferImages(db: Db, offerId: number): Promise<OfferImage[]> {
  return db
    .selectFrom('offerImages')
    .select(['id', 'storageKey', 'altText', 'width', 'height', 'byteSize', 'originalName', 'position'])
    .where('offerId', '=', offerId)
    .orderBy('position')
    .orderBy('id')
    .execute()
}

/** The first image of each of these offers, in one query however many offers a page shows. */
export async function coverImages(db: Db, offerIds: readonly number[]): Promise<Map<number, CoverImage>> {
  if (offerIds.length === 0) return new Map()
  const rows = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('offerImages')
        .select([
          'offerId',
          'storageKey',
          'altText',
          'width',
          'height',
          sql<number>`row_number() over (partition by offer_id order by position, id)`.as('place'),
        ])
        .where('offerId', 'in', [...offerIds])
        .as('i'),
    )
    .select(['i.offerId', 'i.storageKey', 'i.altText', 'i.width', 'i.height'])
    .where('i.place', '=', 1)
    .execute()
  return new Map(rows.map(({ offerId, ...cover }) => [offerId, cover]))
}

/** A stored image file's bytes, or null when the name is not one of ours or no file has it. */
export async function readImageFile(uploadDir: string, fileName: string): Promise<Buffer | null> {
  if (!IMAGE_FILE_NAME.test(fileName)) return null
  try {
    return await fs.readFile(path.join(uploadDir, fileName))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

export function megabytes(bytes: number): string {
  const tenths = Math.ceil((bytes * 10) / (1024 * 1024))
  return `${Math.floor(tenths / 10)}${tenths % 10 ? `.${tenths % 10}` : ''} MB`
}
