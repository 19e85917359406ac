import type { Kysely } from 'kysely'
import type { DB, EvidenceLevel, LegalForm, OfferKind, Db } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { CommunityWeights, type Criterion, type Weights } from './rules'
import { scoreOffer, type ClaimFact, type CriterionResult, type ScoreResult, type ScoringInput } from './score'
import { clock } from '../../lib/clock'

export interface RulesDocument {
  version: number
  weights: Weights
  note: string
  publishedBy: string
  publishedAt: string
}

const earnedColumn = {
  ownership: 'earnedOwnership',
  surplus: 'earnedSurplus',
  openKnowledge: 'earnedOpenKnowledge',
  fairWork: 'earnedFairWork',
  transparency: 'earnedTransparency',
  environment: 'earnedEnvironment',
  cooperation: 'earnedCooperation',
} as const satisfies Record<Criterion, string>
export { earnedColumn }

const openLicences = new Set(['copyfair', 'copyleft', 'permissive'])

function parseRules(row: { version: number; weights: string; note: string; publishedBy: string; publishedAt: string }): RulesDocument {
  return { ...row, weights: CommunityWeights.parse(JSON.parse(row.weights)) }
}

/** The rules document in force: the newest version. */
export async function currentRules(db: Db): Promise<RulesDocument> {
  const row = await db.selectFrom('scoreRules').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst()
  if (!row) throw new AppError('unavailable', 'No score rules have been published yet.')
  return parseRules(row)
}

export async function listRules(db: Db): Promise<RulesDocument[]> {
  const rows = await db.selectFrom('scoreRules').selectAll().orderBy('version', 'desc').execute()
  return rows.map(parseRules)
}

/**
 * Publishes a new rules version and rescores every offer with it, in one transaction.
 * @throws AppError('invalid_input') when the weights are not whole numbers adding up to 100
 */
export async function publishRules(db: Kysely<DB>, input: { weights: unknown; note: string; publishedBy: string }, now = clock.now()): Promise<RulesDocument> {
  const parsed = CommunityWeights.safeParse(input.weights)
  if (!parsed.success) throw new AppError('invalid_input', `These weights cannot be published: ${parsed.error.issues[0]!.message}.`)
  if (!input.publishedBy.trim()) throw new AppError('invalid_input', 'Say who publishes these rules.')
  return db.transaction().execute(async (trx) => {
    const latest = await trx.selectFrom('scoreRules').select('version').orderBy('version', 'desc').limit(1).executeTakeFirst()
    const version = (latest?.version ?? 0) + 1
    await trx
      .insertInto('scoreRules')
      .values({ version, weights: JSON.stringify(parsed.data), note: input.note.trim(), publishedBy: input.publishedBy.trim(), publishedAt: now })
      .execute()
    await refreshScores(trx, 'all', now)
    return { version, weights: parsed.data, note: input.note.trim(), publishedBy: input.publishedBy.trim(), publishedAt: now }
  })
}

export type ScoreScope = 'all' | { organisationIds: number[] } | { offerIds: number[] }

const CHUNK = 500
function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * Recomputes the stored score of every offer in `scope` from the current facts and rules.
 * Call it inside the transaction that changed an input, so no score is ever stale.
 * An offer's score depends on its producer's other offers (the open-licence share),
 * so offer scopes widen to the producer.
 */
export async function refreshScores(db: Db, scope: ScoreScope, now = clock.now()): Promise<number> {
  const rules = await currentRules(db)
  let organisationIds: number[]
  if (scope === 'all') organisationIds = (await db.selectFrom('organisations').select('id').orderBy('id').execute()).map((o) => o.id)
  else if ('organisationIds' in scope) organisationIds = [...new Set(scope.organisationIds)]
  else {
    if (scope.offerIds.length === 0) return 0
    const rows: { organisationId: number }[] = []
    for (const ids of chunks([...new Set(scope.offerIds)])) {
      rows.push(...(await db.selectFrom('offers').select('organisationId').distinct().where('id', 'in', ids).execute()))
    }
    organisationIds = [...new Set(rows.map((r) => r.organisationId))]
  }
  // A batch of producers at a time keeps memory flat however large the catalog grows.
  let count = 0
  for (const batch of chunks(organisationIds, 200)) count += await refreshOrganisations(db, batch, rules, now)
  return count
}

