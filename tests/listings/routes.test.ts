import fs from 'node:fs'
import sharp from 'sharp'
import { beforeEach, describe, expect, it } from 'vitest'
import * as catalog from '../../app/routes/_index'
import * as images from '../../app/routes/images.$key'
import * as offerPage from '../../app/routes/offers.$slug'
import * as edit from '../../app/routes/organisations.$slug_.listings.$offerId'
import * as index from '../../app/routes/organisations.$slug_.listings._index'
import * as newListing from '../../app/routes/organisations.$slug_.listings.new'
import { pricePreview } from '../../app/components/listing-form'
import { createListing } from '../../app/modules/listings/listings.server'
import { useAccountsTestEnv } from '../support/accounts'
import { request, sessionCookieFor, statusOf } from '../support/auth'
import { rowCount, useAsAppDb } from '../support/db'
import { smallMarket, type SmallMarket } from '../support/market'
import { tempDir } from '../support/server'
import type { DB } from '../../db/schema'

useAccountsTestEnv()
// Read once, on the app's first use of its configuration: set before any test runs.
const uploads = tempDir('sm-listing-uploads')
process.env.UPLOAD_DIR = uploads

let m: SmallMarket
let cookies: { weaver: string; designer: string; buyer: string }

const args = (url: string, params: Record<string, string> = {}, opts: Parameters<typeof request>[1] = {}) => ({
  request: request(url, opts),
  params,
  context: {},
})
const weavers = { slug: 'weavers' }
const at = (offerId: number) => ({ slug: 'weavers', offerId: String(offerId) })
const editUrl = (offerId: number) => `/organisations/weavers/listings/${offerId}`

/** A form as a browser posts it with a file in it (multipart/form-data). */
function upload(url: string, cookie: string | undefined, fields: Record<string, string | File>) {
  const body = new FormData()
  for (const [key, value] of Object.entries(fields)) body.append(key, value)
  return {
    request: new Request(new URL(url, 'http://localhost'), { method: 'POST', headers: cookie ? { Cookie: cookie } : {}, body }),
    params: {},
    context: {},
  }
}
const uploadTo = (offerId: number, cookie: string | undefined, fields: Record<string, string | File>) => ({
  ...upload(editUrl(offerId), cookie, fields),
  params: at(offerId),
})
const pngFile = async (name = 'towel.png', width = 1200, height = 800) =>
  new File(
    [
      new Uint8Array(
        await sharp({ create: { width, height, channels: 3, background: '#3a7d5c' } })
          .png()
          .toBuffer(),
      ),
    ],
    name,
    { type: 'image/png' },
  )

const good = {
  intent: 'save',
  kind: 'good',
  title: 'Hemp rope, 10 m',
  description: 'Braided by hand.',
  category: 'designs',
  licence: '',
  unit: 'coil',
  delivery: 'shipping',
  stock: '12',
  commonerPrice: '9',
  forProfitPrice: '13.00',
  producerPercent: '45',
  commonsFundPercent: '45',
  infrastructurePercent: '10',
  commonsFund: 'open-design-fund',
}
const commons = {
  ...good,
  kind: 'commons',
  title: 'Loom plans',
  licence: 'CC-BY-SA-4.0',
  unit: 'download',
  delivery: 'download',
  stock: '',
  commonerPrice: '0',
  forProfitPrice: '25',
  producerPercent: '0',
  commonsFundPercent: '90',
}

const count = (table: keyof DB) => rowCount(m.db, table)
const towel = () => m.db.selectFrom('offers').selectAll().where('id', '=', m.towel.id).executeTakeFirstOrThrow()
const filesOnDisk = () => fs.readdirSync(uploads)
const post = (offerId: number, cookie: string, form: Record<string, string>) =>
  statusOf(() => edit.action(args(editUrl(offerId), at(offerId), { cookie, form })))
const create = async (form: Record<string, string>) =>
  statusOf(() => newListing.action(args('/organisations/weavers/listings/new', weavers, { cookie: cookies.weaver, form })))
const createdId = (location: string | null) => Number(/\/listings\/(\d+)\?notice=listed$/.exec(location ?? '')?.[1])

beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
  cookies = { weaver: await sessionCookieFor(m.weaver.id), designer: await sessionCookieFor(m.designer.id), buyer: await sessionCookieFor(m.buyer.id) }
})

