import type { Kysely, Transaction } from 'kysely'
import type { DB, DeliveryMode, EvidenceLevel, ClaimKind, LegalForm, LicenceOpenness, OfferKind } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { splitByBasisPoints, type Money } from '../../lib/money'
import { effectiveEvidenceLevel } from '../evidence/evidence'

type Db = Kysely<DB> | Transaction<DB>

export const CATALOG_PAGE_SIZE = 24

export interface ProducerRef {
  slug: string
  name: string
  legalForm: LegalForm
  city: string
  countryCode: string
}

export interface TierPrices {
  commoner: Money
  forProfit: Money
  /** What a for-profit buyer pays on top of the commoner price. */
  accessFee: Money
}

export interface OfferCard {
  slug: string
  title: string
  kind: OfferKind
  category: { slug: string; name: string }
  producer: ProducerRef
  licence: { code: string; name: string } | null
  unit: string
  stock: number | null
  prices: TierPrices
}

export interface CatalogPage {
  offers: OfferCard[]
  page: number
  pageCount: number
  total: number
  pageSize: number
}

export function tierPrices(row: { currency: string; commonerPrice: number; forProfitPrice: number }): TierPrices {
  return {
    commoner: { amount: row.commonerPrice, currency: row.currency },
    forProfit: { amount: row.forProfitPrice, currency: row.currency },
    accessFee: { amount: row.forProfitPrice - row.commonerPrice, currency: row.currency },
  }
}

function offerCardQuery(db: Db) {
  return db
    .selectFrom('offers as o')
    .innerJoin('organisations as org', 'org.id', 'o.organisationId')
    .innerJoin('categories as c', 'c.id', 'o.categoryId')
    .leftJoin('licences as l', 'l.code', 'o.licenceCode')
    .select([
      'o.id',
      'o.slug',
      'o.title',
      'o.kind',
      'o.unit',
      'o.stock',
      'o.currency',
      'o.commonerPrice',
      'o.forProfitPrice',
      'c.slug as categorySlug',
      'c.name as categoryName',
      'org.slug as producerSlug',
      'org.name as producerName',
      'org.legalForm as producerLegalForm',
      'org.city as producerCity',
      'org.countryCode as producerCountryCode',
      'l.code as licenceCode',
      'l.name as licenceName',
    ])
    .where('o.status', '=', 'active')
}

type OfferCardRow = Awaited<ReturnType<ReturnType<typeof offerCardQuery>['executeTakeFirstOrThrow']>>

function toOfferCard(row: OfferCardRow): OfferCard {
  return {
    slug: row.slug,
    title: row.title,
    kind: row.kind,
    category: { slug: row.categorySlug, name: row.categoryName },
    producer: {
      slug: row.producerSlug,
      name: row.producerName,
      legalForm: row.producerLegalForm,
      city: row.producerCity,
      countryCode: row.producerCountryCode,
    },
    licence: row.licenceCode && row.licenceName ? { code: row.licenceCode, name: row.licenceName } : null,
    unit: row.unit,
    stock: row.stock,
    prices: tierPrices(row),
  }
}

/** One page of the active catalog. A page past the end is an empty page, not an error. */
export async function listCatalog(db: Db, query: { page: number }): Promise<CatalogPage> {
  const { total } = await db
    .selectFrom('offers')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow()
  const rows = await offerCardQuery(db)
    .orderBy('o.id')
    .limit(CATALOG_PAGE_SIZE)
    .offset((query.page - 1) * CATALOG_PAGE_SIZE)
    .execute()
  return {
    offers: rows.map(toOfferCard),
    page: query.page,
    pageCount: Math.max(1, Math.ceil(total / CATALOG_PAGE_SIZE)),
    total,
    pageSize: CATALOG_PAGE_SIZE,
  }
}

export interface EvidenceLine {
  claim: ClaimKind
  value: string
  evidenceLevel: EvidenceLevel
  /** True when the stored level has lapsed to self-declared because the evidence expired. */
  expired: boolean
  source: string
  sourceUrl: string | null
  issuedAt: string
  expiresAt: string | null
}

export interface AccessFeeShare {
  to: 'producer' | 'commons_fund' | 'infrastructure_fund'
  basisPoints: number
  amount: Money
}

export interface OfferDetail extends OfferCard {
  description: string
  delivery: DeliveryMode
  licence: { code: string; name: string; url: string | null; openness: LicenceOpenness } | null
  commonsFund: { slug: string; name: string; purpose: string }
  accessFeeSplit: AccessFeeShare[]
  offerEvidence: EvidenceLine[]
  producerSummary: string
}

export function toEvidenceLine(
  row: {
    claim: ClaimKind
    value: string
    evidenceLevel: EvidenceLevel
    source: string
    sourceUrl: string | null
    issuedAt: string
    expiresAt: string | null
  },
  now: string,
): EvidenceLine {
  const level = effectiveEvidenceLevel(row, now)
  return {
    claim: row.claim,
    value: row.value,
    evidenceLevel: level,
    expired: level !== row.evidenceLevel,
    source: row.source,
    sourceUrl: row.sourceUrl,
    issuedAt: row.issuedAt,
    expiresAt: row.expiresAt,
  }
}

/** An active offer with everything its page shows. @throws AppError('not_found') */
export async function getOffer(db: Db, slug: string, now = new Date().toISOString()): Promise<OfferDetail> {
  const row = await offerCardQuery(db)
    .innerJoin('commonsFunds as f', 'f.id', 'o.commonsFundId')
    .select([
      'o.description',
      'o.delivery',
      'o.accessFeeProducerBp',
      'o.accessFeeCommonsFundBp',
      'o.accessFeeInfrastructureBp',
      'l.url as licenceUrl',
      'l.openness as licenceOpenness',
      'f.slug as fundSlug',
      'f.name as fundName',
      'f.purpose as fundPurpose',
      'org.summary as producerSummary',
    ])
    .where('o.slug', '=', slug)
    .executeTakeFirst()
  if (!row) throw new AppError('not_found', 'There is no offer at this address. It may have been archived.')

  const claims = await db
    .selectFrom('evidenceClaims')
    .select(['claim', 'value', 'evidenceLevel', 'source', 'sourceUrl', 'issuedAt', 'expiresAt'])
    .where('offerId', '=', row.id)
    .orderBy('claim')
    .orderBy('id')
    .execute()

  const card = toOfferCard(row)
  const fee = card.prices.accessFee
  const shares = [row.accessFeeProducerBp, row.accessFeeCommonsFundBp, row.accessFeeInfrastructureBp]
  const amounts = splitByBasisPoints(fee.amount, shares)
  const recipients = ['producer', 'commons_fund', 'infrastructure_fund'] as const
  return {
    ...card,
    description: row.description,
    delivery: row.delivery,
    licence:
      row.licenceCode && row.licenceName && row.licenceOpenness
        ? { code: row.licenceCode, name: row.licenceName, url: row.licenceUrl, openness: row.licenceOpenness }
        : null,
    commonsFund: { slug: row.fundSlug, name: row.fundName, purpose: row.fundPurpose },
    accessFeeSplit: recipients.map((to, i) => ({
      to,
      basisPoints: shares[i]!,
      amount: { amount: amounts[i]!, currency: fee.currency },
    })),
    offerEvidence: claims.map((c) => toEvidenceLine(c, now)),
    producerSummary: row.producerSummary,
  }
}
