import { Fragment, useCallback } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import { useLabels } from '~/i18n/labels'
import { useMessage } from '~/i18n/messages'
import { reasonOfBecause } from '~/modules/reciprocity/because'
import type { ReciprocityDecision, ReciprocityReason } from '~/modules/reciprocity/reciprocity.server'

export function ReciprocityBadge({ decision }: { decision: Pick<ReciprocityDecision, 'reciprocityClass'> }) {
  const { t } = useTranslation('catalog')
  return <strong className={`class class--${decision.reciprocityClass}`}>{t(`reciprocity.class.${decision.reciprocityClass}`)}</strong>
}

/**
 * Why a buyer buys as they do ("you buy as a person, for non-commercial use"), in the reader's
 * language: from a decision's `reason`, or from the English `because` an order kept (words it
 * cannot read back are shown as the server's messages are).
 */
export function useBecause(): (reason: ReciprocityReason | string) => string {
  const { t } = useTranslation('catalog')
  const labels = useLabels()
  const message = useMessage()
  return useCallback(
    (given: ReciprocityReason | string) => {
      const reason = typeof given === 'string' ? reasonOfBecause(given) : given
      if (!reason) return message(given as string) ?? ''
      if (reason.code === 'personal') return t('reciprocity.because.personal')
      const form = labels.inSentence(labels.legalForm(reason.legalForm))
      const values = { organisation: reason.organisation, form }
      if (reason.code === 'notCommonsForm') return t('reciprocity.because.notCommonsForm', values)
      if (reason.code === 'attested') return t('reciprocity.because.attested', { ...values, level: labels.evidenceLevel(reason.level ?? 'self_declared') })
      return reason.level
        ? t('reciprocity.because.notAttested', { ...values, level: labels.evidenceLevel(reason.level) })
        : t('reciprocity.because.notEvidenced', values)
    },
    [t, labels, message],
  )
}

/** "You buy as: commoner, because …", one line per use the person may declare. */
export function BuyingAs({ options }: { options: ReciprocityDecision[] }) {
  const { t } = useTranslation('catalog')
  const because = useBecause()
  return (
    <ul className="buying-as">
      {options.map((o) => (
        <li key={o.use.kind === 'personal' ? 'personal' : o.use.organisationId}>
          <span className="muted">
            {o.use.kind === 'personal' ? t('reciprocity.forYourself') : t('reciprocity.onBehalfOf', { organisation: o.organisation!.name })}:
          </span>{' '}
          <Trans
            t={t}
            i18nKey="reciprocity.youBuyAs"
            components={{ badge: <ReciprocityBadge decision={o} />, because: <Fragment>{because(o.reason)}</Fragment> }}
          />
        </li>
      ))}
    </ul>
  )
}
