import type { Insertable } from 'kysely'
import { clock } from '../../app/lib/clock.js'
import { hashPassword } from '../../app/modules/accounts/password.server.js'
import { refreshScores } from '../../app/modules/scoring/scores.server.js'
import type { Database } from '../connection.js'
import { seedCommonsResources, seedDemoOrders } from './orders.js'
import type {
  ClaimKind,
  CommonsFundsTable,
  DeliveryMode,
  EvidenceClaimsTable,
  EvidenceLevel,
  LegalForm,
  MembershipsTable,
  OffersTable,
  OfferTranslationsTable,
  OrganisationsTable,
  PeopleTable,
} from '../schema.js'
import { mulberry32 } from './random.js'
import { italianOriginals, translations } from './translations.js'
import type { SeedTimeShift } from './time-shift.js'
import {
  categories,
  commonsFunds,
  demoLogins,
  demoPassword,
  licences,
  organisations,
  people,
  type ClaimSeed,
  type LicenceSeed,
  type OfferSeed,
  type OrganisationSeed,
} from './data.js'

// The deterministic demo marketplace. Hand-written facts live in data.ts; this file derives the
// repetitive parts (slugs, descriptions, for-profit prices of goods, stock, fee splits,
// timestamps, legal-form and governance evidence) with a PRNG seeded per entity, so the same
// rows come out on every run and editing one organisation does not reshuffle the others.

/**
 * The demo world is described as of this moment; every timestamp in data.ts, orders.ts and this
 * file is earlier. A seed at another time moves them all by the whole days in between (see
 * `seedDemoMarketplace`), so the world a visitor sees is always this one, as of the seeding day.
 */
export const demoReferenceTime = '2026-11-24T00:00:00.000Z'
/** Latest timestamp the seed writes (a few days before the reference time). */
const latestSeedTime = '2026-11-20T17:00:00.000Z'
const DAY_MS = 86_400_000

const SEED = 0x5eed_2026
const ROWS_PER_INSERT = 100

export interface SeedCounts {
  organisations: number
  offers: number
  categories: number
  commonsFunds: number
  evidenceClaims: number
  people: number
  commonsResources: number
  orders: number
}

/** True when no organisation exists yet (a fresh database the demo can be seeded into). */
export async function isDatabaseEmpty(db: Database): Promise<boolean> {
  const row = await db.selectFrom('organisations').select('id').limit(1).executeTakeFirst()
  return row === undefined
}

export interface SeedOptions {
  /**
   * The moment the demo is seeded as of; default the clock's now. Tests pass demoReferenceTime
   * so that they see the same rows and scores on any day.
   */
  at?: string
}

/**
 * Inserts the demo marketplace in one transaction. Meant for an empty, migrated database
 * (check with `isDatabaseEmpty`): the slugs, emails and licence codes it writes are unique.
 *
 * The demo is written as of `at`: every timestamp (joins, listings, evidence issued and expiring,
 * purchases, payments) is moved by the whole days between demoReferenceTime and `at`, and scores
 * are computed at `at`. So evidence that is valid in the demo stays valid and its orders stay
 * recent however long after the reference day it is seeded, and the rows are the same on every
 * run apart from that shift. Whole days keep date-only values (claims issued and expiring on a
 * day) at midnight and purchases at their hour of the day; no expiry falls within a day after
 * the reference time, so the part of a day left over changes no score.
 */
