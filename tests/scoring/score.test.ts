import { describe, expect, it } from 'vitest'
import { defaultWeights, type Weights } from '../../app/modules/scoring/rules'
import { reweigh, scoreOffer, type ClaimFact, type ScoringInput } from '../../app/modules/scoring/score'

const now = '2026-11-24T12:00:00.000Z'
let nextId = 1
function claim(partial: Partial<ClaimFact> & Pick<ClaimFact, 'claim' | 'value'>): ClaimFact {
  return { id: nextId++, evidenceLevel: 'verified', expiresAt: '2028-01-01T00:00:00.000Z', offerId: null, ...partial }
}

/** A for-profit producer with nothing stated: the floor every criterion starts from. */
function bare(overrides: Partial<ScoringInput> = {}): ScoringInput {
  return {
    now,
    organisation: { legalForm: 'for_profit', oneMemberOneVote: null, surplusPolicy: null, payRatio: null, openBooks: null },
    offer: { id: 1, kind: 'good', licenceName: null, licenceOpenness: null, accessFee: 0, accessFeeCommonsFundBp: 4500 },
    claims: [],
    producerOpenShare: 0,
    ...overrides,
  }
}
const points = (input: ScoringInput, criterion: string, weights: Weights = defaultWeights) =>
  scoreOffer(input, weights).criteria.find((c) => c.criterion === criterion)!.points

