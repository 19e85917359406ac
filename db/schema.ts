import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely'

// The Kysely view of the schema the migrations build (camelCase through CamelCasePlugin).
// tests/db/schema.test.ts checks that every table and column here exists in the migrated
// database with the same nullability, and nothing more.

export const legalForms = [
  'worker_coop',
  'producer_coop',
  'consumer_coop',
  'multi_stakeholder_coop',
  'platform_coop',
  'commons_project',
  'nonprofit',
  'social_enterprise',
  'informal_group',
  'sole_trader',
  'for_profit',
] as const
export type LegalForm = (typeof legalForms)[number]

export const surplusPolicies = ['all_to_members', 'reinvested', 'capped_return', 'shareholder_dividends'] as const
export type SurplusPolicy = (typeof surplusPolicies)[number]

export const evidenceLevels = ['self_declared', 'documented', 'peer_attested', 'verified'] as const
export type EvidenceLevel = (typeof evidenceLevels)[number]

export const claimKinds = [
  'legal_form',
  'one_member_one_vote',
  'member_count',
  'surplus_policy',
  'pay_ratio',
  'open_books',
  'certification',
  'environmental_claim',
  'cost_breakdown',
  'cooperative_sourcing',
  'forced_labour_finding',
] as const
export type ClaimKind = (typeof claimKinds)[number]

export const licenceOpenness = ['copyfair', 'copyleft', 'permissive', 'non_commercial', 'proprietary'] as const
export type LicenceOpenness = (typeof licenceOpenness)[number]

export const offerKinds = ['good', 'commons'] as const
export type OfferKind = (typeof offerKinds)[number]

export const deliveryModes = ['shipping', 'pickup', 'shipping_or_pickup', 'download', 'link'] as const
export type DeliveryMode = (typeof deliveryModes)[number]

export type OfferStatus = 'active' | 'archived'
export type MembershipRole = 'admin' | 'member'
export type CommonsFundKind = 'commons' | 'infrastructure'

/** UTC ISO-8601 text, e.g. 2026-11-24T03:00:00.000Z */
type IsoTime = string
type CreatedAt = ColumnType<IsoTime, IsoTime | undefined, never>
type UpdatedAt = ColumnType<IsoTime, IsoTime | undefined, IsoTime>
/** SQLite stores booleans as 0/1; null means "not stated". */
type Flag = 0 | 1

export interface OrganisationsTable {
  id: Generated<number>
  slug: string
  name: string
  legalForm: LegalForm
  summary: Generated<string>
  website: string | null
  countryCode: string
  region: string | null
  city: string
  oneMemberOneVote: Flag | null
  memberCount: number | null
  surplusPolicy: SurplusPolicy | null
  payRatio: number | null
  openBooks: Flag | null
  createdAt: CreatedAt
  updatedAt: UpdatedAt
}

export interface PeopleTable {
  id: Generated<number>
  email: string
  displayName: string
  createdAt: CreatedAt
  /** scrypt, see app/modules/accounts/password.server.ts; null: no login yet */
  passwordHash: string | null
  isSteward: Generated<Flag>
  /** when the person confirmed their email address through a mailed link; null: not yet */
  emailConfirmedAt: IsoTime | null
  /** a language code (locales/<code>/) for pages and mails; null: never chosen */
  language: string | null
  /** an IANA time zone for the times the person reads; null: the browser's, else UTC */
  timeZone: string | null
}

export interface SessionsTable {
  /** sha256 (hex) of the session id the signed cookie carries */
  idHash: string
  personId: number
  createdAt: CreatedAt
  expiresAt: IsoTime
  revokedAt: IsoTime | null
}

export interface LoginAttemptsTable {
  id: Generated<number>
  /** lower-cased */
  email: string
  address: string
  succeeded: Flag
  attemptedAt: IsoTime
}

export interface PasswordResetsTable {
  tokenHash: string
  personId: number
  createdAt: CreatedAt
  expiresAt: IsoTime
  usedAt: IsoTime | null
}