export async function seedDemoMarketplace(db: Database, { at = clock.now() }: SeedOptions = {}): Promise<SeedCounts> {
  const asOf = seedTimeShift(at)
  const plan = shiftPlan(planDemoMarketplace(), asOf)
  // scrypt is slow on purpose: hashed once, outside the transaction, and shared by everyone
  // (salts are random, so this one column differs between runs).
  const passwordHash = await hashPassword(demoPassword)

  return db.transaction().execute(async (trx) => {
    for (const rows of chunks(plan.licences)) await trx.insertInto('licences').values(rows).execute()
    for (const rows of chunks(plan.categories)) await trx.insertInto('categories').values(rows).execute()
    for (const rows of chunks(plan.organisations)) await trx.insertInto('organisations').values(rows).execute()

    const organisationId = idLookup('organisation', await trx.selectFrom('organisations').select(['id', 'slug']).execute())
    const categoryId = idLookup('category', await trx.selectFrom('categories').select(['id', 'slug']).execute())

    const fundRows: Insertable<CommonsFundsTable>[] = plan.commonsFunds.map(({ steward, ...fund }) => ({
      ...fund,
      stewardOrganisationId: steward === null ? null : organisationId(steward),
    }))
    for (const rows of chunks(fundRows)) await trx.insertInto('commonsFunds').values(rows).execute()
    const fundId = idLookup('commons fund', await trx.selectFrom('commonsFunds').select(['id', 'slug']).execute())

    const offerRows: Insertable<OffersTable>[] = plan.offers.map(({ organisation, category, fund, ...offer }) => ({
      ...offer,
      // Listings an Italian co-op writes in Italian (their English text becomes a translation below).
      ...(italianOriginals[offer.title] ? { ...italianOriginals[offer.title], language: 'it' } : { language: 'en' }),
      organisationId: organisationId(organisation),
      categoryId: categoryId(category),
      commonsFundId: fundId(fund),
    }))
    for (const rows of chunks(offerRows)) await trx.insertInto('offers').values(rows).execute()
    const offerId = idLookup('offer', await trx.selectFrom('offers').select(['id', 'slug']).execute())
    const translationRows: Insertable<OfferTranslationsTable>[] = plan.offers.flatMap((offer) => {
      const id = offerId(offer.slug)
      const updatedAt = offer.updatedAt
      const english = italianOriginals[offer.title] ? [{ offerId: id, language: 'en', title: offer.title, description: offer.description, updatedAt }] : []
      return [...english, ...Object.entries(translations[offer.title] ?? {}).map(([language, text]) => ({ offerId: id, language, ...text, updatedAt }))]
    })
    for (const rows of chunks(translationRows)) await trx.insertInto('offerTranslations').values(rows).execute()

    const claimRows: Insertable<EvidenceClaimsTable>[] = plan.evidenceClaims.map(({ organisation, offer, ...claim }) => ({
      ...claim,
      organisationId: organisationId(organisation),
      offerId: offer === null ? null : offerId(offer),
    }))
    for (const rows of chunks(claimRows)) await trx.insertInto('evidenceClaims').values(rows).execute()

    // Demo people are set up by the marketplace itself: their addresses count as confirmed.
    const personRows = plan.people.map((person) => ({ ...person, passwordHash, emailConfirmedAt: person.createdAt }))
    for (const rows of chunks(personRows)) await trx.insertInto('people').values(rows).execute()
    const personIds = await trx.selectFrom('people').select(['id', 'email']).execute()
    const personId = idLookup(
      'person',
      personIds.map((p) => ({ id: p.id, slug: p.email })),
    )
    const membershipRows: Insertable<MembershipsTable>[] = plan.memberships.map(({ person, organisation, ...m }) => ({
      ...m,
      personId: personId(person),
      organisationId: organisationId(organisation),
    }))
    for (const rows of chunks(membershipRows)) await trx.insertInto('memberships').values(rows).execute()

    // Scores are derived from everything above; computed at `at`, so evidence expiry is current.
    await refreshScores(trx, 'all', at)
    const commonsResources = await seedCommonsResources(trx)
    const orders = await seedDemoOrders(trx, asOf)

    return {
      organisations: plan.organisations.length,
      offers: offerRows.length,
      categories: plan.categories.length,
      commonsFunds: fundRows.length,
      evidenceClaims: claimRows.length,
      people: plan.people.length,
      commonsResources,
      orders,
    }
  })
}

function seedTimeShift(at: string): SeedTimeShift {
  const atMs = Date.parse(at)
  if (Number.isNaN(atMs)) throw new Error(`demo seed: not a time: ${at}`)
  // Floor, so that a seed part-way through a day still has every timestamp before `at`.
  const days = Math.floor((atMs - Date.parse(demoReferenceTime)) / DAY_MS)
  return (iso) => addDays(iso, days)
}

