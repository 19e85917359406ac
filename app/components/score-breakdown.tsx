import { evidenceLevelLabel } from '~/lib/labels'
import { criterionLabel } from '~/modules/scoring/rules'
import type { StoredScore } from '~/modules/scoring/scores.server'
import { ScoreBadge } from './badges'

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
  const evidenceHref = (claimId: number, onOffer: boolean) =>
    evidenceIn === 'workspace'
      ? `/organisations/${producerSlug}/manage#evidence-${claimId}`
      : onOffer
        ? `/offers/${offerSlug}#evidence-${claimId}`
        : `/organisations/${producerSlug}#evidence-${claimId}`
  return (
    <section aria-labelledby="score-title" className="breakdown">
      <h2 id="score-title">
        Ethical-preference score <ScoreBadge score={score.score} confidence={score.confidence} />
      </h2>
      <p className="muted small">
        {score.score} of 100 with the community weights (rules version {score.rulesVersion}). Confidence {Math.round(score.confidence * 100)}%: the share of the
        weight backed by peer-attested or verified evidence. Missing facts earn no points.
      </p>
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">Score by criterion</caption>
          <thead>
            <tr>
              <th scope="col">Criterion</th>
              <th scope="col">Points</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {score.criteria.map((c) => (
              <tr key={c.criterion}>
                <th scope="row">
                  {criterionLabel[c.criterion]} <span className="muted">(weight {c.weight})</span>
                </th>
                <td className="num">
                  {c.points} / {c.weight}
                </td>
                <td>
                  <ul className="reasons">
                    {c.lines.map((line, i) => (
                      <li key={i} className={line.evidenceLevel === null ? 'muted' : undefined}>
                        {line.text}
                        {line.claimId !== null ? (
                          <>
                            {' '}
                            <a href={evidenceHref(line.claimId, line.claimOnOffer)} aria-label={`Evidence for: ${line.text}`}>
                              evidence
                            </a>
                          </>
                        ) : line.evidenceLevel && line.evidenceLevel !== 'self_declared' ? (
                          <span className="muted"> (recorded by the marketplace)</span>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        Evidence levels count{' '}
        {(['self_declared', 'documented', 'peer_attested', 'verified'] as const).map(
          (l, i) => `${i ? ', ' : ''}${evidenceLevelLabel[l]} ×${[0.25, 0.5, 0.75, 1][i]}`,
        )}
        ; expired evidence counts as self-declared.
      </p>
    </section>
  )
}
