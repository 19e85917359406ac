import type { Kysely, Transaction } from 'kysely'
import { z } from 'zod'
import type { DB, EvidenceLevel } from '../../../db/schema'
import { evidenceLevels } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { CommunityWeights, criteria, type Criterion, type Weights } from './rules'
import { scoreOffer, type ClaimFact, type CriterionResult, type ScoreResult } from './score'

type Db = Kysely<DB> | Transaction<DB>

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
export async function publishRules(
  db: Kysely<DB>,
  input: { weights: unknown; note: string; publishedBy: string },
  now = new Date().toISOString(),
): Promise<RulesDocument> {
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
export async function refreshScores(db: Db, scope: ScoreScope, now = new Date().toISOString()): Promise<number> {
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

async function refreshOrganisations(db: Db, organisationIds: number[], rules: RulesDocument, now: string) {
  const offersQuery = db
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
  const claimsQuery = db
    .selectFrom('evidenceClaims')
    .select(['id', 'organisationId', 'offerId', 'claim', 'value', 'evidenceLevel', 'expiresAt'])
  const [offers, claims] = await Promise.all([
    offersQuery.where('o.organisationId', 'in', organisationIds).execute(),
    claimsQuery.where('organisationId', 'in', organisationIds).execute(),
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
    const s = openShare.get(o.organisationId) ?? { open: 0, total: 0 }
    s.total += 1
    if (o.licenceOpenness && openLicences.has(o.licenceOpenness)) s.open += 1
    openShare.set(o.organisationId, s)
  }

  const rows = offers.map((o) => {
    const claimsFor = [...(orgClaims.get(o.organisationId) ?? []), ...(offerClaims.get(o.id) ?? [])]
    const share = openShare.get(o.organisationId)
    const result = scoreOffer(
      {
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
      rules.weights,
    )
    let validUntil: string | null = null
    for (const c of claimsFor) if (c.expiresAt && c.expiresAt > now && (!validUntil || c.expiresAt < validUntil)) validUntil = c.expiresAt
    return {
      ...toRow(o.id, o.status === 'active', result, rules.version, validUntil, now),
      kind: o.kind,
      categoryId: o.categoryId,
      licenceCode: o.licenceCode,
      legalForm: o.legalForm,
      countryCode: o.countryCode,
    }
  })
  for (const batch of chunks(rows, 200)) {
    const scores = batch.map(({ explanation: _, ...score }) => score)
    await db
      .insertInto('offerScoreExplanations')
      .values(batch.map((r) => ({ offerId: r.offerId, explanation: r.explanation })))
      .onConflict((oc) => oc.column('offerId').doUpdateSet((eb) => ({ explanation: eb.ref('excluded.explanation') })))
      .execute()
    await db
      .insertInto('offerScores')
      .values(scores)
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
    explanation: JSON.stringify({ criteria: result.criteria, exclusion: result.exclusion }),
    validUntil,
    computedAt: now,
  }
}

/** Rescores offers whose evidence has expired since their score was computed. */
export async function refreshExpiredScores(db: Kysely<DB>, now = new Date().toISOString()): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const stale = await trx.selectFrom('offerScores').select('offerId').where('validUntil', '<=', now).execute()
    if (stale.length === 0) return 0
    return refreshScores(trx, { offerIds: stale.map((s) => s.offerId) }, now)
  })
}

const ExplanationLineSchema = z.object({
  criterion: z.enum(criteria),
  points: z.number(),
  text: z.string(),
  evidenceLevel: z.enum(evidenceLevels).nullable(),
  claimId: z.number().int().nullable(),
  claimOnOffer: z.boolean(),
})
/** The explanation column's JSON, checked on the way out like any other boundary. */
export const StoredExplanation = z.object({
  criteria: z.array(
    z.object({
      criterion: z.enum(criteria),
      weight: z.number(),
      earned: z.number(),
      points: z.number(),
      lines: z.array(ExplanationLineSchema),
    }),
  ),
  exclusion: z.object({ reason: z.string(), claimId: z.number().int() }).nullable(),
})

export interface StoredScore {
  score: number
  confidence: number
  rulesVersion: number
  computedAt: string
  listed: boolean
  criteria: CriterionResult[]
  exclusion: { reason: string; claimId: number } | null
}

export async function getStoredScore(db: Db, offerId: number): Promise<StoredScore | null> {
  const row = await db
    .selectFrom('offerScores as s')
    .innerJoin('offerScoreExplanations as e', 'e.offerId', 's.offerId')
    .select(['s.score', 's.confidence', 's.rulesVersion', 's.computedAt', 's.listed', 'e.explanation'])
    .where('s.offerId', '=', offerId)
    .executeTakeFirst()
  if (!row) return null
  const explanation = StoredExplanation.parse(JSON.parse(row.explanation))
  return {
    score: row.score,
    confidence: row.confidence,
    rulesVersion: row.rulesVersion,
    computedAt: row.computedAt,
    listed: row.listed === 1,
    criteria: explanation.criteria,
    exclusion: explanation.exclusion,
  }
}

export type { EvidenceLevel }
