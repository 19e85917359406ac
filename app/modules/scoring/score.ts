// The ethical-preference score: pure, explainable, computed from stored facts only.
// Each criterion's points = weight × Σ(component share × attainment × evidence factor).
import type { ClaimKind, EvidenceLevel, LegalForm, LicenceOpenness, OfferKind, SurplusPolicy } from '../../../db/schema'
import { evidenceLevelLabel, legalFormLabel, surplusPolicyLabel } from '../../lib/labels'
import { effectiveEvidenceLevel, evidenceFactor, levelRank } from '../evidence/evidence'
import { criteria, type Criterion, type Weights } from './rules'

export interface ClaimFact {
  id: number
  claim: ClaimKind
  value: string
  evidenceLevel: EvidenceLevel
  expiresAt: string | null
  /** null for a claim about the organisation, else the offer it is about */
  offerId: number | null
}

export interface ScoringInput {
  now: string
  organisation: {
    legalForm: LegalForm
    oneMemberOneVote: 0 | 1 | null
    surplusPolicy: SurplusPolicy | null
    payRatio: number | null
    openBooks: 0 | 1 | null
  }
  offer: {
    id: number
    kind: OfferKind
    licenceName: string | null
    licenceOpenness: LicenceOpenness | null
    /** access fee = for-profit price − commoner price, minor units */
    accessFee: number
    accessFeeCommonsFundBp: number
  }
  /** The producer's organisation-level claims and this offer's own claims. */
  claims: ClaimFact[]
  /** Share (0–1) of the producer's active offers under open or copyfair licences. */
  producerOpenShare: number
}

/**
 * What one line of the explanation says, as a code with its values, for a page to write in the
 * reader's language (`score.reason.<code>` in the `catalog` messages). Values that are codes
 * (`legalForm`, `surplusPolicy`, `certification`) are written with the labels.
 */
export type ScoreReason =
  | { code: 'legalForm'; legalForm: LegalForm }
  | { code: 'surplusPolicy'; surplusPolicy: SurplusPolicy }
  | { code: 'accessFeeShare'; share: number; minimum: number }
  | { code: 'licence'; licence: string }
  | { code: 'openShare'; share: number }
  | { code: 'payRatio'; ratio: number }
  | { code: 'envCertification'; certification: string }
  | { code: 'envPractice'; practice: string }
  | {
      code:
        | 'votingNotStated'
        | 'oneMemberOneVote'
        | 'votesNotOnePerMember'
        | 'surplusNotStated'
        | 'noAccessFee'
        | 'noLicence'
        | 'fairTrade'
        | 'noFairTrade'
        | 'payRatioNotStated'
        | 'booksNotStated'
        | 'openBooks'
        | 'booksNotOpen'
        | 'costBreakdown'
        | 'noCostBreakdown'
        | 'noEnvCertification'
        | 'noEnvClaims'
        | 'sourcing'
        | 'noSourcing'
    }

export interface ExplanationLine {
  criterion: Criterion
  /** community points this line earns, one decimal */
  points: number
  /** the line in English, for logs and tests; pages write `reason` in the reader's language */
  text: string
  reason: ScoreReason
  /** null when the fact is missing */
  evidenceLevel: EvidenceLevel | null
  /** the evidence claim behind the line, to link to */
  claimId: number | null
  claimOnOffer: boolean
}

export interface CriterionResult {
  criterion: Criterion
  weight: number
  /** 0–1: share of the criterion earned, evidence factors applied; weight-independent */
  earned: number
  points: number
  lines: ExplanationLine[]
}

export interface ScoreResult {
  score: number
  confidence: number
  criteria: CriterionResult[]
  exclusion: { reason: string; claimId: number } | null
}

/** The minimum share of an access fee that must go to a commons fund before it earns points. */
export const MIN_COMMONS_FUND_BP = 2500

const fairTradeCertifications = new Set(['wfto_guaranteed_fair_trade', 'fairtrade_international', 'fair_for_life'])
const environmentalCertifications = new Set(['eu_organic', 'eu_ecolabel', 'demeter', 'nature_et_progres', 'blue_angel', 'fsc'])

const ownershipByLegalForm: Record<LegalForm, number> = {
  worker_coop: 1,
  producer_coop: 1,
  consumer_coop: 1,
  multi_stakeholder_coop: 1,
  platform_coop: 1,
  commons_project: 1,
  nonprofit: 0.7,
  informal_group: 0.5,
  social_enterprise: 0.4,
  sole_trader: 0.2,
  for_profit: 0,
}

const surplusAttainment: Record<SurplusPolicy, number> = {
  all_to_members: 1,
  reinvested: 1,
  capped_return: 0.6,
  shareholder_dividends: 0,
}

const opennessAttainment: Record<LicenceOpenness, number> = {
  copyfair: 1,
  copyleft: 0.9,
  permissive: 0.8,
  non_commercial: 0.4,
  proprietary: 0,
}

function payRatioAttainment(ratio: number): number {
  if (ratio <= 2) return 1
  if (ratio <= 3) return 0.9
  if (ratio <= 5) return 0.7
  if (ratio <= 10) return 0.4
  if (ratio <= 20) return 0.15
  return 0
}