describe('anonymous visitors are sent to log in', () => {
  it.each([
    ['the listings page', () => index.loader(args('/organisations/weavers/listings', weavers))],
    ['the new-listing form', () => newListing.loader(args('/organisations/weavers/listings/new', weavers))],
    ['listing something', () => newListing.action(args('/organisations/weavers/listings/new', weavers, { form: good }))],
    ['the edit page', () => edit.loader(args('/organisations/weavers/listings/1', at(1)))],
    ['saving an edit', () => edit.action(args('/organisations/weavers/listings/1', at(1), { form: { ...good, intent: 'archive' } }))],
    ['uploading an image', async () => edit.action(uploadTo(1, undefined, { intent: 'image-add', altText: 'x', image: await pngFile() }))],
  ])('%s', async (_, run) => {
    const { status, location } = await statusOf(run)
    expect(status).toBe(302)
    expect(location).toMatch(/^\/login\?redirectTo=%2Forganisations%2Fweavers%2Flistings/)
  })
})

describe('a member of another organisation gets a 403 and nothing is written', () => {
  it('cannot see the listings, the form or a listing', async () => {
    expect((await statusOf(() => index.loader(args('/organisations/weavers/listings', weavers, { cookie: cookies.designer })))).status).toBe(403)
    expect((await statusOf(() => newListing.loader(args('/organisations/weavers/listings/new', weavers, { cookie: cookies.designer })))).status).toBe(403)
    expect((await statusOf(() => edit.loader(args(editUrl(m.towel.id), at(m.towel.id), { cookie: cookies.designer })))).status).toBe(403)
    // nor reach it through an organisation they do belong to
    const own = { slug: 'open-designers', offerId: String(m.towel.id) }
    expect((await statusOf(() => edit.loader(args(`/organisations/open-designers/listings/${m.towel.id}`, own, { cookie: cookies.designer })))).status).toBe(
      404,
    )
    expect(
      (
        await statusOf(() =>
          edit.action(args(`/organisations/open-designers/listings/${m.towel.id}`, own, { cookie: cookies.designer, form: { intent: 'archive' } })),
        )
      ).status,
    ).toBe(404)
  })

  it('cannot list, edit, archive, restock, share a resource or upload an image', async () => {
    const before = { offers: await count('offers'), towel: await towel(), adjustments: await count('stockAdjustments') }
    expect(
      (await statusOf(() => newListing.action(args('/organisations/weavers/listings/new', weavers, { cookie: cookies.designer, form: good })))).status,
    ).toBe(403)
    for (const form of <Record<string, string>[]>[
      { ...good, title: 'Taken over' },
      { ...good, intent: 'preview' },
      { intent: 'archive' },
      { intent: 'stock', delta: '-5', reason: 'damaged' },
      { intent: 'resource-link', url: 'https://example.org/plans' },
      { intent: 'image-remove', imageId: '1' },
    ]) {
      expect((await post(m.towel.id, cookies.designer, form)).status).toBe(403)
    }
    const image = await statusOf(async () =>
      edit.action(uploadTo(m.towel.id, cookies.designer, { intent: 'image-add', altText: 'Mine now', image: await pngFile() })),
    )
    expect(image.status).toBe(403)
    expect(await count('offers')).toBe(before.offers)
    expect(await towel()).toEqual(before.towel)
    expect(await count('stockAdjustments')).toBe(before.adjustments)
    expect(await count('offerImages')).toBe(0)
    expect(await count('commonsResources')).toBe(0)
  })
})

