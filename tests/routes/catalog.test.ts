import { beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import { loader as catalogLoader } from '../../app/routes/_index'
import { loader as offerLoader } from '../../app/routes/offers.$slug'
import { loader as organisationLoader } from '../../app/routes/organisations.$slug'
import { loader as notFoundLoader } from '../../app/routes/$'
import { loader as healthLoader } from '../../app/routes/healthz'
import { demoReferenceTime } from '../../db/seed/index'
import { atDemoTime, seededDb, useAsAppDb } from '../support/db'
import { nonEmpty } from '../support/lists'
import { loaderArgs, thrownStatus, unwrap } from '../support/remix'

const catalogPage = async (url: string, init?: RequestInit) =>
  unwrap(await catalogLoader({ ...loaderArgs(url), request: new Request(new URL(url, 'http://localhost'), init) })).catalog

let db: Database
beforeAll(async () => {
  db = await seededDb()
  useAsAppDb(db)
})
atDemoTime()

describe('catalog home', () => {
  it('lists the first page of offers with producer, legal form and both tier prices', async () => {
    const page = await catalogPage('/')
    expect(page.total).toBeGreaterThanOrEqual(200)
    expect(page.offers).toHaveLength(24)
    expect(page.page).toBe(1)
    expect(page.pageCount).toBe(Math.ceil(page.total / 24))
    for (const offer of page.offers) {
      expect(offer.producer.name).toBeTruthy()
      expect(offer.producer.legalForm).toBeTruthy()
      expect(offer.prices.forProfit.amount).toBeGreaterThanOrEqual(offer.prices.commoner.amount)
      if (offer.kind === 'commons') expect(offer.prices.commoner.amount).toBe(0)
    }
  })

  it('pages through every active offer exactly once', async () => {
    const first = await catalogPage('/')
    const seen = new Set<string>()
    for (let p = 1; p <= first.pageCount!; p++) {
      const page = await catalogPage(`/?page=${p}`)
      for (const o of page.offers) seen.add(o.slug)
    }
    expect(seen.size).toBe(first.total)
  })

  it('answers a page past the end with an empty, well-formed page', async () => {
    const page = await catalogPage('/?page=9999')
    expect(page.offers).toEqual([])
    expect(page.page).toBe(9999)
  })

  it.each(['abc', '0', '-3', '1.5', '99999999999', '0x2', '1e1'])('rejects page=%s with a 400 and a message', async (value) => {
    const { status, message } = await thrownStatus(() => catalogPage(`/?page=${value}`))
    expect(status).toBe(400)
    expect(String(message)).toMatch(/page/)
  })

  it.each(['0x10', '1e1', '5,5'])('reads minScore=%s as no number at all: a 400, not a filter at some other score', async (value) => {
    const { status, message } = await thrownStatus(() => catalogPage(`/?minScore=${value}`))
    expect(status).toBe(400)
    expect(String(message)).toMatch(/minScore/)
  })

  it('leaves archived and excluded offers out', async () => {
    const archived = await db.selectFrom('offers').select('slug').where('status', '=', 'archived').execute()
    expect(archived.length).toBeGreaterThan(0)
    const page = await catalogPage('/')
    const active = await db
      .selectFrom('offers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow()
    const excluded = await db
      .selectFrom('offers as o')
      .innerJoin('offerScores as s', 's.offerId', 'o.id')
      .select('o.slug')
      .where('o.status', '=', 'active')
      .where('s.exclusionReason', 'is not', null)
      .execute()
    expect(excluded.length).toBeGreaterThan(0)
    expect(page.total).toBe(active.n - excluded.length)
    const { status } = await thrownStatus(() => offerLoader(loaderArgs(`/offers/${archived[0]!.slug}`, { slug: archived[0]!.slug })))
    expect(status).toBe(404)
  })
})

describe('offer page', () => {
  it('shows a commons item free to commoners, with the access fee split that adds up', async () => {
    const { slug } = await db
      .selectFrom('offers')
      .select('slug')
      .where('kind', '=', 'commons')
      .where('status', '=', 'active')
      .orderBy('id')
      .executeTakeFirstOrThrow()
    const offer = await offerLoader(loaderArgs(`/offers/${slug}`, { slug }))
    expect(offer.prices.commoner.amount).toBe(0)
    expect(offer.prices.accessFee.amount).toBe(offer.prices.forProfit.amount)
    expect(offer.licence).not.toBeNull()
    expect(offer.accessFeeSplit.reduce((sum, s) => sum + s.amount.amount, 0)).toBe(offer.prices.accessFee.amount)
    expect(offer.commonsFund.name).toBeTruthy()
  })

  it('answers an unknown or malformed offer address with 404', async () => {
    expect((await thrownStatus(() => offerLoader(loaderArgs('/offers/no-such-offer', { slug: 'no-such-offer' })))).status).toBe(404)
    expect((await thrownStatus(() => offerLoader(loaderArgs('/offers/x', { slug: "'; drop table offers; --" })))).status).toBe(404)
    expect((await thrownStatus(() => offerLoader(loaderArgs('/offers/x', { slug: 'x'.repeat(5000) })))).status).toBe(404)
  })
})

describe('organisation page', () => {
  it('shows governance facts, evidence with expiry applied, and active offers', async () => {
    const { slug, id } = await db
      .selectFrom('organisations as org')
      .innerJoin('offers as o', 'o.organisationId', 'org.id')
      .select(['org.slug', 'org.id'])
      .where('o.status', '=', 'active')
      .orderBy('org.id')
      .executeTakeFirstOrThrow()
    const org = await organisationLoader(loaderArgs(`/organisations/${slug}`, { slug }))
    expect(org.slug).toBe(slug)
    expect(org.offers.length).toBeGreaterThan(0)
    const claims = await db.selectFrom('evidenceClaims').selectAll().where('organisationId', '=', id).where('offerId', 'is', null).execute()
    expect(org.evidence).toHaveLength(nonEmpty(claims, 'its claims').length)
  })

  it('shows expired evidence as self-declared', async () => {
    const expired = await db
      .selectFrom('evidenceClaims as e')
      .innerJoin('organisations as org', 'org.id', 'e.organisationId')
      .select(['org.slug', 'e.id'])
      .where('e.offerId', 'is', null)
      .where('e.expiresAt', '<', demoReferenceTime)
      .where('e.evidenceLevel', '!=', 'self_declared')
      .executeTakeFirstOrThrow()
    const org = await organisationLoader(loaderArgs(`/organisations/${expired.slug}`, { slug: expired.slug }))
    const line = org.evidence.find((e) => e.expired)
    expect(line).toMatchObject({ expired: true, evidenceLevel: 'self_declared' })
  })

  it('answers an unknown organisation with 404', async () => {
    expect((await thrownStatus(() => organisationLoader(loaderArgs('/organisations/nobody', { slug: 'nobody' })))).status).toBe(404)
  })
})

describe('other addresses', () => {
  it('answers any unknown address with 404', async () => {
    expect((await thrownStatus(() => notFoundLoader())).status).toBe(404)
  })

  it('reports health 200 while the database answers', async () => {
    const response = await healthLoader()
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok' })
  })
})