interface ScoringCase {
  offerId: number
  active: boolean
  input: ScoringInput
  facets: { kind: OfferKind; categoryId: number; licenceCode: string | null; legalForm: LegalForm; countryCode: string }
  /** the earliest future expiry among the claims the score may rely on */
  validUntil: string | null
}

/** Everything the score of these producers' offers is computed from, as of `now`. */
async function loadScoringCases(db: Db, organisationIds: number[], now: string, onlyOfferId?: number): Promise<ScoringCase[]> {
  const [offers, claims] = await Promise.all([
    db
      .selectFrom('offers as o')
      .innerJoin('organisations as org', 'org.id', 'o.organisationId')
      .leftJoin('licences as l', 'l.code', 'o.licenceCode')
      .select([
        'o.id',
        'o.organisationId',
        'o.kind',
        'o.status',
        'o.commonerPrice',
        'o.forProfitPrice',
        'o.accessFeeCommonsFundBp',
        'o.categoryId',
        'o.licenceCode',
        'org.countryCode',
        'l.name as licenceName',
        'l.openness as licenceOpenness',
        'org.legalForm',
        'org.oneMemberOneVote',
        'org.surplusPolicy',
        'org.payRatio',
        'org.openBooks',
      ])
      .where('o.organisationId', 'in', organisationIds)
      .execute(),
    db
      .selectFrom('evidenceClaims')
      .select(['id', 'organisationId', 'offerId', 'claim', 'value', 'evidenceLevel', 'expiresAt'])
      .where('organisationId', 'in', organisationIds)
      // An overturned claim proves nothing.
      .where('status', '=', 'active')
      .execute(),
  ])

  const orgClaims = new Map<number, ClaimFact[]>()
  const offerClaims = new Map<number, ClaimFact[]>()
  for (const c of claims) {
    const fact: ClaimFact = { id: c.id, claim: c.claim, value: c.value, evidenceLevel: c.evidenceLevel, expiresAt: c.expiresAt, offerId: c.offerId }
    const map = c.offerId === null ? orgClaims : offerClaims
    const key = c.offerId ?? c.organisationId
    const list = map.get(key)
    if (list) list.push(fact)
    else map.set(key, [fact])
  }
  const openShare = new Map<number, { open: number; total: number }>()
  for (const o of offers) {
    if (o.status !== 'active') continue
    const share = openShare.get(o.organisationId) ?? { open: 0, total: 0 }
    share.total += 1
    if (o.licenceOpenness && openLicences.has(o.licenceOpenness)) share.open += 1
    openShare.set(o.organisationId, share)
  }

  return offers
    .filter((o) => onlyOfferId === undefined || o.id === onlyOfferId)
    .map((o) => {
      const claimsFor = [...(orgClaims.get(o.organisationId) ?? []), ...(offerClaims.get(o.id) ?? [])]
      const share = openShare.get(o.organisationId)
      let validUntil: string | null = null
      for (const c of claimsFor) if (c.expiresAt && c.expiresAt > now && (!validUntil || c.expiresAt < validUntil)) validUntil = c.expiresAt
      return {
        offerId: o.id,
        active: o.status === 'active',
        validUntil,
        facets: { kind: o.kind, categoryId: o.categoryId, licenceCode: o.licenceCode, legalForm: o.legalForm, countryCode: o.countryCode },
        input: {
          now,
          organisation: {
            legalForm: o.legalForm,
            oneMemberOneVote: o.oneMemberOneVote,
            surplusPolicy: o.surplusPolicy,
            payRatio: o.payRatio,
            openBooks: o.openBooks,
          },
          offer: {
            id: o.id,
            kind: o.kind,
            licenceName: o.licenceName,
            licenceOpenness: o.licenceOpenness,
            accessFee: o.forProfitPrice - o.commonerPrice,
            accessFeeCommonsFundBp: o.accessFeeCommonsFundBp,
          },
          claims: claimsFor,
          producerOpenShare: share && share.total > 0 ? share.open / share.total : 0,
        },
      }
    })
}

