import type { EvidenceLine } from '~/modules/catalog/catalog.server'
import { claimLabel, claimValueLabel } from '~/lib/labels'
import { EvidenceBadge } from './badges'

export function EvidenceTable({ evidence, caption }: { evidence: EvidenceLine[]; caption: string }) {
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
          </tr>
        </thead>
        <tbody>
          {evidence.map((e) => (
            <tr key={e.id} id={`evidence-${e.id}`}>
              <th scope="row">
                {claimLabel[e.claim]}: {claimValueLabel(e.claim, e.value)}
              </th>
              <td>
                <EvidenceBadge level={e.evidenceLevel} expired={e.expired} />
              </td>
              <td>{e.sourceUrl ? <a href={e.sourceUrl} rel="nofollow noopener">{e.source}</a> : e.source}</td>
              <td>{e.expiresAt ? <time dateTime={e.expiresAt}>{e.expiresAt.slice(0, 10)}</time> : 'no expiry'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
