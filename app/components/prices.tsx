import type { Money } from '~/lib/money'
import { formatMoney } from '~/lib/money'
import type { TierPrices } from '~/modules/pricing/pricing'

export function Price({ value }: { value: Money }) {
  return value.amount === 0 ? (
    <strong className="price price--free">Free</strong>
  ) : (
    <strong className="price">{formatMoney(value.amount, value.currency)}</strong>
  )
}

/** What each reciprocity class pays, in the compact form a card needs. */
export function TierPriceList({ prices, unit }: { prices: TierPrices; unit: string }) {
  return (
    <dl className="tiers">
      <div>
        <dt>Commoners pay</dt>
        <dd>
          <Price value={prices.commoner} /> <span className="muted">/ {unit}</span>
        </dd>
      </div>
      <div>
        <dt>For-profit buyers pay</dt>
        <dd>
          <Price value={prices.forProfit} /> <span className="muted">/ {unit}</span>
        </dd>
      </div>
    </dl>
  )
}

/** An amount of money as it is, zero and negative included (ledger figures, not prices). */
export function Amount({ value }: { value: Money }) {
  return <span className={value.amount < 0 ? 'amount amount--negative' : 'amount'}>{formatMoney(value.amount, value.currency)}</span>
}