/**
 * Every `…At` column of every table in the plan (the schema's naming for timestamps), moved to
 * the seeding day. By name rather than by list, so that a timestamp or table added to the plan
 * later cannot be missed.
 */
function shiftPlan(plan: DemoPlan, asOf: SeedTimeShift): DemoPlan {
  const shiftRow = (row: object): object => {
    const out: Record<string, unknown> = { ...row }
    for (const [key, value] of Object.entries(out)) {
      if (key.endsWith('At') && typeof value === 'string') out[key] = asOf(value)
    }
    return out
  }
  const shifted: Record<string, object[]> = {}
  for (const [table, rows] of Object.entries(plan) as [string, object[]][]) shifted[table] = rows.map(shiftRow)
  return shifted as unknown as DemoPlan
}

// ---------------------------------------------------------------------------------------------
// The plan: every row, with references still by slug

type OrganisationRow = Insertable<OrganisationsTable> & { slug: string; createdAt: string }
type FundRow = Omit<Insertable<CommonsFundsTable>, 'stewardOrganisationId'> & { steward: string | null }
type OfferRow = Omit<Insertable<OffersTable>, 'organisationId' | 'categoryId' | 'commonsFundId'> & {
  organisation: string
  category: string
  fund: string
}
type ClaimRow = Omit<Insertable<EvidenceClaimsTable>, 'organisationId' | 'offerId'> & {
  organisation: string
  offer: string | null
}
type MembershipRow = Omit<Insertable<MembershipsTable>, 'organisationId' | 'personId'> & {
  organisation: string
  person: string
}

interface DemoPlan {
  licences: Omit<LicenceSeed, 'short'>[]
  categories: { slug: string; name: string }[]
  organisations: OrganisationRow[]
  commonsFunds: FundRow[]
  offers: OfferRow[]
  evidenceClaims: ClaimRow[]
  people: (Insertable<PeopleTable> & { email: string })[]
  memberships: MembershipRow[]
}

/** The language the demo's members of a co-op in each country read; others read English. */
const countryLanguage: Record<string, string> = { IT: 'it', FR: 'fr', DE: 'de', AT: 'de', ES: 'es' }