async function refreshOrganisations(db: Db, organisationIds: number[], rules: RulesDocument, now: string) {
  const cases = await loadScoringCases(db, organisationIds, now)
  const rows = cases.map((c) => ({
    ...toRow(c.offerId, c.active, scoreOffer(c.input, rules.weights), rules.version, c.validUntil, now),
    ...c.facets,
  }))
  for (const batch of chunks(rows, 200)) {
    await db
      .insertInto('offerScores')
      .values(batch)
      .onConflict((oc) =>
        oc.column('offerId').doUpdateSet((eb) => ({
          rulesVersion: eb.ref('excluded.rulesVersion'),
          score: eb.ref('excluded.score'),
          confidence: eb.ref('excluded.confidence'),
          listed: eb.ref('excluded.listed'),
          exclusionReason: eb.ref('excluded.exclusionReason'),
          earnedOwnership: eb.ref('excluded.earnedOwnership'),
          earnedSurplus: eb.ref('excluded.earnedSurplus'),
          earnedOpenKnowledge: eb.ref('excluded.earnedOpenKnowledge'),
          earnedFairWork: eb.ref('excluded.earnedFairWork'),
          earnedTransparency: eb.ref('excluded.earnedTransparency'),
          earnedEnvironment: eb.ref('excluded.earnedEnvironment'),
          earnedCooperation: eb.ref('excluded.earnedCooperation'),
          kind: eb.ref('excluded.kind'),
          categoryId: eb.ref('excluded.categoryId'),
          licenceCode: eb.ref('excluded.licenceCode'),
          legalForm: eb.ref('excluded.legalForm'),
          countryCode: eb.ref('excluded.countryCode'),
          validUntil: eb.ref('excluded.validUntil'),
          computedAt: eb.ref('excluded.computedAt'),
        })),
      )
      .execute()
  }
  return rows.length
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000

function toRow(offerId: number, active: boolean, result: ScoreResult, rulesVersion: number, validUntil: string | null, now: string) {
  const earned = Object.fromEntries(result.criteria.map((c) => [c.criterion, round4(c.earned)])) as Record<Criterion, number>
  return {
    offerId,
    rulesVersion,
    score: result.score,
    confidence: result.confidence,
    listed: (active && !result.exclusion ? 1 : 0) as 0 | 1,
    exclusionReason: result.exclusion?.reason ?? null,
    earnedOwnership: earned.ownership,
    earnedSurplus: earned.surplus,
    earnedOpenKnowledge: earned.openKnowledge,
    earnedFairWork: earned.fairWork,
    earnedTransparency: earned.transparency,
    earnedEnvironment: earned.environment,
    earnedCooperation: earned.cooperation,
    validUntil,
    computedAt: now,
  }
}

/** Rescores offers whose evidence has expired since their score was computed. */
export async function refreshExpiredScores(db: Kysely<DB>, now = clock.now()): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const stale = await trx.selectFrom('offerScores').select('offerId').where('validUntil', '<=', now).execute()
    if (stale.length === 0) return 0
    return refreshScores(trx, { offerIds: stale.map((s) => s.offerId) }, now)
  })
}

export interface StoredScore {
  score: number
  confidence: number
  rulesVersion: number
  computedAt: string
  listed: boolean
  criteria: CriterionResult[]
  exclusion: { reason: string; claimId: number } | null
}

/**
 * An offer's stored score with its explanation. The explanation is derived again from the
 * same facts and rules version; since every input change rescores in its own transaction,
 * it always adds up to the stored figure (a test holds the two together).
 */
export async function getStoredScore(db: Db, offerId: number): Promise<StoredScore | null> {
  const stored = await db
    .selectFrom('offerScores as s')
    .innerJoin('offers as o', 'o.id', 's.offerId')
    .innerJoin('scoreRules as r', 'r.version', 's.rulesVersion')
    .select(['s.score', 's.confidence', 's.rulesVersion', 's.computedAt', 's.listed', 'o.organisationId', 'r.weights'])
    .where('s.offerId', '=', offerId)
    .executeTakeFirst()
  if (!stored) return null
  const [scoringCase] = await loadScoringCases(db, [stored.organisationId], stored.computedAt, offerId)
  if (!scoringCase) return null
  const explained = scoreOffer(scoringCase.input, CommunityWeights.parse(JSON.parse(stored.weights)))
  return {
    score: stored.score,
    confidence: stored.confidence,
    rulesVersion: stored.rulesVersion,
    computedAt: stored.computedAt,
    listed: stored.listed === 1,
    criteria: explained.criteria,
    exclusion: explained.exclusion,
  }
}

export type { EvidenceLevel }
