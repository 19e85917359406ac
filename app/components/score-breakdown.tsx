import { useCallback } from 'react'
import { useTranslation } from 'react-i18next'
import { evidenceLevels } from '../../db/schema'
import { useFormat } from '~/i18n/format'
import { useLabels } from '~/i18n/labels'
import { evidenceFactor } from '~/modules/evidence/evidence'
import type { ExplanationLine, ScoreReason } from '~/modules/scoring/score'
import type { StoredScore } from '~/modules/scoring/scores.server'
import { ScoreBadge } from './badges'

/** One line of a score's explanation ("+17.5 worker co-op, verified") in the reader's language. */
export function useScoreLine(): (line: Pick<ExplanationLine, 'points' | 'reason' | 'evidenceLevel'>) => string {
  const { t } = useTranslation('catalog')
  const labels = useLabels()
  const f = useFormat()
  const reasonText = useCallback(
    (reason: ScoreReason): string => {
      switch (reason.code) {
        case 'legalForm':
          return t('score.reason.legalForm', { form: labels.inSentence(labels.legalForm(reason.legalForm)) })
        case 'surplusPolicy':
          return t('score.reason.surplusPolicy', { policy: labels.inSentence(labels.surplusPolicy(reason.surplusPolicy)) })
        case 'accessFeeShare':
          return t('score.reason.accessFeeShare', { share: f.number(reason.share), minimum: f.number(reason.minimum) })
        case 'licence':
          return t('score.reason.licence', { licence: reason.licence })
        case 'openShare':
          return t('score.reason.openShare', { share: f.number(reason.share) })
        case 'payRatio':
          return t('score.reason.payRatio', { ratio: f.number(reason.ratio) })
        case 'envCertification':
          return t('score.reason.envCertification', {
            certification: t(`common:labels.certification.${reason.certification}`, { defaultValue: reason.certification.replace(/_/g, ' ') }),
          })
        case 'envPractice':
          return t('score.reason.envPractice', { practice: reason.practice })
        default:
          return t(`score.reason.${reason.code}`)
      }
    },
    [t, labels, f],
  )
  return useCallback(
    (line) => {
      const points = `${line.points > 0 ? '+' : ''}${f.number(line.points, { maximumFractionDigits: 1 })}`
      const reason = reasonText(line.reason)
      return line.evidenceLevel
        ? t('score.lineWithLevel', { points, reason, level: labels.evidenceLevel(line.evidenceLevel) })
        : t('score.line', { points, reason })
    },
    [t, labels, f, reasonText],
  )
}

/**
 * Every point of the community score, one line each, linked to the evidence behind it: on the
 * public offer and organisation pages, or (`evidenceIn="workspace"`, for the producer's own
 * members) in the organisation's workspace, which lists every claim, also those of a listing
 * that is archived and so has no public page.
 */
export function ScoreBreakdown({
  score,
  producerSlug,
  offerSlug,
  evidenceIn = 'public pages',
}: {
  score: StoredScore
  producerSlug: string
  offerSlug: string
  evidenceIn?: 'public pages' | 'workspace'
}) {
  const { t } = useTranslation('catalog')
  const labels = useLabels()
  const f = useFormat()
  const lineText = useScoreLine()
  const evidenceHref = (claimId: number, onOffer: boolean) =>
    evidenceIn === 'workspace'
      ? `/organisations/${producerSlug}/manage#evidence-${claimId}`
      : onOffer
        ? `/offers/${offerSlug}#evidence-${claimId}`
        : `/organisations/${producerSlug}#evidence-${claimId}`
  return (
    <section aria-labelledby="score-title" className="breakdown">
      <h2 id="score-title">
        {t('score.title')} <ScoreBadge score={score.score} confidence={score.confidence} />
      </h2>
      <p className="muted small">
        {t('score.summary', { score: f.number(score.score), version: score.rulesVersion, confidence: Math.round(score.confidence * 100) })}
      </p>
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">{t('score.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('score.criterion')}</th>
              <th scope="col">{t('score.points')}</th>
              <th scope="col">{t('score.why')}</th>
            </tr>
          </thead>
          <tbody>
            {score.criteria.map((c) => (
              <tr key={c.criterion}>
                <th scope="row">
                  {t(`criteria.${c.criterion}`)} <span className="muted">{t('score.weight', { weight: c.weight })}</span>
                </th>
                <td className="num">{t('score.pointsOf', { points: f.number(c.points, { maximumFractionDigits: 1 }), weight: c.weight })}</td>
                <td>
                  <ul className="reasons">
                    {c.lines.map((line, i) => {
                      const text = lineText(line)
                      return (
                        <li key={i} className={line.evidenceLevel === null ? 'muted' : undefined}>
                          {text}
                          {line.claimId !== null ? (
                            <>
                              {' '}
                              <a href={evidenceHref(line.claimId, line.claimOnOffer)} aria-label={t('score.evidenceFor', { line: text })}>
                                {t('score.evidence')}
                              </a>
                            </>
                          ) : line.evidenceLevel && line.evidenceLevel !== 'self_declared' ? (
                            <span className="muted"> {t('score.recordedByMarketplace')}</span>
                          ) : null}
                        </li>
                      )
                    })}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        {t('score.levelsCount', {
          levels: evidenceLevels.map((l) => t('score.levelFactor', { level: labels.evidenceLevel(l), factor: f.number(evidenceFactor[l]) })).join(', '),
          selfDeclared: labels.evidenceLevel('self_declared'),
        })}
      </p>
    </section>
  )
}
