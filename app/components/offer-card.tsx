import { Link } from '@remix-run/react'
import { Trans, useTranslation } from 'react-i18next'
import { useFormat } from '~/i18n/format'
import type { RankedOfferCard } from '~/modules/catalog/catalog.server'
import { KindBadge, LegalFormBadge, ScoreBadge } from './badges'
import { CardImage } from './offer-images'
import { OriginalLanguageNote } from './original-language'
import { TierPriceList } from './prices'

export function OfferCard({ offer }: { offer: RankedOfferCard }) {
  const { t } = useTranslation('catalog')
  const f = useFormat()
  const soldOut = offer.stock === 0
  return (
    <article className="card" aria-labelledby={`offer-${offer.slug}`}>
      {offer.image ? <CardImage image={offer.image} /> : null}
      <div className="card__meta">
        <KindBadge kind={offer.kind} />
        <span className="muted">{t(`categories.${offer.category.slug}`, { defaultValue: offer.category.name })}</span>
        <ScoreBadge score={offer.score} confidence={offer.confidence} />
      </div>
      {offer.viewScore !== null ? <p className="card__view-score small">{t('card.yourWeights', { score: f.number(offer.viewScore) })}</p> : null}
      <h3 id={`offer-${offer.slug}`} className="card__title" lang={offer.language}>
        <Link to={`/offers/${offer.slug}`}>{offer.title}</Link>
      </h3>
      <OriginalLanguageNote text={offer} />
      <p className="card__producer">
        <Trans t={t} i18nKey="card.by" components={{ producer: <Link to={`/organisations/${offer.producer.slug}`}>{offer.producer.name}</Link> }} />{' '}
        <LegalFormBadge legalForm={offer.producer.legalForm} />
      </p>
      <TierPriceList prices={offer.prices} unit={offer.unit} />
      <p className="card__footer muted">
        {offer.licence ? <span>{t(`licences.${offer.licence.code}`, { defaultValue: offer.licence.name })}</span> : null}
        {soldOut ? <span className="sold-out">{t('card.soldOut')}</span> : null}
        <span>
          {offer.producer.city}, {offer.producer.countryCode}
        </span>
      </p>
    </article>
  )
}
