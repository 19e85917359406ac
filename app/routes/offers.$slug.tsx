import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { KindBadge, LegalFormBadge, ScoreBadge } from '~/components/badges'
import { EvidenceTable } from '~/components/evidence-table'
import { OfferGallery } from '~/components/offer-images'
import { Price } from '~/components/prices'
import { ScoreBreakdown } from '~/components/score-breakdown'
import { ReciprocityBadge } from '~/components/reciprocity'
import { getOptionalUser } from '~/lib/session.server'
import { buyingOptions } from '~/modules/reciprocity/reciprocity.server'
import { getDb } from '~/lib/db.server'
import { domain, parseParams } from '~/lib/http.server'
import { deliveryLabel, opennessLabel } from '~/lib/labels'
import { getOffer } from '~/modules/catalog/catalog.server'
import { JsonLd } from '~/components/json-ld'
import { env } from '~/lib/env.server'
import { offerJsonLd } from '~/modules/open-data/json-ld'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? [{ title: `${data.title} · Solidarity Market` }, { name: 'description', content: data.description.slice(0, 160) }]
    : [{ title: 'Offer not found · Solidarity Market' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { slug } = parseParams(params, Params)
  const db = getDb()
  const user = await getOptionalUser(request)
  const [offer, buyingAs] = await Promise.all([domain(() => getOffer(db, slug)), user ? buyingOptions(db, user.id) : Promise.resolve(null)])
  return { ...offer, buyingAs, jsonLd: offerJsonLd(offer, env().APP_URL) }
}

const shareLabel = {
  producer: 'the producer',
  commons_fund: 'commons fund',
  infrastructure_fund: 'marketplace infrastructure fund',
} as const

export default function OfferPage() {
  const offer = useLoaderData<typeof loader>()
  const fee = offer.prices.accessFee
  return (
    <article className="offer" aria-labelledby="offer-title">
      <JsonLd data={offer.jsonLd} />
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Catalog</Link> <span aria-hidden="true">›</span> <span>{offer.category.name}</span>
      </nav>
      <header className="offer__header">
        <div className="card__meta">
          <KindBadge kind={offer.kind} />
          <span className="muted">{offer.category.name}</span>
          <ScoreBadge score={offer.score} confidence={offer.confidence} />
        </div>
        <h1 id="offer-title">{offer.title}</h1>
        <p className="offer__producer">
          by <Link to={`/organisations/${offer.producer.slug}`}>{offer.producer.name}</Link> <LegalFormBadge legalForm={offer.producer.legalForm} />{' '}
          <span className="muted">
            {offer.producer.city}, {offer.producer.countryCode}
          </span>
        </p>
      </header>

      <div className="offer__body">
        <div className="offer__main">
          <OfferGallery images={offer.images} />
          <p className="offer__description">{offer.description}</p>
          <dl className="facts">
            <div>
              <dt>Unit</dt>
              <dd>{offer.unit}</dd>
            </div>
            <div>
              <dt>Delivery</dt>
              <dd>{deliveryLabel[offer.delivery]}</dd>
            </div>
            <div>
              <dt>Availability</dt>
              <dd>{offer.stock === null ? 'Unlimited (a commons is not used up by sharing)' : offer.stock === 0 ? 'Sold out' : `${offer.stock} in stock`}</dd>
            </div>
            <div>
              <dt>Licence</dt>
              <dd>
                {offer.licence ? (
                  <>
                    {offer.licence.url ? <a href={offer.licence.url}>{offer.licence.name}</a> : offer.licence.name}{' '}
                    <span className="muted">({opennessLabel[offer.licence.openness]})</span>
                  </>
                ) : (
                  'None stated'
                )}
              </dd>
            </div>
          </dl>
        </div>

        <aside className="offer__prices" aria-labelledby="prices-title">
          <h2 id="prices-title">What each buyer pays</h2>
          {offer.buyingAs ? (
            <div className="you-pay">
              <h3>What you pay</h3>
              <ul className="buying-as">
                {offer.buyingAs.map((o) => (
                  <li key={o.use.kind === 'personal' ? 'personal' : o.use.organisationId}>
                    <span className="muted">{o.use.kind === 'personal' ? 'For yourself' : `For ${o.organisation!.name}`}:</span> you buy as{' '}
                    <ReciprocityBadge decision={o} /> and pay{' '}
                    <Price value={o.reciprocityClass === 'commoner' ? offer.prices.commoner : offer.prices.forProfit} />, because {o.because}.
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="small">
              <Link to={`/login?redirectTo=/offers/${offer.slug}`}>Log in</Link> to see which price applies to you and to buy.
            </p>
          )}
          {offer.buyingAs ? (
            offer.stock === 0 ? (
              <p className="sold-out">Sold out for now.</p>
            ) : (
              <Form method="post" action="/cart" className="add-to-cart">
                <input type="hidden" name="intent" value="add" />
                <input type="hidden" name="offerId" value={offer.id} />
                {offer.stock === null ? (
                  <input type="hidden" name="quantity" value="1" />
                ) : (
                  <div className="field">
                    <label htmlFor="quantity">Quantity ({offer.unit})</label>
                    <input id="quantity" name="quantity" type="number" min={1} max={Math.min(offer.stock, 999)} defaultValue={1} inputMode="numeric" required />
                  </div>
                )}
                <button type="submit" className="button">
                  {offer.kind === 'commons' ? 'Get this commons item' : 'Add to cart'}
                </button>
                <p className="muted small">You choose whom you buy for in the cart; the price follows.</p>
              </Form>
            )
          ) : null}
          <table>
            <caption className="visually-hidden">Price per {offer.unit} by reciprocity class</caption>
            <tbody>
              <tr>
                <th scope="row">Commoner</th>
                <td>
                  <Price value={offer.prices.commoner} />
                </td>
              </tr>
              <tr>
                <th scope="row">For-profit buyer</th>
                <td>
                  <Price value={offer.prices.forProfit} />
                </td>
              </tr>
            </tbody>
          </table>
          <p className="muted small">Commoners are people buying for non-commercial use and verified co-ops, commons projects and nonprofits.</p>
          {fee.amount > 0 ? (
            <>
              <h3>Where the access fee goes</h3>
              <table>
                <caption className="visually-hidden">Split of the access fee</caption>
                <tbody>
                  {offer.accessFeeSplit.map((share) => (
                    <tr key={share.to}>
                      <th scope="row">
                        {share.to === 'commons_fund' ? <Link to={`/funds/${offer.commonsFund.slug}`}>{offer.commonsFund.name}</Link> : shareLabel[share.to]}{' '}
                        <span className="muted">({share.basisPoints / 100}%)</span>
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
            <p className="small">Everyone pays the same price for this offer: there is no access fee.</p>
          )}
        </aside>
      </div>

      <ScoreBreakdown score={offer.scoreBreakdown} producerSlug={offer.producer.slug} offerSlug={offer.slug} />

      <section aria-labelledby="evidence-title">
        <h2 id="evidence-title">Evidence about this offer</h2>
        <EvidenceTable evidence={offer.offerEvidence} caption="Claims about this offer and their evidence" challengeable />
        <p>
          <Link to={`/organisations/${offer.producer.slug}`}>See {offer.producer.name}&apos;s governance and evidence</Link>
        </p>
      </section>
      <p>
        <Link to="/">← Back to the catalog</Link>
      </p>
    </article>
  )
}
