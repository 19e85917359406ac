import type { Database } from '../../db/connection'
import type { NewEvidenceClaim, NewOffer, NewOrganisation } from '../../db/schema'

let counter = 0
const unique = (prefix: string) => `${prefix}-${++counter}`

export async function createOrganisation(db: Database, overrides: Partial<NewOrganisation> = {}) {
  return db
    .insertInto('organisations')
    .values({
      slug: unique('org'),
      name: 'Test Cooperative',
      legalForm: 'worker_coop',
      countryCode: 'IT',
      city: 'Bologna',
      ...overrides,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** The reference rows every offer needs: a category, a licence and a commons fund. */
export async function createOfferReferences(db: Database) {
  const category = await db
    .insertInto('categories')
    .values({ slug: unique('cat'), name: 'Designs' })
    .returningAll()
    .executeTakeFirstOrThrow()
  const licenceCode = unique('lic')
  await db.insertInto('licences').values({ code: licenceCode, name: 'Peer Production License', openness: 'copyfair' }).execute()
  const fund = await db
    .insertInto('commonsFunds')
    .values({ slug: unique('fund'), name: 'Open Design Fund', kind: 'commons', currency: 'EUR' })
    .returningAll()
    .executeTakeFirstOrThrow()
  return { category, licenceCode, fund }
}

export async function createOffer(db: Database, overrides: Partial<NewOffer> & { organisationId: number }) {
  const refs = overrides.categoryId && overrides.commonsFundId ? null : await createOfferReferences(db)
  const kind = overrides.kind ?? 'good'
  return db
    .insertInto('offers')
    .values({
      slug: unique('offer'),
      kind,
      title: kind === 'good' ? 'Linen tea towel' : 'Open beehive design',
      categoryId: refs?.category.id ?? overrides.categoryId!,
      commonsFundId: refs?.fund.id ?? overrides.commonsFundId!,
      licenceCode: kind === 'commons' ? (refs?.licenceCode ?? null) : null,
      unit: kind === 'good' ? 'piece' : 'download',
      stock: kind === 'good' ? 10 : null,
      delivery: kind === 'good' ? 'shipping' : 'download',
      currency: 'EUR',
      commonerPrice: kind === 'good' ? 1200 : 0,
      forProfitPrice: kind === 'good' ? 1800 : 4000,
      accessFeeProducerBp: kind === 'good' ? 4500 : 0,
      accessFeeCommonsFundBp: kind === 'good' ? 4500 : 9000,
      accessFeeInfrastructureBp: 1000,
      ...overrides,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function createClaim(db: Database, claim: Partial<NewEvidenceClaim> & Pick<NewEvidenceClaim, 'organisationId' | 'claim' | 'value'>) {
  return db
    .insertInto('evidenceClaims')
    .values({ evidenceLevel: 'documented', source: 'Statutes, art. 3', issuedAt: '2026-01-01T00:00:00.000Z', ...claim })
    .returningAll()
    .executeTakeFirstOrThrow()
}
