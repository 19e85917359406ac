import type { Database } from '../../db/connection'
import { refreshScores } from '../../app/modules/scoring/scores.server'
import { insertPerson, sessionCookieFor } from './auth'
import { createOffer, createOrganisation } from './fixtures'
import { testDb } from './db'

/**
 * A small marketplace for order tests: two producers, a good with 5 in stock, a commons item,
 * the commons and infrastructure funds, a commoner, and a member of a for-profit firm.
 */
export async function smallMarket(existing?: Database) {
  const db = existing ?? (await testDb())
  const category = await db.insertInto('categories').values({ slug: 'designs', name: 'Designs' }).returningAll().executeTakeFirstOrThrow()
  await db.insertInto('licences').values({ code: 'CC-BY-SA-4.0', name: 'CC BY-SA 4.0', openness: 'copyleft' }).execute()
  const fund = await db
    .insertInto('commonsFunds')
    .values({ slug: 'open-design-fund', name: 'Open Design Fund', kind: 'commons', currency: 'EUR' })
    .returningAll()
    .executeTakeFirstOrThrow()
  const infrastructure = await db
    .insertInto('commonsFunds')
    .values({ slug: 'infrastructure-fund', name: 'Marketplace Infrastructure Fund', kind: 'infrastructure', currency: 'EUR' })
    .returningAll()
    .executeTakeFirstOrThrow()
  const weavers = await createOrganisation(db, { name: 'Weavers Co-op', slug: 'weavers' })
  const designers = await createOrganisation(db, { name: 'Open Designers', slug: 'open-designers', legalForm: 'commons_project' })
  const firm = await createOrganisation(db, { name: 'Acme Retail Ltd', slug: 'acme', legalForm: 'for_profit' })
  const refs = { categoryId: category.id, commonsFundId: fund.id }
  // 1200 / 1800: the 600 access fee splits 270 producer, 270 fund, 60 infrastructure.
  const towel = await createOffer(db, { ...refs, organisationId: weavers.id, slug: 'towel', title: 'Linen tea towel', stock: 5 })
  const blanket = await createOffer(db, {
    ...refs,
    organisationId: weavers.id,
    slug: 'blanket',
    title: 'Wool blanket',
    stock: 2,
    commonerPrice: 9000,
    forProfitPrice: 12000,
  })
  // free to commoners; 4000 to for-profit buyers: 3600 fund, 400 infrastructure.
  const beehive = await createOffer(db, {
    ...refs,
    organisationId: designers.id,
    kind: 'commons',
    slug: 'beehive',
    title: 'Open beehive design',
    licenceCode: 'CC-BY-SA-4.0',
  })
  await refreshScores(db, 'all')
  const commoner = await insertPerson(db, 'Noor Commoner')
  const buyer = await insertPerson(db, 'Tom Firm')
  await db.insertInto('memberships').values({ organisationId: firm.id, personId: buyer.id, role: 'admin' }).execute()
  const weaver = await insertPerson(db, 'Giulia Weaver')
  await db.insertInto('memberships').values({ organisationId: weavers.id, personId: weaver.id, role: 'admin' }).execute()
  const designer = await insertPerson(db, 'Dana Designer')
  await db.insertInto('memberships').values({ organisationId: designers.id, personId: designer.id, role: 'admin' }).execute()
  return { db, fund, infrastructure, weavers, designers, firm, towel, blanket, beehive, commoner, buyer, weaver, designer }
}

export type SmallMarket = Awaited<ReturnType<typeof smallMarket>>

/** A signed-in session cookie for each of the small market's people (the app's db must be `useAsAppDb`'d). */
export async function marketCookies(m: SmallMarket) {
  return {
    commoner: await sessionCookieFor(m.commoner.id),
    buyer: await sessionCookieFor(m.buyer.id),
    weaver: await sessionCookieFor(m.weaver.id),
    designer: await sessionCookieFor(m.designer.id),
  }
}

export const forFirm = (m: SmallMarket) => ({ personId: m.buyer.id, use: { kind: 'organisation' as const, organisationId: m.firm.id } })
export const asPerson = (personId: number) => ({ personId, use: { kind: 'personal' as const } })

let keys = 0
export const newKey = () => `test-key-${Date.now()}-${++keys}`
