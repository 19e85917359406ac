import fs from 'node:fs'
import path from 'node:path'
import sharp, { type Sharp } from 'sharp'
import { appErrorOf } from '../support/errors'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  addOfferImage,
  coverImages,
  imageFileName,
  listOfferImages,
  MAX_IMAGES_PER_OFFER,
  moveOfferImage,
  NOT_AN_IMAGE,
  readImageFile,
  removeOfferImage,
} from '../../app/modules/listings/images.server'
import { smallMarket, type SmallMarket } from '../support/market'
import { tempDir } from '../support/server'

let m: SmallMarket
let uploads: string
const actor = () => ({ personId: m.weaver.id, organisationId: m.weavers.id })

beforeEach(async () => {
  m = await smallMarket()
  uploads = path.join(tempDir('sm-images'), 'uploads')
})

const png = (width: number, height: number, colour = '#2f6f4f') =>
  sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer()
const upload = (bytes: Uint8Array, extra: Partial<{ fileName: string; altText: string }> = {}) => ({
  fileName: 'towel.png',
  altText: 'A folded linen towel',
  bytes,
  ...extra,
})
const filesOnDisk = () => (fs.existsSync(uploads) ? fs.readdirSync(uploads).sort() : [])

const problem = appErrorOf

describe('adding an image', () => {
  it('stores a 1600 px large and a 400 px thumbnail as WebP, and a row describing the large one', async () => {
    const image = await addOfferImage(m.db, actor(), m.towel.id, upload(await png(2400, 1200)), uploads)
    expect(image.storageKey).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(filesOnDisk()).toEqual([imageFileName(image.storageKey, 'large'), imageFileName(image.storageKey, 'thumb')].sort())
    const large = await sharp(path.join(uploads, imageFileName(image.storageKey, 'large'))).metadata()
    const thumb = await sharp(path.join(uploads, imageFileName(image.storageKey, 'thumb'))).metadata()
    expect([large.format, large.width, large.height]).toEqual(['webp', 1600, 800])
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 400, 200])
    const row = await m.db.selectFrom('offerImages').selectAll().where('id', '=', image.id).executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      offerId: m.towel.id,
      position: 0,
      width: 1600,
      height: 800,
      originalName: 'towel.png',
      altText: 'A folded linen towel',
      createdBy: m.weaver.id,
    })
    expect(row.byteSize).toBe(fs.statSync(path.join(uploads, imageFileName(image.storageKey, 'large'))).size)
  })

  it('never enlarges a small image, and turns a photo upright as the camera held it', async () => {
    const small = await addOfferImage(m.db, actor(), m.towel.id, upload(await png(300, 200)), uploads)
    expect((await sharp(path.join(uploads, imageFileName(small.storageKey, 'thumb'))).metadata()).width).toBe(300)
    expect((await sharp(path.join(uploads, imageFileName(small.storageKey, 'large'))).metadata()).width).toBe(300)
    // Stored 600×300 with "rotate 90°" in its EXIF: people see it 300×600.
    const sideways = await sharp({ create: { width: 600, height: 300, channels: 3, background: '#884422' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer()
    const upright = await addOfferImage(m.db, actor(), m.towel.id, upload(sideways, { fileName: 'photo.jpg' }), uploads)
    expect([upright.width, upright.height]).toEqual([300, 600])
    const stored = await sharp(path.join(uploads, imageFileName(upright.storageKey, 'large'))).metadata()
    expect([stored.width, stored.height, stored.orientation, stored.exif]).toEqual([300, 600, undefined, undefined])
  })

  it.each([
    ['JPEG', (b: Sharp) => b.jpeg()],
    ['WebP', (b: Sharp) => b.webp()],
    ['GIF', (b: Sharp) => b.gif()],
    ['AVIF', (b: Sharp) => b.avif()],
  ])('accepts %s', async (_, encode) => {
    const bytes = await encode(sharp({ create: { width: 64, height: 48, channels: 3, background: '#123456' } })).toBuffer()
    expect(await addOfferImage(m.db, actor(), m.towel.id, upload(bytes), uploads)).toMatchObject({ width: 64, height: 48 })
  })

  it.each([
    ['a text file named .png', async () => Buffer.from('This is not a picture, just words.\n')],
    ['an HTML page named .jpg', async () => Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>')],
    [
      'an SVG named .jpg',
      async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><script>alert(1)</script><rect width="40" height="40"/></svg>'),
    ],
    [
      'a TIFF',
      async () =>
        sharp({ create: { width: 40, height: 40, channels: 3, background: '#000' } })
          .tiff()
          .toBuffer(),
    ],
    [
      'a truncated PNG',
      async () =>
        (
          await sharp({ create: { width: 400, height: 400, channels: 3, background: '#fff' } })
            .png({ compressionLevel: 0 })
            .toBuffer()
        ).subarray(0, 2000),
    ],
  ])('refuses %s and stores nothing', async (_, bytes) => {
    const error = await problem(async () => addOfferImage(m.db, actor(), m.towel.id, upload(await bytes()), uploads))
    expect(error).toMatchObject({ code: 'invalid_input', details: { image: NOT_AN_IMAGE } })
    expect(NOT_AN_IMAGE).toBe('This file is not an image we can use (JPEG, PNG, WebP, GIF or AVIF).')
    expect(filesOnDisk()).toEqual([])
    expect(await listOfferImages(m.db, m.towel.id)).toEqual([])
  })

  it('refuses an image wider than 8000 pixels, one over 8 MB, an empty file and a missing description', async () => {
    const wide = await problem(async () => addOfferImage(m.db, actor(), m.towel.id, upload(await png(8001, 10)), uploads))
    expect(wide.details?.image).toBe('This image is 8001×10 pixels; images may be at most 8000×8000.')
    const heavy = await problem(() => addOfferImage(m.db, actor(), m.towel.id, upload(new Uint8Array(8 * 1024 * 1024 + 1)), uploads))
    expect(heavy.details?.image).toBe('This image is 8.1 MB; images may be at most 8 MB.')
    expect((await problem(() => addOfferImage(m.db, actor(), m.towel.id, upload(new Uint8Array(0)), uploads))).details?.image).toBe(
      'Choose an image file to upload.',
    )
    const bare = await problem(async () => addOfferImage(m.db, actor(), m.towel.id, upload(await png(20, 20), { altText: '   ' }), uploads))
    expect(bare.details?.altText).toMatch(/Describe the image/)
    expect(filesOnDisk()).toEqual([])
  })

  it(`keeps a listing to ${MAX_IMAGES_PER_OFFER} images, even when uploads race`, async () => {
    const bytes = await png(40, 30)
    const results = await Promise.allSettled(
      Array.from({ length: MAX_IMAGES_PER_OFFER + 3 }, () => addOfferImage(m.db, actor(), m.towel.id, upload(bytes), uploads)),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(MAX_IMAGES_PER_OFFER)
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'conflict', details: { image: expect.stringMatching(/at most 8 images/) } })
    expect(await listOfferImages(m.db, m.towel.id)).toHaveLength(MAX_IMAGES_PER_OFFER)
    // the refused uploads left no files behind
    expect(filesOnDisk()).toHaveLength(MAX_IMAGES_PER_OFFER * 2)
  })

  it('only members of the producer add, move or remove images', async () => {
    const bytes = await png(40, 30)
    const outsider = { personId: m.designer.id, organisationId: m.weavers.id }
    expect((await problem(() => addOfferImage(m.db, outsider, m.towel.id, upload(bytes), uploads))).code).toBe('forbidden')
    const ownOrg = { personId: m.designer.id, organisationId: m.designers.id }
    expect((await problem(() => addOfferImage(m.db, ownOrg, m.towel.id, upload(bytes), uploads))).code).toBe('not_found')
    const image = await addOfferImage(m.db, actor(), m.towel.id, upload(bytes), uploads)
    expect((await problem(() => removeOfferImage(m.db, outsider, m.towel.id, image.id, uploads))).code).toBe('forbidden')
    expect((await problem(() => moveOfferImage(m.db, outsider, m.towel.id, image.id, 'later'))).code).toBe('forbidden')
    // an image of another listing cannot be reached through this one
    expect((await problem(() => removeOfferImage(m.db, actor(), m.blanket.id, image.id, uploads))).code).toBe('not_found')
    expect(filesOnDisk()).toHaveLength(2)
  })
})

describe('removing and ordering images', () => {
  it('removes the row and both files', async () => {
    const keep = await addOfferImage(m.db, actor(), m.towel.id, upload(await png(50, 50)), uploads)
    const gone = await addOfferImage(m.db, actor(), m.towel.id, upload(await png(60, 60)), uploads)
    await removeOfferImage(m.db, actor(), m.towel.id, gone.id, uploads)
    expect(filesOnDisk()).toEqual([imageFileName(keep.storageKey, 'large'), imageFileName(keep.storageKey, 'thumb')].sort())
    expect((await listOfferImages(m.db, m.towel.id)).map((i) => i.id)).toEqual([keep.id])
    expect((await problem(() => removeOfferImage(m.db, actor(), m.towel.id, gone.id, uploads))).code).toBe('not_found')
  })

  it('moves an image earlier or later; the first is each offer’s cover, fetched for many offers at once', async () => {
    const add = async (altText: string) => addOfferImage(m.db, actor(), m.towel.id, upload(await png(10, 10), { altText }), uploads)
    const a = await add('a')
    await add('b')
    const c = await add('c')
    await moveOfferImage(m.db, actor(), m.towel.id, c.id, 'earlier')
    await moveOfferImage(m.db, actor(), m.towel.id, c.id, 'earlier')
    await moveOfferImage(m.db, actor(), m.towel.id, c.id, 'earlier') // already first: nothing moves
    await moveOfferImage(m.db, actor(), m.towel.id, a.id, 'later')
    expect((await listOfferImages(m.db, m.towel.id)).map((i) => i.altText)).toEqual(['c', 'b', 'a'])
    await addOfferImage(m.db, actor(), m.blanket.id, upload(await png(10, 10), { altText: 'blanket' }), uploads)
    const covers = await coverImages(m.db, [m.towel.id, m.blanket.id, m.beehive.id])
    expect([...covers.entries()].map(([id, cover]) => [id, cover.altText]).sort()).toEqual(
      [
        [m.towel.id, 'c'],
        [m.blanket.id, 'blanket'],
      ].sort(),
    )
  })

  it('reads stored files by their exact name only', async () => {
    const image = await addOfferImage(m.db, actor(), m.towel.id, upload(await png(10, 10)), uploads)
    expect((await readImageFile(uploads, imageFileName(image.storageKey, 'thumb')))?.subarray(8, 12).toString()).toBe('WEBP')
    fs.writeFileSync(path.join(uploads, 'secret.txt'), 'nope')
    for (const name of ['secret.txt', '../secret.txt', `${image.storageKey}-thumb.png`, `${image.storageKey}-huge.webp`, `${'A'.repeat(24)}-thumb.webp`]) {
      expect(await readImageFile(uploads, name)).toBeNull()
    }
  })
})
