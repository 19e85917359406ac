import type { LegalForm, SurplusPolicy, Db } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { attestationsFor } from '../evidence/attestations.server'
import { tierPrices, type TierPrices } from '../pricing/pricing'
import { toEvidenceLine, type EvidenceLine } from '../evidence/evidence'
import { clock } from '../../lib/clock'

export interface OrganisationProfile {
  slug: string
  name: string
  legalForm: LegalForm
  summary: string
  website: string | null
  location: { city: string; region: string | null; countryCode: string }
  governance: {
    oneMemberOneVote: boolean | null
    memberCount: number | null
    surplusPolicy: SurplusPolicy | null
    payRatio: number | null
    openBooks: boolean | null
  }
  evidence: EvidenceLine[]
  attestations: { attesterName: string; attesterSlug: string; statement: string; expiresAt: string }[]
  offers: { slug: string; title: string; kind: 'good' | 'commons'; unit: string; categoryName: string; prices: TierPrices }[]
}

const flag = (v: 0 | 1 | null) => (v === null ? null : v === 1)

/** An organisation's public profile: facts, the evidence behind them and its active offers. @throws AppError('not_found') */
export async function getOrganisation(db: Db, slug: string, now = clock.now()): Promise<OrganisationProfile> {
  const org = await db.selectFrom('organisations').selectAll().where('slug', '=', slug).executeTakeFirst()
  if (!org) throw new AppError('not_found', 'There is no organisation at this address.')

  const [claims, offers, attestations] = await Promise.all([
    db
      .selectFrom('evidenceClaims')
      .select(['id', 'claim', 'value', 'evidenceLevel', 'source', 'sourceUrl', 'issuedAt', 'expiresAt', 'status'])
      .where('organisationId', '=', org.id)
      .where('offerId', 'is', null)
      .orderBy('claim')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('offers as o')
      .innerJoin('categories as c', 'c.id', 'o.categoryId')
      .select(['o.slug', 'o.title', 'o.kind', 'o.unit', 'c.name as categoryName', 'o.currency', 'o.commonerPrice', 'o.forProfitPrice'])
      .where('o.organisationId', '=', org.id)
      .where('o.status', '=', 'active')
      .orderBy('o.title')
      .execute(),
    attestationsFor(db, org.id, now),
  ])

  return {
    slug: org.slug,
    name: org.name,
    legalForm: org.legalForm,
    summary: org.summary,
    website: org.website,
    location: { city: org.city, region: org.region, countryCode: org.countryCode },
    governance: {
      oneMemberOneVote: flag(org.oneMemberOneVote),
      memberCount: org.memberCount,
      surplusPolicy: org.surplusPolicy,
      payRatio: org.payRatio,
      openBooks: flag(org.openBooks),
    },
    evidence: claims.map((c) => toEvidenceLine(c, now)),
    attestations: attestations
      .filter((a) => a.current)
      .map((a) => ({ attesterName: a.attesterName, attesterSlug: a.attesterSlug, statement: a.statement, expiresAt: a.expiresAt })),
    offers: offers.map((o) => ({
      slug: o.slug,
      title: o.title,
      kind: o.kind,
      unit: o.unit,
      categoryName: o.categoryName,
      prices: tierPrices(o),
    })),
  }
}