interface Backing {
  level: EvidenceLevel
  claim: ClaimFact | null
}

/** The strongest unexpired claim of `kind` whose value satisfies `matches`; none means self-declared. */
function strongestClaim(input: ScoringInput, kind: ClaimKind, matches: (value: string) => boolean): Backing | null {
  let best: Backing | null = null
  for (const claim of input.claims) {
    if (claim.claim !== kind || !matches(claim.value)) continue
    const level = effectiveEvidenceLevel(claim, input.now)
    if (!best || levelRank[level] > levelRank[best.level] || (level === best.level && best.claim && claim.id < best.claim.id)) {
      best = { level, claim }
    }
  }
  return best
}

/** A stored fact is backed by a claim stating the same value; without one it is self-declared. */
function backingFor(input: ScoringInput, kind: ClaimKind, matches: (value: string) => boolean): Backing {
  return strongestClaim(input, kind, matches) ?? { level: 'self_declared', claim: null }
}

interface Component {
  share: number
  /** null: the fact is missing (earns nothing, lowers confidence) */
  attainment: number | null
  backing: Backing | null
  /** in English */
  describe: string
  reason: ScoreReason
}

const round1 = (n: number) => Math.round(n * 10) / 10

function components(input: ScoringInput): Record<Criterion, Component[]> {
  const org = input.organisation
  const offer = input.offer

  const legalFormBacking = backingFor(input, 'legal_form', (v) => v === org.legalForm)
  const omov = org.oneMemberOneVote
  const surplus = org.surplusPolicy
  const fairTrade = strongestClaim(input, 'certification', (v) => fairTradeCertifications.has(v))
  const payRatio = org.payRatio
  const openBooks = org.openBooks
  const costBreakdown = strongestClaim(input, 'cost_breakdown', (v) => v !== 'none')
  const envCertification = strongestClaim(input, 'certification', (v) => environmentalCertifications.has(v))
  const envClaim = strongestClaim(input, 'environmental_claim', () => true)
  const sourcing = strongestClaim(input, 'cooperative_sourcing', () => true)
  // The marketplace itself enforces the split it records, so that fact is verified.
  const platformFact: Backing = { level: 'verified', claim: null }
  // A licence is granted through this marketplace and published with the offer.
  const publishedFact: Backing = { level: 'documented', claim: null }

  const shareBp = offer.accessFeeCommonsFundBp
  const benefitSharing = offer.accessFee === 0 ? 0 : Math.max(0, Math.min(1, (shareBp - MIN_COMMONS_FUND_BP) / (7500 - MIN_COMMONS_FUND_BP)))

  return {
    ownership: [
      {
        share: 0.7,
        attainment: ownershipByLegalForm[org.legalForm],
        backing: legalFormBacking,
        describe: legalFormLabel[org.legalForm].toLowerCase(),
        reason: { code: 'legalForm', legalForm: org.legalForm },
      },
      {
        share: 0.3,
        attainment: omov === null ? null : omov,
        backing: omov === null ? null : backingFor(input, 'one_member_one_vote', (v) => v === String(omov)),
        describe: omov === null ? 'voting rights not stated' : omov ? 'one member, one vote' : 'votes not one per member',
        reason: { code: omov === null ? 'votingNotStated' : omov ? 'oneMemberOneVote' : 'votesNotOnePerMember' },
      },
    ],
    surplus: [
      {
        share: 0.6,
        attainment: surplus === null ? null : surplusAttainment[surplus],
        backing: surplus === null ? null : backingFor(input, 'surplus_policy', (v) => v === surplus),
        describe: surplus === null ? 'surplus policy not stated' : surplusPolicyLabel[surplus].toLowerCase(),
        reason: surplus === null ? { code: 'surplusNotStated' } : { code: 'surplusPolicy', surplusPolicy: surplus },
      },
      {
        share: 0.4,
        attainment: benefitSharing,
        backing: platformFact,
        describe:
          offer.accessFee === 0 ? 'no access fee to share' : `${shareBp / 100}% of the access fee to a commons fund (minimum ${MIN_COMMONS_FUND_BP / 100}%)`,
        reason: offer.accessFee === 0 ? { code: 'noAccessFee' } : { code: 'accessFeeShare', share: shareBp / 100, minimum: MIN_COMMONS_FUND_BP / 100 },
      },
    ],
    openKnowledge: [
      {
        share: 0.6,
        attainment: offer.licenceOpenness === null ? null : opennessAttainment[offer.licenceOpenness],
        backing: offer.licenceOpenness === null ? null : publishedFact,
        describe: offer.licenceName ? `offered under ${offer.licenceName}` : 'no licence stated for this offer',
        reason: offer.licenceName ? { code: 'licence', licence: offer.licenceName } : { code: 'noLicence' },
      },
      {
        share: 0.4,
        attainment: input.producerOpenShare,
        backing: publishedFact,
        describe: `${Math.round(input.producerOpenShare * 100)}% of the producer's offers under open or copyfair licences`,
        reason: { code: 'openShare', share: Math.round(input.producerOpenShare * 100) },
      },
    ],
    fairWork: [
      {
        share: 0.5,
        attainment: fairTrade ? 1 : null,
        backing: fairTrade,
        describe: fairTrade ? 'fair-trade certified' : 'no fair-trade certification',
        reason: { code: fairTrade ? 'fairTrade' : 'noFairTrade' },
      },
      {
        share: 0.5,
        attainment: payRatio === null ? null : payRatioAttainment(payRatio),
        backing: payRatio === null ? null : backingFor(input, 'pay_ratio', (v) => Number(v) === payRatio),
        describe: payRatio === null ? 'pay ratio not stated' : `pay ratio ${payRatio} : 1`,
        reason: payRatio === null ? { code: 'payRatioNotStated' } : { code: 'payRatio', ratio: payRatio },
      },
    ],
    transparency: [
      {
        share: 0.6,
        attainment: openBooks === null ? null : openBooks,
        backing: openBooks === null ? null : backingFor(input, 'open_books', (v) => v === String(openBooks)),
        describe: openBooks === null ? 'books: not stated' : openBooks ? 'open books' : 'books not open',
        reason: { code: openBooks === null ? 'booksNotStated' : openBooks ? 'openBooks' : 'booksNotOpen' },
      },
      {
        share: 0.4,
        attainment: costBreakdown ? 1 : null,
        backing: costBreakdown,
        describe: costBreakdown ? 'published cost breakdown' : 'no published cost breakdown',
        reason: { code: costBreakdown ? 'costBreakdown' : 'noCostBreakdown' },
      },
    ],
    environment: [
      {
        share: 0.6,
        attainment: envCertification ? 1 : null,
        backing: envCertification,
        describe: envCertification ? `environmental certification (${envCertification.claim!.value.replace(/_/g, ' ')})` : 'no environmental certification',
        reason: envCertification ? { code: 'envCertification', certification: envCertification.claim!.value } : { code: 'noEnvCertification' },
      },
      {
        share: 0.4,
        attainment: envClaim ? 1 : null,
        backing: envClaim,
        describe: envClaim ? `environmental practice: ${envClaim.claim!.value.replace(/_/g, ' ')}` : 'no environmental claims',
        reason: envClaim ? { code: 'envPractice', practice: envClaim.claim!.value.replace(/_/g, ' ') } : { code: 'noEnvClaims' },
      },
    ],
    cooperation: [
      {
        share: 1,
        attainment: sourcing ? 1 : null,
        backing: sourcing,
        describe: sourcing ? 'inputs sourced from other listed commons enterprises' : 'no sourcing from listed co-ops stated',
        reason: { code: sourcing ? 'sourcing' : 'noSourcing' },
      },
    ],
  }
}