function planDemoMarketplace(): DemoPlan {
  const licenceName = new Map<string, string>(licences.map((l) => [l.code, l.short]))
  const fundBySlug = new Map<string, (typeof commonsFunds)[number]>(commonsFunds.map((f) => [f.slug, f]))
  const categoryBySlug = new Map<string, (typeof categories)[number]>(categories.map((c) => [c.slug, c]))

  const organisationRows: OrganisationRow[] = organisations.map((org, index) => {
    const rng = rngFor(`organisation:${org.slug}`)
    const createdAt = atHour(addDays('2025-01-13T00:00:00.000Z', index * 13 + rng.int(0, 6)), rng.int(8, 17), rng)
    return {
      slug: org.slug,
      name: org.name,
      legalForm: org.legalForm,
      summary: org.summary,
      website: org.website,
      countryCode: org.countryCode,
      region: org.region,
      city: org.city,
      oneMemberOneVote: org.oneMemberOneVote,
      memberCount: org.memberCount,
      surplusPolicy: org.surplusPolicy,
      payRatio: org.payRatio,
      openBooks: org.openBooks,
      createdAt,
      updatedAt: capped(addDays(createdAt, rng.int(0, 90))),
    }
  })
  const createdAtOf = new Map(organisationRows.map((o) => [o.slug, o.createdAt]))
  const organisationCreatedAt = (slug: string) => must(createdAtOf.get(slug), `organisation ${slug}`)

  const fundRows: FundRow[] = commonsFunds.map((fund, index) => ({
    slug: fund.slug,
    name: fund.name,
    purpose: fund.purpose,
    kind: fund.kind,
    currency: 'EUR',
    steward: fund.steward,
    createdAt: addDays('2025-01-06T09:00:00.000Z', index),
  }))

  // Offers
  const offerRows: OfferRow[] = []
  const offerClaims: ClaimRow[] = []
  const usedSlugs = new Set<string>()
  for (const org of organisations) {
    for (const [index, seed] of (org.offers ?? []).entries()) {
      const rng = rngFor(`offer:${org.slug}:${seed.title}`)
      const slug = uniqueSlug(kebab(seed.title), usedSlugs)
      const fundSlug = seed.fund ?? org.fund ?? must(categoryBySlug.get(seed.category), seed.category).fund
      const fund = must(fundBySlug.get(fundSlug), `fund ${fundSlug}`)
      if (fund.kind !== 'commons') throw new Error(`offer ${slug}: ${fundSlug} is not a commons fund`)
      if (seed.kind === 'commons' && !seed.licence) throw new Error(`commons offer ${slug} needs a licence`)

      const delivery = seed.delivery ?? defaultDelivery(seed, rng)
      const [producerBp, fundBp, infrastructureBp] = feeSplit(seed, rng)
      const commonerPrice = seed.kind === 'commons' ? 0 : seed.price
      const forProfitPrice = seed.kind === 'commons' ? seed.price : withMarkup(seed.price, rng)
      const createdAt = atHour(addDays(organisationCreatedAt(org.slug), 1 + index * 2 + rng.int(0, 20)), rng.int(7, 19), rng)
      const updatedAt = capped(addDays(createdAt, seed.archived ? rng.int(120, 300) : rng.int(0, 100)))

      offerRows.push({
        slug,
        organisation: org.slug,
        kind: seed.kind,
        title: seed.title,
        description: describeOffer(org, seed, {
          delivery,
          fundName: fund.name,
          fundBp,
          licenceName: seed.licence ? must(licenceName.get(seed.licence), seed.licence) : null,
          rng,
        }),
        category: seed.category,
        licenceCode: seed.licence ?? null,
        unit: seed.unit,
        stock: seed.kind === 'commons' ? null : (seed.stock ?? defaultStock(seed.price, rng)),
        delivery,
        currency: 'EUR',
        commonerPrice,
        forProfitPrice,
        accessFeeProducerBp: producerBp,
        accessFeeCommonsFundBp: fundBp,
        accessFeeInfrastructureBp: infrastructureBp,
        fund: fundSlug,
        status: seed.archived ? 'archived' : 'active',
        createdAt,
        updatedAt,
      })
      for (const claim of seed.claims ?? []) offerClaims.push(claimRow(org.slug, slug, claim, createdAt))
    }
  }

  // Evidence: derived legal-form and governance claims, then the hand-written ones.
  const verifiedCommonsEnterprises = organisations.filter((o) => o.evidence?.legalForm === 'verified' && o.legalForm !== 'for_profit')
  const organisationClaims: ClaimRow[] = []
  for (const org of organisations) {
    const joined = organisationCreatedAt(org.slug)
    for (const claim of derivedClaims(org, verifiedCommonsEnterprises)) {
      organisationClaims.push(claimRow(org.slug, null, claim, joined))
    }
    for (const claim of org.claims ?? []) organisationClaims.push(claimRow(org.slug, null, claim, joined))
  }

  // Members read (and are mailed) in the language of their first co-op's country, so one order
  // in the demo can be mailed in several languages; the README's logins stay English, the
  // language a visitor trying them out starts from (the header's switcher changes it).
  const countryOf = new Map(organisations.map((o) => [o.slug, o.countryCode]))
  const demoEmails = new Set<string>(Object.values(demoLogins))
  const languageOf = (person: (typeof people)[number]) =>
    demoEmails.has(person.email) ? null : (countryLanguage[countryOf.get(person.memberships[0]?.organisation ?? '') ?? ''] ?? null)
  const personRows = people.map((person, index) => {
    const rng = rngFor(`person:${person.email}`)
    return {
      email: person.email,
      displayName: person.displayName,
      isSteward: person.steward ? (1 as const) : (0 as const),
      language: languageOf(person),
      createdAt: atHour(addDays('2025-01-20T00:00:00.000Z', index * 23 + rng.int(0, 9)), rng.int(7, 21), rng),
    }
  })
  const memberships: MembershipRow[] = people.flatMap((person, index) =>
    person.memberships.map((m) => {
      const personCreatedAt = must(personRows[index], person.email).createdAt
      const orgCreatedAt = organisationCreatedAt(m.organisation)
      return {
        person: person.email,
        organisation: m.organisation,
        role: m.role,
        createdAt: addDays(personCreatedAt > orgCreatedAt ? personCreatedAt : orgCreatedAt, 1),
      }
    }),
  )

  return {
    licences: licences.map(({ code, name, url, openness }) => ({ code, name, url, openness })),
    categories: categories.map(({ slug, name }) => ({ slug, name })),
    organisations: organisationRows,
    commonsFunds: fundRows,
    offers: offerRows,
    evidenceClaims: [...organisationClaims, ...offerClaims],
    people: personRows,
    memberships,
  }
}

