import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import { rankByWeights } from '../../app/modules/catalog/ranking-snapshot.server'
import { updateOrganisationFacts } from '../../app/modules/organisations/facts.server'
import { criteria, type Weights } from '../../app/modules/scoring/rules'
import { atDemoTime, seededDb } from '../support/db'
import { nonEmpty } from '../support/lists'

let db: Database
beforeAll(async () => {
  db = await seededDb()
})
atDemoTime()

const columns = [
  'earned_ownership',
  'earned_surplus',
  'earned_open_knowledge',
  'earned_fair_work',
  'earned_transparency',
  'earned_environment',
  'earned_cooperation',
]

/** The same ranking the slow, obvious way: SQL over every row. */
async function bySql(weights: Weights, where = sql`true`) {
  const total = criteria.reduce((s, c) => s + weights[c], 0)
  const expr = sql.join(
    criteria.map((c, i) => sql`${sql.raw(columns[i]!)} * ${weights[c] / total}`),
    sql` + `,
  )
  const { rows } = await sql<{ id: number }>`select offer_id as id from offer_scores where listed = 1 and ${where} order by (${expr}) desc, offer_id`.execute(
    db,
  )
  return rows.map((r) => r.id)
}

describe('ranking by a buyer’s own weights', () => {
  it.each([
    [{ ownership: 0, surplus: 0, openKnowledge: 100, fairWork: 0, transparency: 0, environment: 0, cooperation: 0 }],
    [{ ownership: 10, surplus: 10, openKnowledge: 30, fairWork: 20, transparency: 10, environment: 15, cooperation: 5 }],
    [{ ownership: 1, surplus: 2, openKnowledge: 3, fairWork: 4, transparency: 5, environment: 6, cooperation: 7 }],
  ])('orders every page exactly as a full SQL sort would (%o)', async (weights) => {
    const expected = nonEmpty(await bySql(weights), 'listed offers')
    for (const offset of [0, 24, 48, 200]) {
      const slice = await rankByWeights(db, weights, {}, offset, 24)
      expect(slice.total).toBe(expected.length)
      expect(slice.offerIds).toEqual(expected.slice(offset, offset + 24))
    }
  })

  it('applies every filter as SQL would', async () => {
    const weights = { ownership: 5, surplus: 5, openKnowledge: 5, fairWork: 40, transparency: 5, environment: 35, cooperation: 5 }
    const category = await db.selectFrom('categories').select('id').where('slug', '=', 'food-drink').executeTakeFirstOrThrow()
    const expected = nonEmpty(
      await bySql(weights, sql`kind = 'good' and category_id = ${category.id} and country_code = 'IT' and score >= 20`),
      'filtered offers',
    )
    const slice = await rankByWeights(db, weights, { kind: 'good', categoryId: category.id, countryCode: 'IT', minScore: 20 }, 0, 24)
    expect(slice.total).toBe(expected.length)
    expect(slice.offerIds).toEqual(expected.slice(0, 24))
    const unknown = await rankByWeights(db, weights, { licenceCode: 'no-such-licence' }, 0, 24)
    expect(unknown).toEqual({ offerIds: [], viewScores: [], total: 0 })
  })

  it('sees a score change at once, even though it keeps a copy in memory', async () => {
    const weights = { ownership: 100, surplus: 0, openKnowledge: 0, fairWork: 0, transparency: 0, environment: 0, cooperation: 0 }
    const before = await rankByWeights(db, weights, {}, 0, 1)
    const top = await db.selectFrom('offers').select('organisationId').where('id', '=', before.offerIds[0]!).executeTakeFirstOrThrow()
    await updateOrganisationFacts(db, top.organisationId, { legalForm: 'for_profit', oneMemberOneVote: 0 })
    const after = await rankByWeights(db, weights, {}, 0, 1)
    expect(after.offerIds[0]).not.toBe(before.offerIds[0])
    expect(after.offerIds).toEqual((await bySql(weights)).slice(0, 1))
  })
})