export interface EmailConfirmationsTable {
  tokenHash: string
  personId: number
  /** the address the link was mailed to */
  email: string
  createdAt: CreatedAt
  expiresAt: IsoTime
  usedAt: IsoTime | null
}

export type StewardAppointmentStatus = 'proposed' | 'approved' | 'rejected'

/** A steward proposes someone; a second steward approves or rejects (never the proposer). */
export interface StewardAppointmentsTable {
  id: Generated<number>
  personId: number
  proposedBy: number
  proposedAt: IsoTime
  reason: string
  status: Generated<StewardAppointmentStatus>
  decidedBy: number | null
  decidedAt: IsoTime | null
}

export interface InvitationsTable {
  id: Generated<number>
  organisationId: number
  email: string
  role: MembershipRole
  tokenHash: string
  invitedBy: number
  createdAt: CreatedAt
  expiresAt: IsoTime
  acceptedAt: IsoTime | null
  acceptedBy: number | null
}

export type ClaimStatus = 'active' | 'overturned'
export type ReviewStatus = 'requested' | 'approved' | 'rejected'

export interface AttestationsTable {
  id: Generated<number>
  organisationId: number
  attesterOrganisationId: number
  attestedBy: number
  legalForm: LegalForm
  statement: string
  createdAt: IsoTime
  expiresAt: IsoTime
  /** set when the attestation stopped counting before it expired; see AttestationRetirement */
  retiredAt: IsoTime | null
  retiredReason: AttestationRetirement | null
}

/** Why an attestation stopped counting early: its two sides came to share a member, or a steward overturned the claim it carried. */
export type AttestationRetirement = 'shared_member' | 'claim_overturned'

export type ChallengeStatus = 'open' | 'upheld' | 'dismissed'

export interface ChallengesTable {
  id: Generated<number>
  claimId: number
  organisationId: number
  challengerId: number
  reason: string
  status: Generated<ChallengeStatus>
  createdAt: IsoTime
  decidedAt: IsoTime | null
  decidedBy: number | null
  decisionReason: string | null
}

export interface AuditEventsTable {
  id: Generated<number>
  organisationId: number
  actorId: number | null
  action: string
  claimId: number | null
  detail: Generated<string>
  createdAt: IsoTime
}

export interface MembershipsTable {
  organisationId: number
  personId: number
  role: MembershipRole
  createdAt: CreatedAt
}

export interface LicencesTable {
  code: string
  name: string
  url: string | null
  openness: LicenceOpenness
}

export interface CategoriesTable {
  id: Generated<number>
  slug: string
  name: string
}

export interface CommonsFundsTable {
  id: Generated<number>
  slug: string
  name: string
  purpose: Generated<string>
  kind: CommonsFundKind
  currency: string
  stewardOrganisationId: number | null
  createdAt: CreatedAt
}

export interface OffersTable {
  id: Generated<number>
  slug: string
  organisationId: number
  kind: OfferKind
  title: string
  description: Generated<string>
  categoryId: number
  licenceCode: string | null
  unit: string
  stock: number | null
  delivery: DeliveryMode
  currency: string
  /** minor units */
  commonerPrice: number
  /** minor units */
  forProfitPrice: number
  accessFeeProducerBp: number
  accessFeeCommonsFundBp: number
  accessFeeInfrastructureBp: number
  commonsFundId: number
  status: Generated<OfferStatus>
  createdAt: CreatedAt
  updatedAt: UpdatedAt
  /** at most this many units per person for personal use; null: no cap */
  personalUseCap: number | null
  /** what one unit weighs, for shipping rates by weight; null: not given (weighs nothing for rates) */
  weightGrams: number | null
  /** the language the title and description are written in, e.g. 'it' */
  language: Generated<string>
}

export interface EvidenceClaimsTable {
  id: Generated<number>
  organisationId: number
  offerId: number | null
  claim: ClaimKind
  value: string
  evidenceLevel: EvidenceLevel
  source: string
  sourceUrl: string | null
  issuedAt: IsoTime
  expiresAt: IsoTime | null
  createdAt: CreatedAt
  status: Generated<ClaimStatus>
  reviewStatus: ReviewStatus | null
}