// ---------------------------------------------------------------------------------------------
// Offers

function withMarkup(commonerPrice: number, rng: Rng): number {
  // For-profit buyers pay 15–60 % more for goods, rounded up to the next 10 cents.
  const markupBp = rng.int(1500, 6000)
  return commonerPrice + Math.ceil((commonerPrice * markupBp) / 100_000) * 10
}

type FeeSplit = readonly [producerBp: number, commonsFundBp: number, infrastructureBp: number]

const goodsSplits: readonly FeeSplit[] = [
  [4500, 4500, 1000],
  [4500, 4500, 1000],
  [4500, 4500, 1000],
  [4500, 4500, 1000],
  [5000, 4000, 1000],
  [4000, 5000, 1000],
  [3500, 5500, 1000],
  [5000, 4500, 500],
]
const commonsSplits: readonly FeeSplit[] = [
  [0, 9000, 1000],
  [0, 9000, 1000],
  [0, 9000, 1000],
  [0, 9000, 1000],
  [1000, 8000, 1000],
  [500, 8500, 1000],
  [2000, 7000, 1000],
  [0, 9500, 500],
]

function feeSplit(seed: OfferSeed, rng: Rng): FeeSplit {
  return rng.pick(seed.kind === 'commons' ? commonsSplits : goodsSplits)
}

function defaultDelivery(seed: OfferSeed, rng: Rng): DeliveryMode {
  if (seed.kind === 'commons') return 'download'
  const roll = rng.next()
  return roll < 0.55 ? 'shipping' : roll < 0.9 ? 'shipping_or_pickup' : 'pickup'
}

function defaultStock(price: number, rng: Rng): number {
  if (rng.next() < 0.04) return 0 // sold out for now
  if (price >= 10_000) return rng.int(1, 25)
  if (price >= 3_000) return rng.int(3, 120)
  return rng.int(12, 500)
}

function describeOffer(
  org: OrganisationSeed,
  seed: OfferSeed,
  ctx: { delivery: DeliveryMode; fundName: string; fundBp: number; licenceName: string | null; rng: Rng },
): string {
  const { rng } = ctx
  const sentences = [seed.text]
  if (seed.kind === 'good') {
    sentences.push(aboutProducer(org, rng))
    if (ctx.licenceName) sentences.push(`The design is open, published under the ${ctx.licenceName}.`)
    else if (rng.next() < 0.6) sentences.push(deliveryNote(ctx.delivery, org.city, rng))
  } else {
    const licence = must(ctx.licenceName, `licence of ${seed.title}`)
    const percent = ctx.fundBp / 100
    sentences.push(
      rng.pick([
        `Free to commoners under the ${licence}; firms using it commercially pay an access fee, ${percent} % of which goes to the ${ctx.fundName}.`,
        `Commoners get it at no cost under the ${licence}. The access fee paid by for-profit users sustains the ${ctx.fundName}.`,
        `Released under the ${licence}: free for commoners, while commercial users pay an access fee shared with the ${ctx.fundName}.`,
      ]),
    )
    if (rng.next() < 0.5) sentences.push(aboutProducer(org, rng))
  }
  return sentences.join(' ')
}

