import type { i18n as I18n, TFunction } from 'i18next'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { ClaimKind } from '../../db/schema'
import { humanize } from '../lib/labels'

// The words people read for the codes stored in the database, in the reader's language: keys
// under `labels` in the `common` namespace. A code without a key (a certification nobody curated,
// a legal form added later) is shown humanized ("eu_organic" → "Eu organic") rather than as a key.
// Components use `useLabels()`; mails, CSV and other server text use `labelsFor(translator(…))`.

export interface Labels {
  /** "Worker co-op" */
  legalForm(code: string): string
  /** "Surplus reinvested" */
  surplusPolicy(code: string): string
  /** "self-declared" (lower case: it is read inside sentences) */
  evidenceLevel(code: string): string
  /** "One member, one vote" */
  claim(code: string): string
  /** a claim's value as words: "Worker co-op", "yes", "5 : 1", "WFTO Guaranteed Fair Trade" */
  claimValue(claim: ClaimKind | string, value: string): string
  /** "Shipped or pickup" */
  delivery(code: string): string
  /** "open, permissive" */
  openness(code: string): string
  /** "Awaiting payment" */
  orderStatus(code: string): string
  /** "cancelled by the buyer" (lower case: it is read inside sentences) */
  cancelReason(code: string): string
  /** a label as it reads inside a sentence: "Worker co-op" → "worker co-op" (German keeps its capitals) */
  inSentence(label: string): string
}

/** Labels written with `t` (any namespace: the keys name `common`). */
export function labelsFor(t: TFunction): Labels {
  const labels: Labels = {
    legalForm: (code) => t(`common:labels.legalForm.${code}`, { defaultValue: humanize(code) }),
    surplusPolicy: (code) => t(`common:labels.surplusPolicy.${code}`, { defaultValue: humanize(code) }),
    evidenceLevel: (code) => t(`common:labels.evidenceLevel.${code}`, { defaultValue: humanize(code) }),
    claim: (code) => t(`common:labels.claim.${code}`, { defaultValue: humanize(code) }),
    claimValue: (claim, value) => {
      switch (claim) {
        case 'legal_form':
          return labels.legalForm(value)
        case 'surplus_policy':
          return labels.surplusPolicy(value)
        case 'one_member_one_vote':
        case 'open_books':
          return value === '1' ? t('common:labels.yes') : value === '0' ? t('common:labels.no') : value
        case 'pay_ratio':
          return t('common:labels.payRatio', { value })
        case 'certification':
          return t(`common:labels.certification.${value}`, { defaultValue: humanize(value) })
        default:
          return humanize(value)
      }
    },
    delivery: (code) => t(`common:labels.delivery.${code}`, { defaultValue: humanize(code) }),
    openness: (code) => t(`common:labels.openness.${code}`, { defaultValue: humanize(code) }),
    orderStatus: (code) => t(`common:labels.orderStatus.${code}`, { defaultValue: humanize(code) }),
    inSentence: (label) => (t('common:labels.capitalNouns') === 'yes' ? label : label.charAt(0).toLocaleLowerCase() + label.slice(1)),
    cancelReason: (code) => t(`common:labels.cancelReason.${code}`, { defaultValue: humanize(code) }),
  }
  return labels
}

// One Labels per i18next instance and language, shared by every component (a catalog page has
// dozens of badges).
const shared = new WeakMap<I18n, Map<string, Labels>>()

/** The labels in the reader's language, for components. */
export function useLabels(): Labels {
  const { i18n } = useTranslation('common')
  const language = i18n.language
  return useMemo(() => {
    let byLanguage = shared.get(i18n)
    if (!byLanguage) shared.set(i18n, (byLanguage = new Map()))
    let labels = byLanguage.get(language)
    if (!labels) byLanguage.set(language, (labels = labelsFor(i18n.getFixedT(language, 'common'))))
    return labels
  }, [i18n, language])
}