describe('the listings page', () => {
  it('lists the organisation’s listings with their prices, stock and score, 24 a page, filtered and searched', async () => {
    for (let i = 1; i <= 25; i++)
      await createListing(
        m.db,
        { personId: m.weaver.id, organisationId: m.weavers.id },
        { ...good, title: `Rope number ${i}`, commonerPrice: '900', forProfitPrice: '1300' },
      )
    const first = await statusOf(() => index.loader(args('/organisations/weavers/listings', weavers, { cookie: cookies.weaver })))
    expect(first.status).toBe(200)
    const page = first.body as Awaited<ReturnType<typeof index.loader>>
    expect(page).toMatchObject({ total: 27, page: 1, pageCount: 2, organisation: { name: 'Weavers Co-op' } })
    expect(page.listings).toHaveLength(24)
    expect(page.listings[0]).toMatchObject({
      title: 'Rope number 25',
      kind: 'good',
      status: 'active',
      stock: 12,
      listed: true,
      prices: { commoner: { amount: 900 }, forProfit: { amount: 1300 } },
    })
    expect(page.listings[0]!.score).toEqual(expect.any(Number))
    const second = (await index.loader(args('/organisations/weavers/listings?page=2', weavers, { cookie: cookies.weaver }))) as typeof page
    expect(second.listings.map((l) => l.title)).toEqual(['Rope number 1', 'Wool blanket', 'Linen tea towel'])

    const search = (await index.loader(args('/organisations/weavers/listings?q=BLANK', weavers, { cookie: cookies.weaver }))) as typeof page
    expect(search.listings.map((l) => l.title)).toEqual(['Wool blanket'])
    // search text is text, not a LIKE pattern
    expect(((await index.loader(args('/organisations/weavers/listings?q=%25', weavers, { cookie: cookies.weaver }))) as typeof page).total).toBe(0)

    await post(m.blanket.id, cookies.weaver, { intent: 'archive' })
    const archived = (await index.loader(args('/organisations/weavers/listings?status=archived', weavers, { cookie: cookies.weaver }))) as typeof page
    expect(archived.listings.map((l) => [l.title, l.status, l.listed])).toEqual([['Wool blanket', 'archived', false]])
    expect(((await index.loader(args('/organisations/weavers/listings?status=all', weavers, { cookie: cookies.weaver }))) as typeof page).total).toBe(27)
    expect(((await index.loader(args('/organisations/weavers/listings', weavers, { cookie: cookies.weaver }))) as typeof page).total).toBe(26)
    expect((await statusOf(() => index.loader(args('/organisations/weavers/listings?status=sold', weavers, { cookie: cookies.weaver })))).status).toBe(400)
  })

  it('is empty for an organisation with nothing listed yet', async () => {
    const page = (await index.loader(args('/organisations/acme/listings', { slug: 'acme' }, { cookie: cookies.buyer }))) as Awaited<
      ReturnType<typeof index.loader>
    >
    expect(page).toMatchObject({ total: 0, listings: [] })
  })
})