function aboutProducer(org: OrganisationSeed, rng: Rng): string {
  const { name, city } = org
  const n = org.memberCount
  const count = (noun: string) => (n === null ? noun : `${n.toLocaleString('en-GB')} ${noun}`)
  const options: Record<LegalForm, string[]> = {
    worker_coop: [
      `${name} is a worker co-operative of ${count('members')} in ${city}.`,
      `Made by ${name} in ${city}, owned and run by the people who work there.`,
    ],
    producer_coop: [
      `${name} is a co-operative of ${count('producers')} around ${city}.`,
      `From ${name}, whose members sell under one label and keep one set of books.`,
    ],
    consumer_coop: [`${name} is owned by its ${count('member households')} in ${city}.`, `Chosen and sold by ${name}, a consumer co-operative in ${city}.`],
    multi_stakeholder_coop: [
      `${name} in ${city} is owned jointly by its workers, users and supporters.`,
      `From ${name}, a multi-stakeholder co-operative of ${count('members')} in ${city}.`,
    ],
    platform_coop: [`${name} is a platform co-operative owned by its ${count('members')}.`, `Published by ${name}, owned by the people who work through it.`],
    commons_project: [
      `${name} is a peer-production community of ${count('contributors')} based in ${city}.`,
      `Made and documented in the open by the ${name} community.`,
    ],
    nonprofit: [`${name} is a non-profit association in ${city}; sales fund its public work.`, `From ${name}, a membership association in ${city}.`],
    social_enterprise: [
      `${name} is a social enterprise in ${city} that reinvests its surplus in its social mission.`,
      `Every sale helps ${name} in ${city} create work for people who find it hard to get a job.`,
    ],
    informal_group: [`${name} is a volunteer group in ${city}.`, `Put together by the volunteers of ${name}.`],
    sole_trader: [`${name} is a one-person workshop in ${city}.`, `From ${name}, a small studio in ${city}.`],
    for_profit: [`Supplied by ${name}, ${city}.`],
  }
  return rng.pick(options[org.legalForm])
}

function deliveryNote(delivery: DeliveryMode, city: string, rng: Rng): string {
  switch (delivery) {
    case 'shipping':
      return rng.pick([
        'Ships within three working days in recycled cardboard.',
        'Sent by post in plastic-free packaging, with tracking across the EU.',
        'Dispatched once a week, grouped with other orders to cut transport.',
      ])
    case 'pickup':
      return rng.pick([`Collect it in ${city}; you will get a message when it is ready.`, `Pickup only, from the ${city} workshop on weekdays.`])
    case 'shipping_or_pickup':
      return rng.pick([`Collect it in ${city} or have it sent by post.`, `Ships across the EU, or pick it up in ${city} at no cost.`])
    default:
      return 'You receive a download link after checkout.'
  }
}

// ---------------------------------------------------------------------------------------------
// Evidence

const cooperativeForms: readonly LegalForm[] = ['worker_coop', 'producer_coop', 'consumer_coop', 'multi_stakeholder_coop', 'platform_coop']