describe('the ethical-preference score, criterion by criterion', () => {
  it('gives nothing for a for-profit with no stated facts; only the marketplace’s own fee-split fact is backed', () => {
    const result = scoreOffer(bare(), defaultWeights)
    expect(result.score).toBe(0)
    expect(result.confidence).toBe(0.08) // benefit sharing: 20 × 0.4, recorded by the marketplace itself
    expect(result.exclusion).toBeNull()
    expect(result.criteria.map((c) => c.weight)).toEqual([25, 20, 15, 15, 10, 10, 5])
  })

  it('ownership: a verified worker co-op with one member one vote earns all 25 points', () => {
    const org = { ...bare().organisation, legalForm: 'worker_coop' as const, oneMemberOneVote: 1 as const }
    const verified = bare({
      organisation: org,
      claims: [claim({ claim: 'legal_form', value: 'worker_coop' }), claim({ claim: 'one_member_one_vote', value: '1' })],
    })
    expect(points(verified, 'ownership')).toBe(25)
    // The same facts self-declared earn a quarter.
    expect(points(bare({ organisation: org }), 'ownership')).toBe(6.3)
    // A peer attestation earns three quarters of the legal-form share.
    const attested = bare({ organisation: org, claims: [claim({ claim: 'legal_form', value: 'worker_coop', evidenceLevel: 'peer_attested' })] })
    expect(points(attested, 'ownership')).toBe(Math.round((25 * 0.7 * 0.75 + 25 * 0.3 * 0.25) * 10) / 10)
  })

  it('evidence that contradicts the stored fact backs nothing', () => {
    const org = { ...bare().organisation, legalForm: 'worker_coop' as const }
    const stale = bare({ organisation: org, claims: [claim({ claim: 'legal_form', value: 'for_profit' })] })
    expect(points(stale, 'ownership')).toBe(Math.round(25 * 0.7 * 0.25 * 10) / 10)
  })

  it('expired evidence drops to self-declared', () => {
    const org = { ...bare().organisation, legalForm: 'worker_coop' as const }
    const expired = bare({ organisation: org, claims: [claim({ claim: 'legal_form', value: 'worker_coop', expiresAt: '2026-01-01T00:00:00.000Z' })] })
    const fresh = bare({ organisation: org, claims: [claim({ claim: 'legal_form', value: 'worker_coop' })] })
    expect(points(fresh, 'ownership')).toBe(17.5)
    expect(points(expired, 'ownership')).toBe(4.4)
    expect(scoreOffer(expired, defaultWeights).criteria[0]!.lines[0]!.evidenceLevel).toBe('self_declared')
  })

  it('surplus & reciprocity: surplus kept in the commons and a benefit-sharing ratio above the minimum', () => {
    const org = { ...bare().organisation, surplusPolicy: 'reinvested' as const }
    const base = bare({ organisation: org, claims: [claim({ claim: 'surplus_policy', value: 'reinvested' })] })
    expect(points(base, 'surplus')).toBe(12) // 20 × 0.6, no access fee to share
    const sharing = { ...base.offer, accessFee: 1000, accessFeeCommonsFundBp: 7500 }
    expect(points({ ...base, offer: sharing }, 'surplus')).toBe(20)
    const atMinimum = { ...base.offer, accessFee: 1000, accessFeeCommonsFundBp: 2500 }
    expect(points({ ...base, offer: atMinimum }, 'surplus')).toBe(12)
    const dividends = bare({ organisation: { ...org, surplusPolicy: 'shareholder_dividends' } })
    expect(points(dividends, 'surplus')).toBe(0)
  })

  it('open knowledge: open beats semi-closed, and the producer’s other output counts', () => {
    const offerUnder = (openness: 'copyfair' | 'copyleft' | 'non_commercial' | 'proprietary') =>
      bare({ offer: { ...bare().offer, kind: 'commons', licenceName: openness, licenceOpenness: openness } })
    const copyfair = points(offerUnder('copyfair'), 'openKnowledge')
    const copyleft = points(offerUnder('copyleft'), 'openKnowledge')
    const nc = points(offerUnder('non_commercial'), 'openKnowledge')
    expect(copyfair).toBeGreaterThan(copyleft)
    expect(copyleft).toBeGreaterThan(nc)
    expect(nc).toBeGreaterThan(points(offerUnder('proprietary'), 'openKnowledge'))
    expect(points(bare({ producerOpenShare: 1 }), 'openKnowledge')).toBe(3) // 15 × 0.4 × documented
  })

  it('fair work: fair-trade certification and a low pay ratio', () => {
    const certified = bare({ claims: [claim({ claim: 'certification', value: 'wfto_guaranteed_fair_trade' })] })
    expect(points(certified, 'fairWork')).toBe(7.5)
    const lowRatio = bare({ organisation: { ...bare().organisation, payRatio: 2 }, claims: [claim({ claim: 'pay_ratio', value: '2' })] })
    expect(points(lowRatio, 'fairWork')).toBe(7.5)
    const highRatio = bare({ organisation: { ...bare().organisation, payRatio: 40 }, claims: [claim({ claim: 'pay_ratio', value: '40' })] })
    expect(points(highRatio, 'fairWork')).toBe(0)
    // An organic certificate is not a fair-trade one.
    expect(points(bare({ claims: [claim({ claim: 'certification', value: 'eu_organic' })] }), 'fairWork')).toBe(0)
  })

  it('transparency: open books and a published cost breakdown for this offer', () => {
    const open = bare({ organisation: { ...bare().organisation, openBooks: 1 }, claims: [claim({ claim: 'open_books', value: '1' })] })
    expect(points(open, 'transparency')).toBe(6)
    const withBreakdown = { ...open, claims: [...open.claims, claim({ claim: 'cost_breakdown', value: 'published', offerId: 1 })] }
    expect(points(withBreakdown, 'transparency')).toBe(10)
  })

  it('environment: certifications and claims', () => {
    expect(points(bare({ claims: [claim({ claim: 'certification', value: 'eu_organic' })] }), 'environment')).toBe(6)
    expect(points(bare({ claims: [claim({ claim: 'environmental_claim', value: 'renewable_energy', evidenceLevel: 'documented' })] }), 'environment')).toBe(2)
  })

  it('cooperation among co-ops: inputs from other listed commons enterprises', () => {
    expect(points(bare({ claims: [claim({ claim: 'cooperative_sourcing', value: 'flour from a listed co-op' })] }), 'cooperation')).toBe(5)
  })

  it('confidence is the share of the weight backed by peer-attested or better evidence; missing data lowers it', () => {
    const org = { ...bare().organisation, legalForm: 'worker_coop' as const, oneMemberOneVote: 1 as const }
    const verifiedForm = bare({ organisation: org, claims: [claim({ claim: 'legal_form', value: 'worker_coop' })] })
    // legal form: 25 × 0.7 = 17.5 of 100 backed; the benefit-sharing fact is the marketplace's own (20 × 0.4 = 8).
    expect(scoreOffer(verifiedForm, defaultWeights).confidence).toBe(0.26)
    const selfDeclared = bare({ organisation: org })
    expect(scoreOffer(selfDeclared, defaultWeights).confidence).toBe(0.08)
    // A self-declared fact adds points but never confidence.
    expect(scoreOffer(selfDeclared, defaultWeights).score).toBeGreaterThan(scoreOffer(bare(), defaultWeights).score)
  })

  it('explains every point in one line that links to its evidence', () => {
    const legal = claim({ claim: 'legal_form', value: 'worker_coop' })
    const input = bare({ organisation: { ...bare().organisation, legalForm: 'worker_coop' }, claims: [legal] })
    const result = scoreOffer(input, defaultWeights)
    const line = result.criteria[0]!.lines[0]!
    expect(line).toMatchObject({ text: '+17.5 worker co-op, verified', claimId: legal.id, evidenceLevel: 'verified', claimOnOffer: false })
    const lines = result.criteria.flatMap((c) => c.lines)
    expect(Math.round(lines.reduce((s, l) => s + l.points, 0) * 10) / 10).toBeCloseTo(result.score, 0)
    expect(lines.find((l) => l.criterion === 'ownership' && l.evidenceLevel === null)?.text).toBe('0 voting rights not stated')
  })

  it('a proven forced-labour finding excludes the offer instead of being averaged away', () => {
    const finding = claim({ claim: 'forced_labour_finding', value: 'proven' })
    const result = scoreOffer(bare({ claims: [finding] }), defaultWeights)
    expect(result.exclusion).toEqual({ reason: 'A proven forced-labour finding against the producer', claimId: finding.id })
    // A self-declared allegation is not a proven finding.
    expect(
      scoreOffer(bare({ claims: [claim({ claim: 'forced_labour_finding', value: 'proven', evidenceLevel: 'self_declared' })] }), defaultWeights).exclusion,
    ).toBeNull()
  })

  it('reweighs a stored score to a buyer’s own weights on the same 0–100 scale', () => {
    const earned = { ownership: 1, surplus: 0, openKnowledge: 0, fairWork: 0, transparency: 0, environment: 0, cooperation: 0 }
    expect(reweigh(earned, defaultWeights)).toBe(25)
    expect(reweigh(earned, { ...defaultWeights, ownership: 0 })).toBe(0)
    expect(reweigh(earned, { ownership: 10, surplus: 0, openKnowledge: 0, fairWork: 0, transparency: 0, environment: 0, cooperation: 0 })).toBe(100)
  })
})