describe('listing something new', () => {
  it('offers every licence, category and commons fund; lists a good and lands on its page with its score', async () => {
    const form = (await newListing.loader(args('/organisations/weavers/listings/new', weavers, { cookie: cookies.weaver }))) as Awaited<
      ReturnType<typeof newListing.loader>
    >
    expect(form.options.licences).toEqual([expect.objectContaining({ code: 'CC-BY-SA-4.0', openness: 'copyleft' })])
    expect(form.options.funds.map((f) => f.slug)).toEqual(['open-design-fund'])
    expect(form.values).toMatchObject({ kind: 'good', producerPercent: '45', commonsFundPercent: '45', infrastructurePercent: '10' })

    const res = await create(good)
    expect(res.status).toBe(302)
    const id = createdId(res.location)
    const row = await m.db.selectFrom('offers').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      title: 'Hemp rope, 10 m',
      stock: 12,
      commonerPrice: 900,
      forProfitPrice: 1300,
      accessFeeProducerBp: 4500,
      accessFeeCommonsFundBp: 4500,
      accessFeeInfrastructureBp: 1000,
    })
    const page = (await edit.loader(args(`${editUrl(id)}?notice=listed`, at(id), { cookie: cookies.weaver }))) as Awaited<ReturnType<typeof edit.loader>>
    expect(page.score).toMatchObject({ score: expect.any(Number), listed: true })
    expect(page.score!.criteria.length).toBeGreaterThan(0)
    expect(page.fields).toMatchObject({ commonerPrice: 900, forProfitPrice: 1300, category: 'designs', commonsFund: 'open-design-fund' })
    expect(page.stockHistory).toMatchObject([{ delta: 12, reason: 'listed' }])
  })

  it('lists a commons item with a licence, free to commoners, with shares typed as percentages', async () => {
    const res = await create({ ...commons, producerPercent: '12.5', commonsFundPercent: '75', infrastructurePercent: '12.5' })
    expect(res.status).toBe(302)
    const row = await m.db.selectFrom('offers').selectAll().where('id', '=', createdId(res.location)).executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      kind: 'commons',
      licenceCode: 'CC-BY-SA-4.0',
      stock: null,
      commonerPrice: 0,
      forProfitPrice: 2500,
      accessFeeProducerBp: 1250,
      accessFeeCommonsFundBp: 7500,
      accessFeeInfrastructureBp: 1250,
    })
  })

  it.each([
    ['an amount with three decimals', { commonerPrice: '12.345' }, 'commonerPrice', /at most 2 decimals/],
    ['an amount that is not one', { forProfitPrice: 'thirteen' }, 'forProfitPrice', /Enter an amount such as 12 or 12.50/],
    ['a negative price', { commonerPrice: '-9' }, 'commonerPrice', /Enter an amount/],
    ['a for-profit price below the commoner price', { forProfitPrice: '8.99' }, 'forProfitPrice', /never be below the commoner price/],
    ['a commons item with a commoner price', { ...commons, commonerPrice: '5' }, 'commonerPrice', /must be 0/],
    ['a commons item without a licence', { ...commons, licence: '' }, 'licence', /needs a licence/],
    ['negative stock', { stock: '-1' }, 'stock', /cannot be negative/],
    ['a fractional stock', { stock: '2.5' }, 'stock', /whole number/],
    [
      'a fund share under the community’s bound',
      { producerPercent: '80', commonsFundPercent: '10', infrastructurePercent: '10' },
      'commonsFundBp',
      /At least 25%/,
    ],
    ['shares that do not add up', { producerPercent: '50', commonsFundPercent: '45' }, 'commonsFundBp', /add up to 100%/],
    ['a share that is not a percentage', { producerPercent: 'half' }, 'producerPercent', /percentage/],
    ['an unknown fund', { commonsFund: 'nope' }, 'commonsFund', /no commons fund/],
    ['a title too short', { title: 'ab' }, 'title', /at least 3/],
  ])('refuses %s with a message beside the field, keeps what was typed, and writes nothing', async (_, change, field, message) => {
    const before = await count('offers')
    const res = await create({ ...good, ...change })
    expect(res.status).toBe(400)
    const reply = res.body as { fieldErrors: Record<string, string>; values: Record<string, string> }
    expect(reply.fieldErrors[field]).toMatch(message)
    expect(reply.values).toMatchObject(change)
    expect(await count('offers')).toBe(before)
  })

  it('a bad amount is explained together with the other fields’ problems', async () => {
    const res = await create({ ...good, commonerPrice: '12.345', title: '', stock: '-4' })
    expect((res.body as { fieldErrors: Record<string, string> }).fieldErrors).toMatchObject({
      commonerPrice: expect.stringMatching(/decimals/),
      title: expect.any(String),
      stock: expect.stringMatching(/negative/),
    })
    const both = await create({ ...commons, licence: '', forProfitPrice: '12.345', producerPercent: '80', commonsFundPercent: '10' })
    expect((both.body as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({
      forProfitPrice: expect.stringMatching(/decimals/),
      licence: 'A commons item needs a licence.',
      commonsFundBp: 'At least 25% of the access fee goes to the commons fund.',
    })
  })

  it('previews without saving: the same form comes back, priced by the server, for browsers without JavaScript', async () => {
    const before = await count('offers')
    const res = await create({ ...good, intent: 'preview' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ fieldErrors: {}, values: { intent: 'preview', commonerPrice: '9', forProfitPrice: '13.00' } })
    expect(await count('offers')).toBe(before)
    const preview = await create({ ...good, intent: 'preview', commonerPrice: '12.345' })
    expect(preview.status).toBe(200)
    expect((preview.body as { fieldErrors: Record<string, string> }).fieldErrors.commonerPrice).toMatch(/decimals/)
  })
})

describe('the price preview', () => {
  it('shows what each class pays and where the access fee goes, to the cent', () => {
    const preview = pricePreview({ ...good, commonerPrice: '9', forProfitPrice: '13.01' }, 'EUR')
    expect(preview).toMatchObject({
      ok: true,
      commoner: { lineTotal: 900, producerAmount: 900, commonsFundAmount: 0, infrastructureAmount: 0 },
      // 4.01 of access fee: 1.81 (the odd cent) producer, 1.80 fund, 0.40 infrastructure
      forProfit: { lineTotal: 1301, accessFee: 401, producerAmount: 1081, commonsFundAmount: 180, infrastructureAmount: 40 },
    })
    expect(pricePreview({ ...commons }, 'EUR')).toMatchObject({
      ok: true,
      commoner: { lineTotal: 0 },
      forProfit: { lineTotal: 2500, producerAmount: 0, commonsFundAmount: 2250, infrastructureAmount: 250 },
    })
    expect(pricePreview({ ...good, forProfitPrice: '8' }, 'EUR')).toEqual({
      ok: false,
      problems: ['The for-profit price can never be below the commoner price.'],
    })
    expect(pricePreview({ ...good, forProfitPrice: '' }, 'EUR')).toMatchObject({ ok: false })
  })
})

