import { toDecimalString } from '../../lib/money'

// schema.org descriptions of offer and organisation pages, so search engines and other
// solidarity-economy sites can read them. Prices are decimal strings made from minor units.
// There is no review data, so no aggregateRating: the ethical-preference score is published
// as what it is, a PropertyValue with its scale, confidence and rules version.

type Json = { [key: string]: unknown }

export interface OfferForJsonLd {
  slug: string
  title: string
  description: string
  kind: 'good' | 'commons'
  unit: string
  stock: number | null
  category: { name: string }
  producer: { slug: string; name: string; city: string; countryCode: string }
  licence: { code: string; name: string; url: string | null } | null
  prices: { commoner: { amount: number; currency: string }; forProfit: { amount: number; currency: string } }
  score: number
  confidence: number
  scoreBreakdown: { rulesVersion: number }
  images: { storageKey: string; altText: string }[]
  /** the language the name and description are in (a translation's, or the original's) */
  language?: string
}

/**
 * `localize` writes the descriptions in the page's language (e.g. `(m) => localized(language, m)`
 * from '~/i18n/translator.server'); without it they stay English.
 */
export function offerJsonLd(offer: OfferForJsonLd, baseUrl: string, localize: (english: string) => string = (english) => english): Json {
  const url = `${baseUrl}/offers/${offer.slug}`
  const producer = {
    '@type': 'Organization',
    '@id': `${baseUrl}/organisations/${offer.producer.slug}`,
    name: offer.producer.name,
    url: `${baseUrl}/organisations/${offer.producer.slug}`,
    address: { '@type': 'PostalAddress', addressLocality: offer.producer.city, addressCountry: offer.producer.countryCode },
  }
  const availability = offer.stock === null || offer.stock > 0 ? 'https://schema.org/InStock' : 'https://schema.org/OutOfStock'
  const priced = (name: string, description: string, money: { amount: number; currency: string }) => ({
    '@type': 'Offer',
    name: localize(name),
    description: localize(description),
    price: toDecimalString(money.amount, money.currency),
    priceCurrency: money.currency,
    availability,
    url,
    seller: { '@id': producer['@id'] },
  })
  return {
    '@context': 'https://schema.org',
    '@type': 'Product',
    '@id': url,
    url,
    name: offer.title,
    description: offer.description,
    ...(offer.language ? { inLanguage: offer.language } : {}),
    sku: offer.slug,
    category: offer.category.name,
    ...(offer.images.length ? { image: offer.images.map((i) => `${baseUrl}/images/${i.storageKey}-large.webp`) } : {}),
    brand: producer,
    manufacturer: producer,
    ...(offer.kind === 'commons' && offer.licence?.url ? { license: offer.licence.url } : {}),
    offers: [
      priced('Commoner price', 'For commoners: people buying for non-commercial use, and verified commons enterprises.', offer.prices.commoner),
      priced('For-profit price', 'For for-profit buyers; the access fee above the commoner price funds the commons.', offer.prices.forProfit),
    ],
    additionalProperty: [
      {
        '@type': 'PropertyValue',
        propertyID: 'ethical-preference-score',
        name: localize('Ethical-preference score'),
        value: offer.score,
        minValue: 0,
        maxValue: 100,
        description: localize(
          `Community weights, rules version ${offer.scoreBreakdown.rulesVersion}; ${Math.round(offer.confidence * 100)}% of the weight backed by peer-attested or verified evidence.`,
        ),
      },
      { '@type': 'PropertyValue', propertyID: 'score-confidence', name: localize('Score confidence'), value: offer.confidence, minValue: 0, maxValue: 1 },
    ],
  }
}

export interface OrganisationForJsonLd {
  slug: string
  name: string
  summary: string
  website: string | null
  location: { city: string; region: string | null; countryCode: string }
}

export function organisationJsonLd(org: OrganisationForJsonLd, baseUrl: string): Json {
  const url = `${baseUrl}/organisations/${org.slug}`
  return {
    '@context': 'https://schema.org',
    '@type': 'Organization',
    '@id': url,
    url,
    name: org.name,
    description: org.summary,
    ...(org.website ? { sameAs: [org.website] } : {}),
    address: {
      '@type': 'PostalAddress',
      addressLocality: org.location.city,
      ...(org.location.region ? { addressRegion: org.location.region } : {}),
      addressCountry: org.location.countryCode,
    },
  }
}

/**
 * JSON for inside a <script> element. `<` becomes \u003c so a title containing "</script>"
 * cannot end the element; U+2028/2029 are escaped for older JavaScript parsers.
 */
export function jsonLdText(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}