/** The legal-form and governance claims an organisation's `evidence` stands for. */
function derivedClaims(org: OrganisationSeed, attesterPool: OrganisationSeed[]): ClaimSeed[] {
  const evidence = org.evidence
  if (!evidence) return []
  const rng = rngFor(`evidence:${org.slug}`)
  const candidates = attesterPool.filter((o) => o.slug !== org.slug)
  const first = rng.pick(candidates)
  const second = rng.pick(candidates.filter((o) => o !== first))
  const attested = `Attested by ${first.name} and ${second.name}`
  const registry = registryEntry(org, rng)
  const year = evidence.issued.slice(0, 4)
  const forProfit = org.legalForm === 'for_profit'
  const documentUrl = (file: string) => (org.website && rng.next() < 0.6 ? `${org.website}/${file}` : undefined)

  const claims: ClaimSeed[] = []
  const legalFormSource: Record<EvidenceLevel, () => string> = {
    verified: () => `${registry}; checked by a steward`,
    peer_attested: () => attested,
    documented: () =>
      org.legalForm === 'commons_project'
        ? 'Project charter and governance document, published in the project repository'
        : forProfit || org.legalForm === 'sole_trader'
          ? `${registry} (extract uploaded)`
          : `Statutes, art. ${rng.int(1, 4)}, and ${registry}`,
    self_declared: () => 'Declared by the organisation when it joined the marketplace',
  }
  claims.push({
    claim: 'legal_form',
    value: org.legalForm,
    level: evidence.legalForm,
    source: legalFormSource[evidence.legalForm](),
    sourceUrl:
      evidence.legalForm === 'verified' || evidence.legalForm === 'documented' ? documentUrl(forProfit ? 'registry-extract.pdf' : 'statutes.pdf') : undefined,
    issued: evidence.issued,
  })

  const level = evidence.governance
  const governance = (claim: ClaimKind, value: string, documentSource: string) => {
    const source =
      level === 'self_declared'
        ? 'Declared in the organisation profile'
        : level === 'peer_attested'
          ? attested
          : level === 'verified'
            ? `${documentSource}, checked by a steward`
            : documentSource
    claims.push({ claim, value, level, source, issued: addDaysYmd(evidence.issued, rng.int(0, 20)) })
  }
  const article = () => rng.int(5, 24)
  if (org.oneMemberOneVote !== null) {
    governance(
      'one_member_one_vote',
      String(org.oneMemberOneVote),
      forProfit ? `Articles of association, art. ${article()} (votes per share)` : `Statutes, art. ${article()} (voting rights)`,
    )
  }
  if (org.memberCount !== null && !forProfit) {
    governance('member_count', String(org.memberCount), `Register of members, ${year}`)
  }
  if (org.surplusPolicy !== null) {
    governance(
      'surplus_policy',
      org.surplusPolicy,
      forProfit ? `Annual accounts ${Number(year) - 1}, note on dividends` : `Statutes, art. ${article()} (allocation of surplus)`,
    )
  }
  if (org.payRatio !== null) {
    governance('pay_ratio', String(org.payRatio), `Pay scale in the annual report ${Number(year) - 1}`)
  }
  if (org.openBooks === 1) {
    governance('open_books', '1', org.website ? `Annual accounts published at ${org.website}/accounts` : 'Accounts presented at the open members’ assembly')
  }
  return claims
}

function registryEntry(org: OrganisationSeed, rng: Rng): string {
  const d = (n: number) => digits(n, rng)
  const coop = cooperativeForms.includes(org.legalForm)
  const nonprofit = org.legalForm === 'nonprofit'
  switch (org.countryCode) {
    case 'IT':
      return coop || org.legalForm === 'social_enterprise'
        ? `Italian cooperative registry (Albo delle società cooperative) no. A${d(6)}`
        : `Registro delle imprese di ${org.city}, REA no. ${d(6)}`
    case 'ES':
      return coop ? `Registro de Cooperativas de ${org.region ?? 'España'}, hoja no. ${d(5)}` : `Registro Mercantil, NIF B${d(8)}`
    case 'FR':
      return nonprofit ? `Répertoire national des associations no. W${d(9)}` : `Registre du commerce et des sociétés, SIREN ${d(3)} ${d(3)} ${d(3)}`
    case 'DE':
      return coop
        ? `Genossenschaftsregister, Amtsgericht ${org.city}, GnR ${d(3)}`
        : nonprofit
          ? `Vereinsregister, Amtsgericht ${org.city}, VR ${d(5)}`
          : `Handelsregister, Amtsgericht ${org.city}, HRB ${d(5)}`
    case 'GB':
      return coop ? `FCA Mutuals Public Register no. ${d(5)}R` : `Companies House no. ${d(8)}`
    case 'BE':
      return `Crossroads Bank for Enterprises no. 0${d(3)}.${d(3)}.${d(3)}`
    case 'NL':
      return `Dutch Chamber of Commerce (KvK) no. ${d(8)}`
    case 'PT':
      return `Registo Nacional de Pessoas Colectivas, NIPC 5${d(8)}`
    case 'GR':
      return `General Commercial Registry (GEMI) no. ${d(12)}`
    case 'AT':
      return nonprofit ? `Central Register of Associations, ZVR ${d(9)}` : `Firmenbuch FN ${d(6)}${rng.pick(['a', 'b', 'f', 'm', 'x'])}`
    case 'IE':
      return coop ? `Registry of Friendly Societies no. ${d(4)}R` : `Companies Registration Office no. ${d(6)}`
    case 'DK':
      return `Danish Business Authority, CVR no. ${d(8)}`
    case 'SE':
      return `Bolagsverket org. no. 769${d(3)}-${d(4)}`
    case 'PL':
      return org.legalForm === 'sole_trader' ? `CEIDG entry, NIP ${d(10)}` : `National Court Register (KRS) no. 0000${d(6)}`
    default:
      return `Business register of ${org.countryCode}, no. ${d(8)}`
  }
}

