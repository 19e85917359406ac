import { useTranslation } from 'react-i18next'
import { useFormat } from '~/i18n/format'
import type { Money } from '~/lib/money'
import type { TierPrices } from '~/modules/pricing/pricing'

export function Price({ value }: { value: Money }) {
  const { t } = useTranslation('catalog')
  const f = useFormat()
  return value.amount === 0 ? (
    <strong className="price price--free">{t('prices.free')}</strong>
  ) : (
    <strong className="price">{f.money(value.amount, value.currency)}</strong>
  )
}

/** What each reciprocity class pays, in the compact form a card needs. */
export function TierPriceList({ prices, unit }: { prices: TierPrices; unit: string }) {
  const { t } = useTranslation('catalog')
  return (
    <dl className="tiers">
      <div>
        <dt>{t('prices.commonersPay')}</dt>
        <dd>
          <Price value={prices.commoner} /> <span className="muted">/ {unit}</span>
        </dd>
      </div>
      <div>
        <dt>{t('prices.forProfitPay')}</dt>
        <dd>
          <Price value={prices.forProfit} /> <span className="muted">/ {unit}</span>
        </dd>
      </div>
    </dl>
  )
}

/** An amount of money as it is, zero and negative included (ledger figures, not prices). */
export function Amount({ value }: { value: Money }) {
  const f = useFormat()
  return <span className={value.amount < 0 ? 'amount amount--negative' : 'amount'}>{f.money(value.amount, value.currency)}</span>
}
