import { useTranslation } from 'react-i18next'
import { useFormat } from '~/i18n/format'
import { useLabels } from '~/i18n/labels'
import type { EvidenceLine } from '~/modules/evidence/evidence'
import { EvidenceBadge } from './badges'

/** Claims with their evidence; with `challengeable`, each active claim links to its challenge form. */
export function EvidenceTable({ evidence, caption, challengeable = false }: { evidence: EvidenceLine[]; caption: string; challengeable?: boolean }) {
  const { t } = useTranslation('catalog')
  const labels = useLabels()
  const f = useFormat()
  if (evidence.length === 0) return <p className="muted">{t('evidence.none')}</p>
  return (
    <div className="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('evidence.claim')}</th>
            <th scope="col">{t('evidence.evidence')}</th>
            <th scope="col">{t('evidence.source')}</th>
            <th scope="col">{t('evidence.validUntil')}</th>
            {challengeable ? (
              <th scope="col">
                <span className="visually-hidden">{t('evidence.challenge')}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {evidence.map((e) => {
            const claim = t('evidence.claimIs', { claim: labels.claim(e.claim), value: labels.claimValue(e.claim, e.value) })
            return (
              <tr key={e.id} id={`evidence-${e.id}`}>
                <th scope="row">{claim}</th>
                <td>
                  {e.overturned ? (
                    <span className="evidence evidence--overturned">{t('evidence.overturned')}</span>
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
                <td>{e.expiresAt ? <time dateTime={e.expiresAt}>{f.date(e.expiresAt)}</time> : t('evidence.noExpiry')}</td>
                {challengeable ? (
                  <td>
                    {e.overturned ? null : (
                      <a href={`/claims/${e.id}/challenge`} aria-label={t('evidence.challengeLabel', { claim })}>
                        {t('evidence.challenge')}
                      </a>
                    )}
                  </td>
                ) : null}
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
