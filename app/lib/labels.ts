import type { EvidenceLevel, LegalForm, SurplusPolicy, ClaimKind, DeliveryMode, LicenceOpenness, OrderStatus } from '../../db/schema'

// The codes stored in the database in English words, for the domain's own English text (score
// explanations, reciprocity reasons, logs and tests). Pages, mails and CSV write them in the
// reader's language with `useLabels()` / `labelsFor(t)` from '~/i18n/labels' instead.

export const legalFormLabel: Record<LegalForm, string> = {
  worker_coop: 'Worker co-op',
  producer_coop: 'Producer co-op',
  consumer_coop: 'Consumer co-op',
  multi_stakeholder_coop: 'Multi-stakeholder co-op',
  platform_coop: 'Platform co-op',
  commons_project: 'Commons project',
  nonprofit: 'Nonprofit',
  social_enterprise: 'Social enterprise',
  informal_group: 'Informal group',
  sole_trader: 'Sole trader',
  for_profit: 'For-profit company',
}

export const surplusPolicyLabel: Record<SurplusPolicy, string> = {
  all_to_members: 'Surplus shared among members',
  reinvested: 'Surplus reinvested',
  capped_return: 'Capped return on capital',
  shareholder_dividends: 'Dividends to shareholders',
}

export const evidenceLevelLabel: Record<EvidenceLevel, string> = {
  self_declared: 'self-declared',
  documented: 'documented',
  peer_attested: 'peer-attested',
  verified: 'verified',
}

export const claimLabel: Record<ClaimKind, string> = {
  legal_form: 'Legal form',
  one_member_one_vote: 'One member, one vote',
  member_count: 'Members',
  surplus_policy: 'Surplus policy',
  pay_ratio: 'Pay ratio',
  open_books: 'Open books',
  certification: 'Certification',
  environmental_claim: 'Environmental claim',
  cost_breakdown: 'Cost breakdown',
  cooperative_sourcing: 'Sourcing from co-ops',
  forced_labour_finding: 'Forced-labour finding',
}

export const deliveryLabel: Record<DeliveryMode, string> = {
  shipping: 'Shipped',
  pickup: 'Pickup',
  shipping_or_pickup: 'Shipped or pickup',
  download: 'Download',
  link: 'Online access',
}

export const opennessLabel: Record<LicenceOpenness, string> = {
  copyfair: 'copyfair',
  copyleft: 'copyleft',
  permissive: 'open, permissive',
  non_commercial: 'non-commercial',
  proprietary: 'proprietary',
}

/** "wfto_guaranteed_fair_trade" → "Wfto guaranteed fair trade" for values without a curated label. */
export function humanize(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

const certificationLabels: Record<string, string> = {
  wfto_guaranteed_fair_trade: 'WFTO Guaranteed Fair Trade',
  fairtrade_international: 'Fairtrade International',
  eu_organic: 'EU organic',
  eu_ecolabel: 'EU Ecolabel',
  b_corp: 'B Corp',
}

export function claimValueLabel(claim: ClaimKind, value: string): string {
  switch (claim) {
    case 'legal_form':
      return legalFormLabel[value as LegalForm] ?? humanize(value)
    case 'surplus_policy':
      return surplusPolicyLabel[value as SurplusPolicy] ?? humanize(value)
    case 'one_member_one_vote':
    case 'open_books':
      return value === '1' ? 'yes' : value === '0' ? 'no' : value
    case 'pay_ratio':
      return `${value} : 1`
    case 'certification':
      return certificationLabels[value] ?? humanize(value)
    default:
      return humanize(value)
  }
}

export const orderStatusLabel: Record<OrderStatus, string> = {
  pending_payment: 'Awaiting payment',
  paid: 'Paid',
  fulfilled: 'Fulfilled',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
}

export const cancelReasonLabel: Record<string, string> = {
  expired: 'lapsed unpaid',
  cancelled_by_buyer: 'cancelled by the buyer',
  cancelled_by_seller: 'cancelled by the seller',
  claim_overturned:
    'cancelled before payment because a steward overturned the claim that gave it the commoner price; order again at the price that applies now',
}
