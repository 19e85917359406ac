import type { EvidenceLevel, LegalForm, OfferKind } from '../../db/schema'
import { legalForms } from '../../db/schema'
import { evidenceLevelLabel, legalFormLabel } from '~/lib/labels'

const commonsForms: ReadonlySet<LegalForm> = new Set([
  'worker_coop',
  'producer_coop',
  'consumer_coop',
  'multi_stakeholder_coop',
  'platform_coop',
  'commons_project',
])

export function LegalFormBadge({ legalForm }: { legalForm: LegalForm }) {
  const tone = commonsForms.has(legalForm) ? 'coop' : legalForm === 'for_profit' ? 'for-profit' : 'other'
  return <span className={`badge badge--${tone}`}>{legalFormLabel[legalForm]}</span>
}

export function KindBadge({ kind }: { kind: OfferKind }) {
  return kind === 'commons' ? <span className="badge badge--commons">Commons item</span> : <span className="badge badge--good">Good</span>
}

export function EvidenceBadge({ level, expired }: { level: EvidenceLevel; expired?: boolean }) {
  return (
    <span className={`evidence evidence--${level}`}>
      {evidenceLevelLabel[level]}
      {expired ? ' (expired)' : ''}
    </span>
  )
}

/** The public badge: always the community score, with how much of it is well evidenced. */
export function ScoreBadge({ score, confidence }: { score: number; confidence: number }) {
  const tier = score >= 60 ? 'high' : score >= 35 ? 'mid' : 'low'
  return (
    <span
      className={`score score--${tier}`}
      title={`Community score ${score} of 100; ${Math.round(confidence * 100)}% backed by peer-attested or verified evidence`}
    >
      <span className="visually-hidden">Community score </span>
      {Math.round(score)}
      <span className="score__confidence"> · {Math.round(confidence * 100)}% sure</span>
    </span>
  )
}

/** The legal forms, as options of a select. */
export function LegalFormOptions() {
  return (
    <>
      {legalForms.map((f) => (
        <option key={f} value={f}>
          {legalFormLabel[f]}
        </option>
      ))}
    </>
  )
}
