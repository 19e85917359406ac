import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { Fragment } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import { z } from 'zod'
import { KindBadge, LegalFormBadge, ScoreBadge } from '~/components/badges'
import { EvidenceTable } from '~/components/evidence-table'
import { OfferGallery } from '~/components/offer-images'
import { Price } from '~/components/prices'
import { ScoreBreakdown } from '~/components/score-breakdown'
import { ReciprocityBadge, useBecause } from '~/components/reciprocity'
import { useFormat } from '~/i18n/format'
import { useLabels } from '~/i18n/labels'
import { metaT, pageTitle } from '~/i18n/meta'
import { languageOf } from '~/i18n/i18n.server'
import { localized } from '~/i18n/translator.server'
import { OriginalLanguageNote } from '~/components/original-language'
import { getOptionalUser } from '~/lib/session.server'
import { buyingOptions } from '~/modules/reciprocity/reciprocity.server'
import { getDb } from '~/lib/db.server'
import { domain, parseParams } from '~/lib/http.server'
import { getOffer } from '~/modules/catalog/catalog.server'
import { JsonLd } from '~/components/json-ld'
import { env } from '~/lib/env.server'
import { offerJsonLd } from '~/modules/open-data/json-ld'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  data
    ? [...pageTitle(matches, data.title), { name: 'description', content: data.description.slice(0, 160) }]
    : pageTitle(matches, metaT(matches, 'catalog')('offer.notFound'))

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { slug } = parseParams(params, Params)
  const db = getDb()
  const user = await getOptionalUser(request)
  const language = await languageOf(request)
  const [offer, buyingAs] = await Promise.all([domain(async () => getOffer(db, slug, language)), user ? buyingOptions(db, user.id) : Promise.resolve(null)])
  // Search engines read the offer's descriptions in the page's language too.
  return { ...offer, buyingAs, jsonLd: offerJsonLd(offer, env().APP_URL, (english) => localized(language, english)) }
}