export interface ScoreRulesTable {
  version: number
  /** JSON of the criterion weights; parse with CommunityWeights */
  weights: string
  note: Generated<string>
  publishedBy: string
  publishedAt: ColumnType<IsoTime, IsoTime | undefined, never>
}

export interface OfferScoresTable {
  offerId: number
  rulesVersion: number
  /** 0–100, one decimal, community weights */
  score: number
  /** 0–1: share of the weight backed by peer-attested or better evidence */
  confidence: number
  listed: Flag
  exclusionReason: string | null
  /** 0–1 per criterion, evidence applied, independent of weights (for buyers' own weights) */
  earnedOwnership: number
  earnedSurplus: number
  earnedOpenKnowledge: number
  earnedFairWork: number
  earnedTransparency: number
  earnedEnvironment: number
  earnedCooperation: number
  /** copies of the offer's and producer's filter facets, kept in step by triggers */
  kind: OfferKind
  categoryId: number
  licenceCode: string | null
  legalForm: LegalForm
  countryCode: string
  validUntil: IsoTime | null
  computedAt: IsoTime
}

export interface CatalogStatsTable {
  id: number
  /** bumped by triggers on every change to offer_scores */
  generation: number
  /** offers shown in the catalog, kept by the same triggers */
  listedCount: number
}

export type ReciprocityClassName = 'commoner' | 'for_profit'
export type PaymentProvider = 'stripe' | 'invoice'
export type CheckoutProvider = PaymentProvider | 'none'
export const orderStatuses = ['pending_payment', 'paid', 'fulfilled', 'cancelled', 'refunded'] as const
export type OrderStatus = (typeof orderStatuses)[number]
export type LedgerAccountKind =
  'payment_clearing' | 'orders_receivable' | 'orders_awaiting_settlement' | 'producer_payable' | 'commons_fund' | 'buyer_credit' | 'disbursements'

export interface CommonsResourcesTable {
  offerId: number
  kind: 'file' | 'link'
  url: string | null
  fileName: string | null
  contentType: string | null
  content: Buffer | null
  byteSize: number | null
  updatedAt: UpdatedAt
}

export interface CartsTable {
  personId: number
  buyingForOrganisationId: number | null
  updatedAt: UpdatedAt
}

export interface CartLinesTable {
  personId: number
  offerId: number
  quantity: number
  addedAt: CreatedAt
}

export interface CheckoutsTable {
  id: Generated<number>
  buyerPersonId: number
  buyerOrganisationId: number | null
  idempotencyKey: string
  reciprocityClass: ReciprocityClassName
  classReason: string
  provider: CheckoutProvider
  currency: string
  total: number
  stripeSessionId: string | null
  stripeSessionUrl: string | null
  stripePaymentIntentId: string | null
  expiresAt: IsoTime
  createdAt: CreatedAt
  /** the use the buyer signed, in the words they confirmed; null before buyers were asked */
  declaredUse: string | null
  /** personal use declared by a member of these for-profit organisations (names), else null */
  forProfitAffiliation: string | null
}

export interface OrdersTable {
  id: Generated<number>
  checkoutId: number
  organisationId: number
  buyerPersonId: number
  buyerOrganisationId: number | null
  reciprocityClass: ReciprocityClassName
  classReason: string
  currency: string
  commonerTotal: number
  accessFeeTotal: number
  total: number
  status: OrderStatus
  cancelReason: string | null
  expiresAt: IsoTime
  createdAt: CreatedAt
  paidAt: IsoTime | null
  fulfilledAt: IsoTime | null
  cancelledAt: IsoTime | null
  refundedAt: IsoTime | null
  shippedAt: IsoTime | null
  shippingNote: string | null
  /** the buyer organisation's standing when the order was placed; null for orders placed before it was recorded */
  classBasis: ClassBasis | null
  /** the legal-form claim that carried a commoner price for an organisation */
  classClaimId: number | null
  /** set on a back-charge: the order, placed under a claim later overturned, whose difference it charges */
  backChargeOfOrderId: number | null
  /** the part of the total paid from a credit the marketplace owed the buyer organisation; the rest is paid by card or invoice */
  creditApplied: Generated<number>
  /** the delivery the buyer chose for this producer's goods; null for commons-only orders */
  deliveryMethodId: number | null
  deliveryKind: DeliveryKind | null
  /** the method's name and the pickup point or shipping address, as the buyer saw them */
  deliveryDetails: string | null
  /** shipping on top of the goods, the producer's money; the buyer pays total + shippingTotal */
  shippingTotal: Generated<number>
  readyForPickupAt: IsoTime | null
}

