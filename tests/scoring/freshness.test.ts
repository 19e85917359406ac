import { beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import { listCatalog } from '../../app/modules/catalog/catalog.server'
import { updateOrganisationFacts } from '../../app/modules/organisations/facts.server'
import { defaultWeights, type Criterion, type Weights } from '../../app/modules/scoring/rules'
import { reweigh } from '../../app/modules/scoring/score'
import { getStoredScore, publishRules, refreshExpiredScores, refreshScores } from '../../app/modules/scoring/scores.server'
import { testDb } from '../support/db'
import { addEvidenceClaim, archiveOffer, changeOfferLicence, withdrawEvidenceClaim } from '../support/score-inputs'
import { createOffer, createOrganisation } from '../support/fixtures'
import { nonEmpty } from '../support/lists'

// Two offers from two worker co-ops with the same stated facts: X ranks first only by the
// tie-break (it was listed first). Each test changes one input of Y's score and expects the
// ranking to move in the same transaction, with no separate "recompute" step.
const now = '2026-11-24T12:00:00.000Z'
let db: Database
let orgA: number
let orgB: number
let x: { id: number; slug: string }
let y: { id: number; slug: string }

const ranking = async () => (await listCatalog(db, {})).offers.map((o) => o.slug)

beforeEach(async () => {
  db = await testDb()
  orgA = (await createOrganisation(db, { name: 'Alpha Workers' })).id
  orgB = (await createOrganisation(db, { name: 'Beta Workers' })).id
  x = await createOffer(db, { organisationId: orgA, title: 'Oak stool' })
  y = await createOffer(db, { organisationId: orgB, title: 'Ash stool' })
  await refreshScores(db, 'all', now)
  expect(await ranking()).toEqual([x.slug, y.slug])
})

describe('no stale score: every input change moves the ranking at once', () => {
  it('organisation facts', async () => {
    await updateOrganisationFacts(db, orgB, { oneMemberOneVote: 1 }, now)
    expect(await ranking()).toEqual([y.slug, x.slug])
    await updateOrganisationFacts(db, orgB, { legalForm: 'for_profit' }, now)
    expect(await ranking()).toEqual([x.slug, y.slug])
  })

  it('evidence added and withdrawn', async () => {
    const claim = await addEvidenceClaim(
      db,
      {
        organisationId: orgB,
        claim: 'legal_form',
        value: 'worker_coop',
        evidenceLevel: 'verified',
        source: 'Registry no. 42',
        issuedAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2028-01-01T00:00:00.000Z',
      },
      now,
    )
    expect(await ranking()).toEqual([y.slug, x.slug])
    await withdrawEvidenceClaim(db, claim.id, now)
    expect(await ranking()).toEqual([x.slug, y.slug])
  })

  it('the offer’s licence', async () => {
    await db.insertInto('licences').values({ code: 'cern-ohl-s-2.0', name: 'CERN-OHL-S 2.0', openness: 'copyleft' }).execute()
    await changeOfferLicence(db, y.id, 'cern-ohl-s-2.0', now)
    expect(await ranking()).toEqual([y.slug, x.slug])
  })

  it('the offer’s certifications', async () => {
    await addEvidenceClaim(
      db,
      {
        organisationId: orgB,
        offerId: y.id,
        claim: 'certification',
        value: 'eu_organic',
        evidenceLevel: 'verified',
        source: 'Certificate IT-BIO-007',
        issuedAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2027-06-01T00:00:00.000Z',
      },
      now,
    )
    expect(await ranking()).toEqual([y.slug, x.slug])
    const score = await getStoredScore(db, y.id)
    const line = score!.criteria.find((c) => c.criterion === 'environment')!.lines[0]!
    expect(line).toMatchObject({ claimOnOffer: true, evidenceLevel: 'verified' })
  })

  it('a new rules version', async () => {
    await updateOrganisationFacts(db, orgA, { oneMemberOneVote: 1 }, now)
    await addEvidenceClaim(
      db,
      {
        organisationId: orgB,
        claim: 'environmental_claim',
        value: 'renewable_energy',
        evidenceLevel: 'self_declared',
        source: 'Own statement',
        issuedAt: '2026-01-01T00:00:00.000Z',
        expiresAt: null,
      },
      now,
    )
    expect(await ranking()).toEqual([x.slug, y.slug])
    const rules = await publishRules(
      db,
      { weights: { ...defaultWeights, ownership: 5, environment: 30 }, note: 'More weight on the planet', publishedBy: 'Steward Ada' },
      now,
    )
    expect(rules.version).toBe(2)
    expect(await ranking()).toEqual([y.slug, x.slug])
    expect((await getStoredScore(db, x.id))!.rulesVersion).toBe(2)
  })

  it('evidence expiring as time passes', async () => {
    await addEvidenceClaim(
      db,
      {
        organisationId: orgB,
        claim: 'legal_form',
        value: 'worker_coop',
        evidenceLevel: 'verified',
        source: 'Registry no. 42',
        issuedAt: '2025-01-01T00:00:00.000Z',
        expiresAt: '2027-01-01T00:00:00.000Z',
      },
      now,
    )
    expect(await ranking()).toEqual([y.slug, x.slug])
    expect(await refreshExpiredScores(db, '2026-12-31T00:00:00.000Z')).toBe(0)
    expect(await refreshExpiredScores(db, '2027-01-02T00:00:00.000Z')).toBeGreaterThan(0)
    expect(await ranking()).toEqual([x.slug, y.slug])
  })

  it('a proven forced-labour finding hides the offer; archiving removes it too', async () => {
    await addEvidenceClaim(
      db,
      {
        organisationId: orgB,
        claim: 'forced_labour_finding',
        value: 'proven',
        evidenceLevel: 'verified',
        source: 'Labour inspectorate ruling 2026/113',
        issuedAt: '2026-06-01T00:00:00.000Z',
        expiresAt: null,
      },
      now,
    )
    expect(await ranking()).toEqual([x.slug])
    await archiveOffer(db, x.id, now)
    expect(await ranking()).toEqual([])
  })

  it('refuses rules that do not add up to 100, and changes nothing', async () => {
    await expect(publishRules(db, { weights: { ...defaultWeights, ownership: 26 }, note: '', publishedBy: 'Steward Ada' }, now)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('add up to 100'),
    })
    expect((await getStoredScore(db, x.id))!.rulesVersion).toBe(1)
  })
})

describe('the explanation shown on an offer page', () => {
  it('adds up to the stored score for every offer of the demo marketplace', async () => {
    const { seededDb } = await import('../support/db')
    const demo = await seededDb()
    const offers = await demo.selectFrom('offerScores').select(['offerId', 'score']).execute()
    expect(offers.length).toBeGreaterThan(200)
    for (const { offerId, score } of offers) {
      const stored = (await getStoredScore(demo, offerId))!
      const earned = Object.fromEntries(stored.criteria.map((c) => [c.criterion, c.earned])) as Record<Criterion, number>
      const weights = Object.fromEntries(stored.criteria.map((c) => [c.criterion, c.weight])) as Weights
      expect(reweigh(earned, weights)).toBe(score)
      expect(nonEmpty(stored.criteria, `criteria of offer ${offerId}`).every((c) => c.lines.length > 0)).toBe(true)
    }
  })
})