export default function OfferPage() {
  const offer = useLoaderData<typeof loader>()
  const { t } = useTranslation('catalog')
  const labels = useLabels()
  const f = useFormat()
  const because = useBecause()
  const licenceName = offer.licence ? t(`licences.${offer.licence.code}`, { defaultValue: offer.licence.name }) : null
  const category = t(`categories.${offer.category.slug}`, { defaultValue: offer.category.name })
  const fee = offer.prices.accessFee
  return (
    <article className="offer" aria-labelledby="offer-title">
      <JsonLd data={offer.jsonLd} />
      <nav aria-label={t('offer.breadcrumb')} className="breadcrumb">
        <Link to="/">{t('catalog.heading')}</Link> <span aria-hidden="true">›</span> <span>{category}</span>
      </nav>
      <header className="offer__header">
        <div className="card__meta">
          <KindBadge kind={offer.kind} />
          <span className="muted">{category}</span>
          <ScoreBadge score={offer.score} confidence={offer.confidence} />
        </div>
        <h1 id="offer-title" lang={offer.language}>
          {offer.title}
        </h1>
        <OriginalLanguageNote text={offer} />
        <p className="offer__producer">
          <Trans t={t} i18nKey="card.by" components={{ producer: <Link to={`/organisations/${offer.producer.slug}`}>{offer.producer.name}</Link> }} />{' '}
          <LegalFormBadge legalForm={offer.producer.legalForm} />{' '}
          <span className="muted">
            {offer.producer.city}, {offer.producer.countryCode}
          </span>
        </p>
      </header>

      <div className="offer__body">
        <div className="offer__main">
          <OfferGallery images={offer.images} />
          <p className="offer__description" lang={offer.language}>
            {offer.description}
          </p>
          <dl className="facts">
            <div>
              <dt>{t('offer.unit')}</dt>
              <dd>{offer.unit}</dd>
            </div>
            <div>
              <dt>{t('offer.delivery')}</dt>
              <dd>{labels.delivery(offer.delivery)}</dd>
            </div>
            <div>
              <dt>{t('offer.availability')}</dt>
              <dd>
                {offer.stock === null
                  ? t('offer.unlimited')
                  : offer.stock === 0
                    ? t('card.soldOut')
                    : t('offer.inStock', { count: offer.stock, stock: f.number(offer.stock) })}
              </dd>
            </div>
            <div>
              <dt>{t('offer.licence')}</dt>
              <dd>
                {offer.licence ? (
                  <>
                    {offer.licence.url ? <a href={offer.licence.url}>{licenceName}</a> : licenceName}{' '}
                    <span className="muted">({labels.openness(offer.licence.openness)})</span>
                  </>
                ) : (
                  t('offer.noneStated')
                )}
              </dd>
            </div>
          </dl>
        </div>

        <aside className="offer__prices" aria-labelledby="prices-title">
          <h2 id="prices-title">{t('offer.whatEachPays')}</h2>
          {offer.buyingAs ? (
            <div className="you-pay">
              <h3>{t('offer.whatYouPay')}</h3>
              <ul className="buying-as">
                {offer.buyingAs.map((o) => (
                  <li key={o.use.kind === 'personal' ? 'personal' : o.use.organisationId}>
                    <span className="muted">
                      {o.use.kind === 'personal' ? t('reciprocity.forYourself') : t('offer.forOrganisation', { organisation: o.organisation!.name })}:
                    </span>{' '}
                    <Trans
                      t={t}
                      i18nKey="offer.youBuyAsAndPay"
                      components={{
                        badge: <ReciprocityBadge decision={o} />,
                        price: <Price value={o.reciprocityClass === 'commoner' ? offer.prices.commoner : offer.prices.forProfit} />,
                        because: <Fragment>{because(o.reason)}</Fragment>,
                      }}
                    />
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="small">
              <Trans t={t} i18nKey="offer.logInToBuy" components={{ login: <Link to={`/login?redirectTo=/offers/${offer.slug}`} /> }} />
            </p>
          )}
          {offer.buyingAs ? (
            offer.stock === 0 ? (
              <p className="sold-out">{t('offer.soldOutForNow')}</p>
            ) : (
              <Form method="post" action="/cart" className="add-to-cart">
                <input type="hidden" name="intent" value="add" />
                <input type="hidden" name="offerId" value={offer.id} />
                {offer.stock === null ? (
                  <input type="hidden" name="quantity" value="1" />
                ) : (
                  <div className="field">
                    <label htmlFor="quantity">{t('offer.quantity', { unit: offer.unit })}</label>
                    <input id="quantity" name="quantity" type="number" min={1} max={Math.min(offer.stock, 999)} defaultValue={1} inputMode="numeric" required />
                  </div>
                )}
                <button type="submit" className="button">
                  {offer.kind === 'commons' ? t('offer.getCommonsItem') : t('offer.addToCart')}
                </button>
                <p className="muted small">{t('offer.chooseInCart')}</p>
              </Form>
            )
          ) : null}
          <table>
            <caption className="visually-hidden">{t('offer.pricePerUnit', { unit: offer.unit })}</caption>
            <tbody>
              <tr>
                <th scope="row">{t('offer.commoner')}</th>
                <td>
                  <Price value={offer.prices.commoner} />
                </td>
              </tr>
              <tr>
                <th scope="row">{t('offer.forProfitBuyer')}</th>
                <td>
                  <Price value={offer.prices.forProfit} />
                </td>
              </tr>
            </tbody>
          </table>
          <p className="muted small">{t('offer.commonersAre')}</p>
          {fee.amount > 0 ? (
            <>
              <h3>{t('offer.feeGoes')}</h3>
              <table>
                <caption className="visually-hidden">{t('offer.feeSplit')}</caption>
                <tbody>
                  {offer.accessFeeSplit.map((share) => (
                    <tr key={share.to}>
                      <th scope="row">
                        {share.to === 'commons_fund' ? (
                          <Link to={`/funds/${offer.commonsFund.slug}`}>{offer.commonsFund.name}</Link>
                        ) : (
                          t(`offer.share.${share.to}`)
                        )}{' '}
                        <span className="muted">({t('offer.percent', { percent: f.number(share.basisPoints / 100) })})</span>
                      </th>
                      <td>
                        <Price value={share.amount} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted small">{offer.commonsFund.purpose}</p>
            </>
          ) : (
            <p className="small">{t('offer.noAccessFee')}</p>
          )}
        </aside>
      </div>

      <ScoreBreakdown score={offer.scoreBreakdown} producerSlug={offer.producer.slug} offerSlug={offer.slug} />

      <section aria-labelledby="evidence-title">
        <h2 id="evidence-title">{t('offer.evidenceTitle')}</h2>
        <EvidenceTable evidence={offer.offerEvidence} caption={t('offer.evidenceCaption')} challengeable />
        <p>
          <Link to={`/organisations/${offer.producer.slug}`}>{t('offer.seeProducer', { producer: offer.producer.name })}</Link>
        </p>
      </section>
      <p>
        <Link to="/">{t('offer.backToCatalog')}</Link>
      </p>
    </article>
  )
}