/**
 * Why an order got its class: a person's own purchase, an organisation with a for-profit legal
 * form, a commons form declared and awaiting verification (its access fees come back as a
 * credit once verified), a commons form whose claim was overturned, or evidenced (commoner).
 */
export type ClassBasis = 'personal' | 'for_profit_form' | 'awaiting_verification' | 'overturned_claim' | 'evidenced'

export interface OrderLinesTable {
  id: Generated<number>
  orderId: number
  offerId: number
  offerTitle: string
  offerKind: OfferKind
  unit: string
  licenceCode: string | null
  quantity: number
  commonerPrice: number
  forProfitPrice: number
  unitPrice: number
  producerAmount: number
  commonsFundId: number
  commonsFundAmount: number
  infrastructureFundId: number
  infrastructureAmount: number
  score: number
  scoreConfidence: number
  rulesVersion: number
}

export interface PaymentsTable {
  id: Generated<number>
  checkoutId: number
  orderId: number | null
  provider: PaymentProvider
  providerReference: string
  amount: number
  currency: string
  recordedBy: number | null
  outcome: 'applied' | 'to_refund'
  receivedAt: IsoTime
}

export interface RefundsTable {
  id: Generated<number>
  paymentId: number
  orderId: number | null
  providerReference: string
  amount: number
  currency: string
  reason: string
  createdBy: number | null
  createdAt: IsoTime
}

export interface StripeEventsTable {
  id: string
  type: string
  checkoutId: number | null
  outcome: string
  receivedAt: IsoTime
}

export interface LedgerAccountsTable {
  id: Generated<number>
  kind: LedgerAccountKind
  organisationId: number | null
  commonsFundId: number | null
  currency: string
  name: string
  createdAt: CreatedAt
}

export interface JournalEntriesTable {
  id: Generated<number>
  kind: string
  memo: string
  checkoutId: number | null
  orderId: number | null
  paymentId: number | null
  refundId: number | null
  reversesEntryId: number | null
  createdAt: IsoTime
}

export interface PostingsTable {
  id: Generated<number>
  entryId: number
  accountId: number
  amount: number
  currency: string
}

export const stockAdjustmentReasons = ['listed', 'restock', 'correction', 'damaged', 'returned', 'imported'] as const
export type StockAdjustmentReason = (typeof stockAdjustmentReasons)[number]

export interface OfferImagesTable {
  id: Generated<number>
  offerId: number
  position: number
  storageKey: string
  originalName: string
  altText: Generated<string>
  width: number
  height: number
  byteSize: number
  createdBy: number | null
  createdAt: CreatedAt
}

/** An offer's title and description in a language other than its own (offers.language). */
export interface OfferTranslationsTable {
  offerId: number
  language: string
  title: string
  description: Generated<string>
  updatedAt: UpdatedAt
}

export interface StockAdjustmentsTable {
  id: Generated<number>
  offerId: number
  delta: number
  stockAfter: number
  reason: StockAdjustmentReason
  note: Generated<string>
  personId: number | null
  createdAt: IsoTime
}

export type DisbursementStatus = 'requested' | 'approved' | 'rejected' | 'withdrawn'

export interface DisbursementsTable {
  id: Generated<number>
  commonsFundId: number
  amount: number
  currency: string
  recipient: string
  purpose: string
  status: DisbursementStatus
  requestedBy: number
  requestedAt: IsoTime
  decidedBy: number | null
  decidedAt: IsoTime | null
  decisionReason: string | null
  journalEntryId: number | null
}

export type CreditPayoutStatus = 'requested' | 'approved' | 'rejected'

