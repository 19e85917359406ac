import { beforeAll, describe, expect, it } from 'vitest'
import { renderToStaticMarkup } from 'react-dom/server'
import type { Database } from '../../db/connection'
import { loader as offerLoader } from '../../app/routes/offers.$slug'
import { loader as organisationLoader } from '../../app/routes/organisations.$slug'
import { JsonLd } from '../../app/components/json-ld'
import { seededDb, useAsAppDb } from '../support/db'
import { loaderArgs } from '../support/remix'

let db: Database
beforeAll(async () => {
  db = await seededDb()
  useAsAppDb(db)
})

/** What a reader of the page gets: the script element's text, parsed as JSON. */
function scriptsOf(html: string): unknown[] {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]!))
}

const offerPage = async (slug: string) => offerLoader(loaderArgs(`/offers/${slug}`, { slug }))

describe('offer page JSON-LD', () => {
  it('describes a good as a Product with an Offer per buyer class, priced from the database', async () => {
    const row = await db
      .selectFrom('offers as o')
      .innerJoin('offerScores as s', 's.offerId', 'o.id')
      .innerJoin('organisations as org', 'org.id', 'o.organisationId')
      .select(['o.slug', 'o.title', 'o.currency', 'o.commonerPrice', 'o.forProfitPrice', 's.score', 's.rulesVersion', 'org.name as producer'])
      .where('o.kind', '=', 'good')
      .where('s.listed', '=', 1)
      .where('o.commonerPrice', '>', 0)
      .orderBy('o.id')
      .executeTakeFirstOrThrow()
    const page = await offerPage(row.slug)
    const [ld] = scriptsOf(renderToStaticMarkup(<JsonLd data={page.jsonLd} />)) as any[]
    expect(ld).toEqual(page.jsonLd)
    expect(ld).toMatchObject({ '@context': 'https://schema.org', '@type': 'Product', name: row.title, url: `http://localhost:3000/offers/${row.slug}` })
    expect(ld.brand).toMatchObject({ '@type': 'Organization', name: row.producer })
    expect(ld.manufacturer).toEqual(ld.brand)
    expect(ld.offers).toHaveLength(2)
    const decimal = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`
    expect(ld.offers.map((o: any) => o['@type'])).toEqual(['Offer', 'Offer'])
    expect(ld.offers.map((o: any) => o.price)).toEqual([decimal(row.commonerPrice), decimal(row.forProfitPrice)])
    expect(ld.offers.every((o: any) => o.priceCurrency === row.currency && typeof o.price === 'string')).toBe(true)
    expect(ld.aggregateRating).toBeUndefined()
    expect(ld.license).toBeUndefined()
    expect(ld.additionalProperty[0]).toMatchObject({
      '@type': 'PropertyValue',
      propertyID: 'ethical-preference-score',
      value: row.score,
      minValue: 0,
      maxValue: 100,
    })
    expect(ld.additionalProperty[0].description).toContain(`rules version ${row.rulesVersion}`)
  })

  it('gives a commons item its licence URL and a free commoner offer', async () => {
    const row = await db
      .selectFrom('offers as o')
      .innerJoin('offerScores as s', 's.offerId', 'o.id')
      .innerJoin('licences as l', 'l.code', 'o.licenceCode')
      .select(['o.slug', 'l.url'])
      .where('o.kind', '=', 'commons')
      .where('s.listed', '=', 1)
      .where('l.url', 'is not', null)
      .orderBy('o.id')
      .executeTakeFirstOrThrow()
    const ld = (await offerPage(row.slug)).jsonLd as any
    expect(ld.license).toBe(row.url)
    expect(ld.offers[0]).toMatchObject({ price: '0.00' })
  })

  it('cannot be closed early by a title: < is written as \\u003c', async () => {
    const { id, slug } = await db.selectFrom('offers').select(['id', 'slug']).where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow()
    await db.updateTable('offers').set({ title: 'Evil </script><script>alert(1)</script> & co' }).where('id', '=', id).execute()
    const html = renderToStaticMarkup(<JsonLd data={(await offerPage(slug)).jsonLd} />)
    expect(html.match(/<\/script>/g)).toHaveLength(1)
    expect(html).toContain('\\u003c/script\\u003e')
    const [ld] = scriptsOf(html) as any[]
    expect(ld.name).toBe('Evil </script><script>alert(1)</script> & co')
  })
})

describe('organisation page JSON-LD', () => {
  it('describes the organisation with its url and address', async () => {
    const org = await db.selectFrom('organisations').selectAll().orderBy('id').executeTakeFirstOrThrow()
    const page = await organisationLoader(loaderArgs(`/organisations/${org.slug}`, { slug: org.slug }))
    const [ld] = scriptsOf(renderToStaticMarkup(<JsonLd data={page.jsonLd} />)) as any[]
    expect(ld).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'Organization',
      name: org.name,
      url: `http://localhost:3000/organisations/${org.slug}`,
      address: { '@type': 'PostalAddress', addressLocality: org.city, addressCountry: org.countryCode },
    })
    expect(page.name).toBe(org.name)
  })
})