describe('editing a listing', () => {
  it('saves changes and rescores; archives and re-lists', async () => {
    const res = await post(m.towel.id, cookies.weaver, { ...good, title: 'Linen tea towel, large', commonerPrice: '14', forProfitPrice: '20.50' })
    expect(res).toMatchObject({ status: 302, location: `${editUrl(m.towel.id)}?notice=saved` })
    // stock changes only through the stock form, with a reason
    expect(await towel()).toMatchObject({ title: 'Linen tea towel, large', commonerPrice: 1400, forProfitPrice: 2050, stock: 5 })
    const refused = await post(m.towel.id, cookies.weaver, { ...good, forProfitPrice: '1' })
    expect(refused.status).toBe(400)
    expect((await towel()).forProfitPrice).toBe(2050)

    expect((await post(m.towel.id, cookies.weaver, { intent: 'archive' })).location).toBe(`${editUrl(m.towel.id)}?notice=archived`)
    expect((await towel()).status).toBe('archived')
    expect((await statusOf(() => offerPage.loader(args('/offers/towel', { slug: 'towel' })))).status).toBe(404)
    expect((await post(m.towel.id, cookies.weaver, { intent: 'relist' })).location).toBe(`${editUrl(m.towel.id)}?notice=relisted`)
    expect((await towel()).status).toBe('active')
    expect((await post(m.towel.id, cookies.weaver, { intent: 'launch' })).status).toBe(400)
  })

  it('sets, refuses and clears a cap on what one person buys for personal use', async () => {
    expect((await post(m.towel.id, cookies.weaver, { ...good, personalUseCap: '2' })).status).toBe(302)
    expect((await towel()).personalUseCap).toBe(2)
    for (const bad of ['0', '-1', '1.5', 'two', '1000']) {
      const refused = await post(m.towel.id, cookies.weaver, { ...good, title: 'Changed', personalUseCap: bad })
      expect(refused.status).toBe(400)
      expect(JSON.stringify(refused.body)).toMatch(/cap per person/)
    }
    expect(await towel()).toMatchObject({ title: 'Hemp rope, 10 m', personalUseCap: 2 })
    // a form that leaves the field out keeps the cap; an empty field clears it
    expect((await post(m.towel.id, cookies.weaver, good)).status).toBe(302)
    expect((await towel()).personalUseCap).toBe(2)
    expect((await post(m.towel.id, cookies.weaver, { ...good, personalUseCap: '' })).status).toBe(302)
    expect((await towel()).personalUseCap).toBeNull()
    const created = await create({ ...good, personalUseCap: '3' })
    expect(
      (await m.db.selectFrom('offers').select('personalUseCap').where('id', '=', createdId(created.location)).executeTakeFirstOrThrow()).personalUseCap,
    ).toBe(3)
  })

  it('adjusts stock with a reason, never below zero, and shows the history', async () => {
    expect((await post(m.towel.id, cookies.weaver, { intent: 'stock', delta: '-3', reason: 'damaged', note: 'Moth holes' })).location).toBe(
      `${editUrl(m.towel.id)}?notice=stock#stock`,
    )
    expect((await towel()).stock).toBe(2)
    const below = await post(m.towel.id, cookies.weaver, { intent: 'stock', delta: '-3', reason: 'correction' })
    expect(below.status).toBe(409)
    expect((below.body as { fieldErrors: Record<string, string> }).fieldErrors.delta).toBe('At most 2 can be taken away.')
    expect((await post(m.towel.id, cookies.weaver, { intent: 'stock', delta: 'lots', reason: 'restock' })).status).toBe(400)
    const page = (await edit.loader(args(editUrl(m.towel.id), at(m.towel.id), { cookie: cookies.weaver }))) as Awaited<ReturnType<typeof edit.loader>>
    expect(page.stockHistory).toMatchObject([{ delta: -3, stockAfter: 2, reason: 'damaged', note: 'Moth holes', by: 'Giulia Weaver' }])
  })

  it('shares a commons item’s resource as a file of at most 20 MB or an http(s) link', async () => {
    const id = createdId((await create(commons)).location)
    expect((await post(id, cookies.weaver, { intent: 'resource-link', url: 'https://example.org/loom-plans' })).status).toBe(302)
    expect(await m.db.selectFrom('commonsResources').select(['kind', 'url']).where('offerId', '=', id).executeTakeFirstOrThrow()).toEqual({
      kind: 'link',
      url: 'https://example.org/loom-plans',
    })
    for (const url of ['javascript:alert(1)', 'ftp://example.org/plans', 'data:text/html,hi', 'example.org']) {
      const res = await post(id, cookies.weaver, { intent: 'resource-link', url })
      expect(res.status).toBe(400)
      expect((res.body as { fieldErrors: Record<string, string> }).fieldErrors.url).toMatch(/https:\/\//)
    }
    const file = new File(['# Loom plans\n'], 'loom-plans.md', { type: 'text/markdown' })
    expect((await statusOf(() => edit.action(uploadTo(id, cookies.weaver, { intent: 'resource-file', file })))).location).toBe(
      `${editUrl(id)}?notice=resource#resource`,
    )
    const stored = await m.db.selectFrom('commonsResources').selectAll().where('offerId', '=', id).executeTakeFirstOrThrow()
    expect(stored).toMatchObject({ kind: 'file', url: null, fileName: 'loom-plans.md', contentType: 'text/markdown', byteSize: 13 })
    expect(Buffer.from(stored.content!).toString()).toBe('# Loom plans\n')
    const page = (await edit.loader(args(editUrl(id), at(id), { cookie: cookies.weaver }))) as Awaited<ReturnType<typeof edit.loader>>
    expect(page.resource).toMatchObject({ kind: 'file', fileName: 'loom-plans.md', byteSize: 13 })
    expect(page.resource).not.toHaveProperty('content')

    const huge = new File([new Uint8Array(20 * 1024 * 1024 + 1)], 'huge.bin')
    const tooLarge = await statusOf(() => edit.action(uploadTo(id, cookies.weaver, { intent: 'resource-file', file: huge })))
    expect(tooLarge.status).toBe(413)
    expect((tooLarge.body as { fieldErrors: Record<string, string> }).fieldErrors.file).toMatch(/larger than 20 MB/)
    // a good has no resource
    expect((await post(m.towel.id, cookies.weaver, { intent: 'resource-link', url: 'https://example.org' })).status).toBe(400)
  })
})

describe('images through the edit page', () => {
  const addImage = async (offerId: number, image: File, altText = 'A folded linen towel') =>
    statusOf(() => edit.action(uploadTo(offerId, cookies.weaver, { intent: 'image-add', altText, image })))

  it('uploads an image, serves it, and shows it on the catalog card and the offer page', async () => {
    const res = await addImage(m.towel.id, await pngFile())
    expect(res).toMatchObject({ status: 302, location: `${editUrl(m.towel.id)}?notice=image-added#images` })
    const page = (await edit.loader(args(editUrl(m.towel.id), at(m.towel.id), { cookie: cookies.weaver }))) as Awaited<ReturnType<typeof edit.loader>>
    expect(page.images).toMatchObject([{ altText: 'A folded linen towel', width: 1200, height: 800, originalName: 'towel.png' }])
    const key = page.images[0]!.storageKey

    for (const variant of ['thumb', 'large']) {
      const served = (await images.loader(args(`/images/${key}-${variant}.webp`, { key: `${key}-${variant}.webp` }))) as Response
      expect(served.status).toBe(200)
      expect(Object.fromEntries(served.headers)).toMatchObject({
        'content-type': 'image/webp',
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      })
      expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width).toBe(variant === 'thumb' ? 400 : 1200)
    }
    for (const bad of [`${'A'.repeat(24)}-thumb.webp`, `${key}-thumb.png`, '..%2F..%2Fetc%2Fpasswd', `${key}-original.webp`]) {
      expect((await statusOf(() => images.loader(args(`/images/${bad}`, { key: bad })))).status).toBe(404)
    }

    const cards = (await statusOf(() => catalog.loader(args('/?q=linen')))).body as { catalog: { offers: { slug: string; image: unknown }[] } }
    expect(cards.catalog.offers.find((o) => o.slug === 'towel')?.image).toMatchObject({ storageKey: key, altText: 'A folded linen towel' })
    expect(cards.catalog.offers.find((o) => o.slug === 'blanket')?.image ?? null).toBeNull()
    const offer = (await offerPage.loader(args('/offers/towel', { slug: 'towel' }))) as Awaited<ReturnType<typeof offerPage.loader>>
    expect(offer.images).toMatchObject([{ storageKey: key }])

    const removed = await statusOf(() =>
      edit.action(args(editUrl(m.towel.id), at(m.towel.id), { cookie: cookies.weaver, form: { intent: 'image-remove', imageId: String(page.images[0]!.id) } })),
    )
    expect(removed.location).toBe(`${editUrl(m.towel.id)}?notice=image-removed#images`)
    expect(filesOnDisk().filter((f) => f.startsWith(key))).toEqual([])
    expect((await statusOf(() => images.loader(args(`/images/${key}-thumb.webp`, { key: `${key}-thumb.webp` })))).status).toBe(404)
  })

  it('refuses a text file named .png, an oversized upload and a missing description with a message, storing nothing', async () => {
    const fake = new File(['just some words, not a picture'], 'photo.png', { type: 'image/png' })
    const notImage = await addImage(m.towel.id, fake)
    expect(notImage.status).toBe(400)
    expect((notImage.body as { fieldErrors: Record<string, string> }).fieldErrors.image).toBe(
      'This file is not an image we can use (JPEG, PNG, WebP, GIF or AVIF).',
    )

    const svg = new File(['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'], 'photo.jpg', { type: 'image/jpeg' })
    expect(((await addImage(m.towel.id, svg)).body as { fieldErrors: Record<string, string> }).fieldErrors.image).toMatch(/not an image we can use/)

    const huge = new File([new Uint8Array(9 * 1024 * 1024)], 'huge.png', { type: 'image/png' })
    const tooLarge = await addImage(m.towel.id, huge)
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.body).toMatchObject({
      fieldErrors: { image: 'This image is larger than 8 MB; choose a smaller one.' },
      values: { intent: 'image-add', altText: 'A folded linen towel' },
    })

    const undescribed = await addImage(m.towel.id, await pngFile(), '')
    expect(undescribed.status).toBe(400)
    expect((undescribed.body as { fieldErrors: Record<string, string> }).fieldErrors.altText).toMatch(/Describe the image/)
    expect(await count('offerImages')).toBe(0)
  })

  it('refuses a body larger than any upload before reading it, and a form that is not one', async () => {
    const res = await statusOf(() =>
      edit.action({
        request: new Request(new URL(editUrl(m.towel.id), 'http://localhost'), {
          method: 'POST',
          headers: { Cookie: cookies.weaver, 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(50 * 1024 * 1024) },
          body: 'x',
        }),
        params: at(m.towel.id),
        context: {},
      }),
    )
    expect(res.status).toBe(413)
    // Sent without a length (chunked), it is counted as it arrives and refused past the limit.
    const chunk = new Uint8Array(1024 * 1024).fill(65)
    let sent = 0
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('--x\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n'))
        if (++sent > 40) controller.close()
        else controller.enqueue(chunk)
      },
    })
    const chunked = await statusOf(() =>
      edit.action({
        request: new Request(new URL(editUrl(m.towel.id), 'http://localhost'), {
          method: 'POST',
          headers: { Cookie: cookies.weaver, 'Content-Type': 'multipart/form-data; boundary=x' },
          body: endless,
          duplex: 'half',
        } as RequestInit),
        params: at(m.towel.id),
        context: {},
      }),
    )
    expect(chunked.status).toBe(413)
    expect(sent).toBeLessThan(30)
    const garbled = await statusOf(() =>
      edit.action({
        request: new Request(new URL(editUrl(m.towel.id), 'http://localhost'), {
          method: 'POST',
          headers: { Cookie: cookies.weaver, 'Content-Type': 'multipart/form-data' },
          body: 'not multipart',
        }),
        params: at(m.towel.id),
        context: {},
      }),
    )
    expect(garbled.status).toBe(400)
  })

  it('keeps a listing to 8 images', async () => {
    const image = await pngFile('small.png', 40, 30)
    for (let i = 0; i < 8; i++) expect((await addImage(m.towel.id, image)).status).toBe(302)
    const ninth = await addImage(m.towel.id, image)
    expect(ninth.status).toBe(409)
    expect((ninth.body as { fieldErrors: Record<string, string> }).fieldErrors.image).toMatch(/at most 8 images/)
    expect(await count('offerImages')).toBe(8)
  })
})