export interface CreditPayoutsTable {
  id: Generated<number>
  organisationId: number
  amount: number
  currency: string
  /** where the money goes: an account the organisation names (an IBAN, a payee) */
  payTo: string
  status: CreditPayoutStatus
  requestedBy: number
  requestedAt: IsoTime
  decidedBy: number | null
  decidedAt: IsoTime | null
  decisionReason: string | null
  journalEntryId: number | null
}

export interface FundAuditEventsTable {
  id: Generated<number>
  commonsFundId: number
  disbursementId: number | null
  actorId: number | null
  action: string
  detail: Generated<string>
  createdAt: CreatedAt
}

export type DeliveryKind = 'pickup' | 'shipping'

export interface DeliveryMethodsTable {
  id: Generated<number>
  organisationId: number
  kind: DeliveryKind
  name: string
  pickupAddress: string | null
  pickupHours: string | null
  instructions: string | null
  /** ISO 3166-1 alpha-2 codes, comma-separated: "IT,FR,DE" */
  countries: string | null
  currency: string
  flatRate: number | null
  rateBasis: 'value' | 'weight' | null
  freeAbove: number | null
  archivedAt: IsoTime | null
  createdAt: CreatedAt
}

export interface DeliveryRateBandsTable {
  methodId: number
  /** minor units of the order's goods value, or grams, from which this band's rate applies */
  fromAmount: number
  rate: number
}

export interface OfferDeliveryMethodsTable {
  offerId: number
  methodId: number
}

export interface DeliveryAddressesTable {
  id: Generated<number>
  personId: number
  recipient: string
  line1: string
  line2: string | null
  postalCode: string
  city: string
  region: string | null
  country: string
  phone: string | null
  createdAt: CreatedAt
  lastUsedAt: IsoTime | null
  removedAt: IsoTime | null
}

export interface DB {
  organisations: OrganisationsTable
  people: PeopleTable
  memberships: MembershipsTable
  licences: LicencesTable
  categories: CategoriesTable
  commonsFunds: CommonsFundsTable
  offers: OffersTable
  evidenceClaims: EvidenceClaimsTable
  scoreRules: ScoreRulesTable
  offerScores: OfferScoresTable
  catalogStats: CatalogStatsTable
  sessions: SessionsTable
  loginAttempts: LoginAttemptsTable
  passwordResets: PasswordResetsTable
  emailConfirmations: EmailConfirmationsTable
  stewardAppointments: StewardAppointmentsTable
  invitations: InvitationsTable
  attestations: AttestationsTable
  challenges: ChallengesTable
  auditEvents: AuditEventsTable
  commonsResources: CommonsResourcesTable
  carts: CartsTable
  cartLines: CartLinesTable
  checkouts: CheckoutsTable
  orders: OrdersTable
  orderLines: OrderLinesTable
  payments: PaymentsTable
  refunds: RefundsTable
  stripeEvents: StripeEventsTable
  ledgerAccounts: LedgerAccountsTable
  journalEntries: JournalEntriesTable
  postings: PostingsTable
  offerImages: OfferImagesTable
  offerTranslations: OfferTranslationsTable
  stockAdjustments: StockAdjustmentsTable
  disbursements: DisbursementsTable
  creditPayouts: CreditPayoutsTable
  fundAuditEvents: FundAuditEventsTable
  deliveryMethods: DeliveryMethodsTable
  deliveryRateBands: DeliveryRateBandsTable
  offerDeliveryMethods: OfferDeliveryMethodsTable
  deliveryAddresses: DeliveryAddressesTable
}

export type Organisation = Selectable<OrganisationsTable>
export type NewOrganisation = Insertable<OrganisationsTable>
export type OrganisationUpdate = Updateable<OrganisationsTable>
export type Offer = Selectable<OffersTable>
export type NewOffer = Insertable<OffersTable>
export type EvidenceClaim = Selectable<EvidenceClaimsTable>
export type Person = Selectable<PeopleTable>
export type NewEvidenceClaim = Insertable<EvidenceClaimsTable>

/** What a module function takes first: the database, or a transaction the caller holds. */
export type Db = Kysely<DB> | Transaction<DB>
