import { useTranslation } from 'react-i18next'
import type { EvidenceLevel, LegalForm, OfferKind } from '../../db/schema'
import { legalForms } from '../../db/schema'
import { useFormat } from '~/i18n/format'
import { useLabels } from '~/i18n/labels'

const commonsForms: ReadonlySet<LegalForm> = new Set([
  'worker_coop',
  'producer_coop',
  'consumer_coop',
  'multi_stakeholder_coop',
  'platform_coop',
  'commons_project',
])

export function LegalFormBadge({ legalForm }: { legalForm: LegalForm }) {
  const labels = useLabels()
  const tone = commonsForms.has(legalForm) ? 'coop' : legalForm === 'for_profit' ? 'for-profit' : 'other'
  return <span className={`badge badge--${tone}`}>{labels.legalForm(legalForm)}</span>
}

export function KindBadge({ kind }: { kind: OfferKind }) {
  const { t } = useTranslation('catalog')
  return kind === 'commons' ? (
    <span className="badge badge--commons">{t('badge.commonsItem')}</span>
  ) : (
    <span className="badge badge--good">{t('badge.good')}</span>
  )
}

export function EvidenceBadge({ level, expired }: { level: EvidenceLevel; expired?: boolean }) {
  const { t } = useTranslation('catalog')
  const labels = useLabels()
  return (
    <span className={`evidence evidence--${level}`}>{expired ? t('badge.expired', { level: labels.evidenceLevel(level) }) : labels.evidenceLevel(level)}</span>
  )
}

/** The public badge: always the community score, with how much of it is well evidenced. */
export function ScoreBadge({ score, confidence }: { score: number; confidence: number }) {
  const { t } = useTranslation('catalog')
  const f = useFormat()
  const tier = score >= 60 ? 'high' : score >= 35 ? 'mid' : 'low'
  const percent = Math.round(confidence * 100)
  return (
    <span className={`score score--${tier}`} title={t('badge.scoreTitle', { score: f.number(score), percent })}>
      <span className="visually-hidden">{t('badge.communityScore')} </span>
      {Math.round(score)}
      <span className="score__confidence"> · {t('badge.sure', { percent })}</span>
    </span>
  )
}

/** The legal forms, as options of a select. */
export function LegalFormOptions() {
  const labels = useLabels()
  return (
    <>
      {legalForms.map((f) => (
        <option key={f} value={f}>
          {labels.legalForm(f)}
        </option>
      ))}
    </>
  )
}
