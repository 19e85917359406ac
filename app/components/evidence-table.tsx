import type { EvidenceLine } from '~/modules/evidence/evidence'
import { claimLabel, claimValueLabel } from '~/lib/labels'
import { EvidenceBadge } from './badges'

/** Claims with their evidence; with `challengeable`, each active claim links to its challenge form. */
export function EvidenceTable({ evidence, caption, challengeable = false }: { evidence: EvidenceLine[]; caption: string; challengeable?: boolean }) {
  if (evidence.length === 0) return <p className="muted">No claims with evidence yet.</p>
  return (
    <div className="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Claim</th>
            <th scope="col">Evidence</th>
            <th scope="col">Source</th>
            <th scope="col">Valid until</th>
            {challengeable ? (
              <th scope="col">
                <span className="visually-hidden">Challenge</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {evidence.map((e) => (
            <tr key={e.id} id={`evidence-${e.id}`}>
              <th scope="row">
                {claimLabel[e.claim]}: {claimValueLabel(e.claim, e.value)}
              </th>
              <td>
                {e.overturned ? (
                  <span className="evidence evidence--overturned">overturned</span>
                ) : (
                  <EvidenceBadge level={e.evidenceLevel} expired={e.expired} />
                )}
              </td>
              <td>
                {e.sourceUrl ? (
                  <a href={e.sourceUrl} rel="nofollow noopener">
                    {e.source}
                  </a>
                ) : (
                  e.source
                )}
              </td>
              <td>{e.expiresAt ? <time dateTime={e.expiresAt}>{e.expiresAt.slice(0, 10)}</time> : 'no expiry'}</td>
              {challengeable ? (
                <td>
                  {e.overturned ? null : (
                    <a href={`/claims/${e.id}/challenge`} aria-label={`Challenge the claim ${claimLabel[e.claim]}: ${claimValueLabel(e.claim, e.value)}`}>
                      Challenge
                    </a>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