function claimRow(organisation: string, offer: string | null, seed: ClaimSeed, notBefore: string): ClaimRow {
  const rng = rngFor(`claim:${organisation}:${offer ?? ''}:${seed.claim}:${seed.value}:${seed.issued}`)
  const issuedAt = `${seed.issued}T00:00:00.000Z`
  const expiresAt = seed.expires === null ? null : seed.expires ? `${seed.expires}T00:00:00.000Z` : addYears(issuedAt, 2)
  // Recorded when the organisation uploaded it: after it joined and after the document was issued.
  const uploaded = atHour(addDays(issuedAt > notBefore ? issuedAt : notBefore, rng.int(1, 12)), rng.int(8, 18), rng)
  return {
    organisation,
    offer,
    claim: seed.claim,
    value: seed.value,
    evidenceLevel: seed.level,
    source: seed.source,
    sourceUrl: seed.sourceUrl ?? null,
    issuedAt,
    expiresAt,
    createdAt: capped(uploaded),
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

interface Rng {
  next(): number
  int(min: number, max: number): number
  pick<T>(items: readonly T[]): T
}

/** FNV-1a, to give every entity its own stream. */
function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

function rngFor(key: string): Rng {
  const next = mulberry32(hash(key) ^ SEED)
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => must(items[Math.floor(next() * items.length)], 'pick from an empty list'),
  }
}

function digits(count: number, rng: Rng): string {
  let out = String(rng.int(1, 9))
  while (out.length < count) out += String(rng.int(0, 9))
  return out
}

function kebab(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

function uniqueSlug(base: string, used: Set<string>): string {
  let slug = base
  for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`
  used.add(slug)
  return slug
}

function addDays(iso: string, days: number): string {
  const date = new Date(iso)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString()
}

function addDaysYmd(ymd: string, days: number): string {
  return addDays(`${ymd}T00:00:00.000Z`, days).slice(0, 10)
}

function addYears(iso: string, years: number): string {
  const date = new Date(iso)
  date.setUTCFullYear(date.getUTCFullYear() + years)
  return date.toISOString()
}

/** The same day at `hour`:mm UTC, minutes from the PRNG. */
function atHour(iso: string, hour: number, rng: Rng): string {
  const date = new Date(iso)
  date.setUTCHours(hour, rng.int(0, 59), 0, 0)
  return date.toISOString()
}

function capped(iso: string): string {
  return iso > latestSeedTime ? latestSeedTime : iso
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`demo seed: unknown ${what}`)
  return value
}

function idLookup(what: string, rows: { id: number; slug: string }[]): (slug: string) => number {
  const ids = new Map(rows.map((r) => [r.slug, r.id]))
  return (slug) => must(ids.get(slug), `${what} ${slug}`)
}

function* chunks<T>(rows: readonly T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) yield rows.slice(i, i + ROWS_PER_INSERT)
}
