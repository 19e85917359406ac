import type { EvidenceLevel, LegalForm, SurplusPolicy } from '../../db/schema'

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

/** "wfto_guaranteed_fair_trade" → "Wfto guaranteed fair trade" for values without a curated label. */
export function humanize(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}
