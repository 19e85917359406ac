import type { LegalForm, Db } from '../../../db/schema'
import { getOrganisation } from '../organisations/organisations.server'
import { decodeCursor, encodeCursor, fingerprintOf } from './cursor.server'
import { badParameter } from './http.server'
import { DEFAULT_LIMIT, type OrganisationsQuery } from './schema'

export interface ApiOrganisation {
  id: number
  slug: string
  url: string
  name: string
  legalForm: LegalForm
  summary: string
  website: string | null
  address: { locality: string; region: string | null; country: string }
  updatedAt: string
}

function toItem(
  r: {
    id: number
    slug: string
    name: string
    legalForm: LegalForm
    summary: string
    website: string | null
    city: string
    region: string | null
    countryCode: string
    updatedAt: string
  },
  baseUrl: string,
): ApiOrganisation {
  return {
    id: r.id,
    slug: r.slug,
    url: `${baseUrl}/organisations/${r.slug}`,
    name: r.name,
    legalForm: r.legalForm,
    summary: r.summary,
    website: r.website,
    address: { locality: r.city, region: r.region, country: r.countryCode },
    updatedAt: r.updatedAt,
  }
}

const columns = ['id', 'slug', 'name', 'legalForm', 'summary', 'website', 'city', 'region', 'countryCode', 'updatedAt'] as const

/** Organisations in the order they registered (by id), so a walk never repeats or skips one. */
export async function listOrganisations(db: Db, query: OrganisationsQuery, baseUrl: string) {
  const { limit = DEFAULT_LIMIT, cursor, ...filters } = query
  const fingerprint = fingerprintOf(filters)
  const after = cursor ? decodeCursor(cursor, 'organisations', fingerprint) : null
  if (after && (after.length !== 1 || !Number.isSafeInteger(after[0])))
    throw badParameter('cursor', 'cursor is not a cursor this API gave out; start again without one.')
  let q = db.selectFrom('organisations').select(columns)
  if (filters.legalForm) q = q.where('legalForm', '=', filters.legalForm)
  if (filters.country) q = q.where('countryCode', '=', filters.country)
  if (after) q = q.where('id', '>', after[0]!)
  const rows = await q
    .orderBy('id')
    .limit(limit + 1)
    .execute()
  const page = rows.slice(0, limit)
  return {
    data: page.map((r) => toItem(r, baseUrl)),
    next_cursor: rows.length > limit ? encodeCursor('organisations', fingerprint, [page[page.length - 1]!.id]) : null,
  }
}

/** One organisation with its governance facts, evidence and listed offers. @throws AppError('not_found') */
export async function organisationDocument(db: Db, slug: string, baseUrl: string) {
  const [profile, row] = await Promise.all([
    getOrganisation(db, slug),
    db.selectFrom('organisations').select(columns).where('slug', '=', slug).executeTakeFirst(),
  ])
  return {
    data: {
      ...toItem(row!, baseUrl),
      governance: profile.governance,
      evidence: profile.evidence.map((e) => ({
        claim: e.claim,
        value: e.value,
        evidenceLevel: e.evidenceLevel,
        expired: e.expired,
        overturned: e.overturned,
        source: e.source,
        sourceUrl: e.sourceUrl,
        issuedAt: e.issuedAt,
        expiresAt: e.expiresAt,
      })),
      offers: profile.offers.map((o) => ({ slug: o.slug, title: o.title, kind: o.kind, url: `${baseUrl}/offers/${o.slug}` })),
    },
  }
}