/** Scores one offer under `weights` (the community rules document). */
export function scoreOffer(input: ScoringInput, weights: Weights): ScoreResult {
  const forcedLabour = strongestClaim(input, 'forced_labour_finding', (v) => v === 'proven')
  const exclusion =
    forcedLabour && levelRank[forcedLabour.level] >= levelRank.documented
      ? { reason: 'A proven forced-labour finding against the producer', claimId: forcedLabour.claim!.id }
      : null

  const totalWeight = criteria.reduce((sum, c) => sum + weights[c], 0)
  let backedWeight = 0
  const byCriterion = components(input)
  const results = criteria.map((criterion): CriterionResult => {
    const weight = weights[criterion]
    let earned = 0
    const lines = byCriterion[criterion].map((component): ExplanationLine => {
      const present = component.attainment !== null && component.backing !== null
      const level = present ? component.backing!.level : null
      const part = present ? component.share * component.attainment! * evidenceFactor[level!] : 0
      earned += part
      if (present && levelRank[level!] >= levelRank.peer_attested) backedWeight += weight * component.share
      const points = round1(weight * part)
      const claim = present ? component.backing!.claim : null
      return {
        criterion,
        points,
        text: `${points > 0 ? '+' : ''}${points} ${component.describe}${level ? `, ${evidenceLevelLabel[level]}` : ''}`,
        reason: component.reason,
        evidenceLevel: level,
        claimId: claim?.id ?? null,
        claimOnOffer: claim?.offerId != null,
      }
    })
    return { criterion, weight, earned, points: round1(weight * earned), lines }
  })

  const raw = results.reduce((sum, r) => sum + r.weight * r.earned, 0)
  return {
    score: totalWeight === 0 ? 0 : round1((raw / totalWeight) * 100),
    confidence: totalWeight === 0 ? 0 : Math.round((backedWeight / totalWeight) * 100) / 100,
    criteria: results,
    exclusion,
  }
}

/** A buyer's re-weighted view of a stored score: weight-independent `earned` per criterion, reweighted to 0–100. */
export function reweigh(earned: Record<Criterion, number>, weights: Weights): number {
  const total = criteria.reduce((sum, c) => sum + weights[c], 0)
  if (total === 0) return 0
  return round1((criteria.reduce((sum, c) => sum + weights[c] * earned[c], 0) / total) * 100)
}
