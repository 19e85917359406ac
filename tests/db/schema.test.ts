import { sql, type ColumnType, type Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import { migrateToLatest, openDatabase, rollbackAll, rollbackOne } from '../../db/connection'
import type { DB } from '../../db/schema'

type SelectOf<C> = C extends ColumnType<infer S, any, any> ? S : C
type Nullability<C> = null extends SelectOf<C> ? 'nullable' : 'not null'

// The compiler holds this record to the DB type (every table, every column, its nullability);
// the test holds it to the migrated database. Together: the DB type matches the migrations.
const expected: { [T in keyof DB]: { [C in keyof DB[T]]-?: Nullability<DB[T][C]> } } = {
  organisations: {
    id: 'not null',
    slug: 'not null',
    name: 'not null',
    legalForm: 'not null',
    summary: 'not null',
    website: 'nullable',
    countryCode: 'not null',
    region: 'nullable',
    city: 'not null',
    oneMemberOneVote: 'nullable',
    memberCount: 'nullable',
    surplusPolicy: 'nullable',
    payRatio: 'nullable',
    openBooks: 'nullable',
    createdAt: 'not null',
    updatedAt: 'not null',
  },
  people: {
    id: 'not null',
    email: 'not null',
    displayName: 'not null',
    createdAt: 'not null',
    passwordHash: 'nullable',
    isSteward: 'not null',
    emailConfirmedAt: 'nullable',
    language: 'nullable',
    timeZone: 'nullable',
  },
  sessions: { idHash: 'not null', personId: 'not null', createdAt: 'not null', expiresAt: 'not null', revokedAt: 'nullable' },
  loginAttempts: { id: 'not null', email: 'not null', address: 'not null', succeeded: 'not null', attemptedAt: 'not null' },
  passwordResets: { tokenHash: 'not null', personId: 'not null', createdAt: 'not null', expiresAt: 'not null', usedAt: 'nullable' },
  emailConfirmations: { tokenHash: 'not null', personId: 'not null', email: 'not null', createdAt: 'not null', expiresAt: 'not null', usedAt: 'nullable' },
  stewardAppointments: {
    id: 'not null',
    personId: 'not null',
    proposedBy: 'not null',
    proposedAt: 'not null',
    reason: 'not null',
    status: 'not null',
    decidedBy: 'nullable',
    decidedAt: 'nullable',
  },
  invitations: {
    id: 'not null',
    organisationId: 'not null',
    email: 'not null',
    role: 'not null',
    tokenHash: 'not null',
    invitedBy: 'not null',
    createdAt: 'not null',
    expiresAt: 'not null',
    acceptedAt: 'nullable',
    acceptedBy: 'nullable',
  },
  attestations: {
    id: 'not null',
    organisationId: 'not null',
    attesterOrganisationId: 'not null',
    attestedBy: 'not null',
    legalForm: 'not null',
    statement: 'not null',
    createdAt: 'not null',
    expiresAt: 'not null',
    retiredAt: 'nullable',
    retiredReason: 'nullable',
  },
  challenges: {
    id: 'not null',
    claimId: 'not null',
    organisationId: 'not null',
    challengerId: 'not null',
    reason: 'not null',
    status: 'not null',
    createdAt: 'not null',
    decidedAt: 'nullable',
    decidedBy: 'nullable',
    decisionReason: 'nullable',
  },
  auditEvents: {
    id: 'not null',
    organisationId: 'not null',
    actorId: 'nullable',
    action: 'not null',
    claimId: 'nullable',
    detail: 'not null',
    createdAt: 'not null',
  },
  memberships: { organisationId: 'not null', personId: 'not null', role: 'not null', createdAt: 'not null' },
  licences: { code: 'not null', name: 'not null', url: 'nullable', openness: 'not null' },
  categories: { id: 'not null', slug: 'not null', name: 'not null' },
  commonsFunds: {
    id: 'not null',
    slug: 'not null',
    name: 'not null',
    purpose: 'not null',
    kind: 'not null',
    currency: 'not null',
    stewardOrganisationId: 'nullable',
    createdAt: 'not null',
  },
  offers: {
    id: 'not null',
    slug: 'not null',
    organisationId: 'not null',
    kind: 'not null',
    title: 'not null',
    description: 'not null',
    categoryId: 'not null',
    licenceCode: 'nullable',
    unit: 'not null',
    stock: 'nullable',
    delivery: 'not null',
    currency: 'not null',
    commonerPrice: 'not null',
    forProfitPrice: 'not null',
    accessFeeProducerBp: 'not null',
    accessFeeCommonsFundBp: 'not null',
    accessFeeInfrastructureBp: 'not null',
    commonsFundId: 'not null',
    status: 'not null',
    createdAt: 'not null',
    updatedAt: 'not null',
    personalUseCap: 'nullable',
    language: 'not null',
  },
  evidenceClaims: {
    id: 'not null',
    organisationId: 'not null',
    offerId: 'nullable',
    claim: 'not null',
    value: 'not null',
    evidenceLevel: 'not null',
    source: 'not null',
    sourceUrl: 'nullable',
    issuedAt: 'not null',
    expiresAt: 'nullable',
    createdAt: 'not null',
    status: 'not null',
    reviewStatus: 'nullable',
  },
  scoreRules: { version: 'not null', weights: 'not null', note: 'not null', publishedBy: 'not null', publishedAt: 'not null' },
  offerScores: {
    offerId: 'not null',
    rulesVersion: 'not null',
    score: 'not null',
    confidence: 'not null',
    listed: 'not null',
    exclusionReason: 'nullable',
    earnedOwnership: 'not null',
    earnedSurplus: 'not null',
    earnedOpenKnowledge: 'not null',
    earnedFairWork: 'not null',
    earnedTransparency: 'not null',
    earnedEnvironment: 'not null',
    earnedCooperation: 'not null',
    kind: 'not null',
    categoryId: 'not null',
    licenceCode: 'nullable',
    legalForm: 'not null',
    countryCode: 'not null',
    validUntil: 'nullable',
    computedAt: 'not null',
  },
  catalogStats: { id: 'not null', generation: 'not null', listedCount: 'not null' },
  commonsResources: {
    offerId: 'not null',
    kind: 'not null',
    url: 'nullable',
    fileName: 'nullable',
    contentType: 'nullable',
    content: 'nullable',
    byteSize: 'nullable',
    updatedAt: 'not null',
  },
  carts: { personId: 'not null', buyingForOrganisationId: 'nullable', updatedAt: 'not null' },
  cartLines: { personId: 'not null', offerId: 'not null', quantity: 'not null', addedAt: 'not null' },
  checkouts: {
    id: 'not null',
    buyerPersonId: 'not null',
    buyerOrganisationId: 'nullable',
    idempotencyKey: 'not null',
    reciprocityClass: 'not null',
    classReason: 'not null',
    provider: 'not null',
    currency: 'not null',
    total: 'not null',
    stripeSessionId: 'nullable',
    stripeSessionUrl: 'nullable',
    stripePaymentIntentId: 'nullable',
    expiresAt: 'not null',
    createdAt: 'not null',
    declaredUse: 'nullable',
    forProfitAffiliation: 'nullable',
  },
  orders: {
    id: 'not null',
    checkoutId: 'not null',
    organisationId: 'not null',
    buyerPersonId: 'not null',
    buyerOrganisationId: 'nullable',
    reciprocityClass: 'not null',
    classReason: 'not null',
    currency: 'not null',
    commonerTotal: 'not null',
    accessFeeTotal: 'not null',
    total: 'not null',
    status: 'not null',
    cancelReason: 'nullable',
    expiresAt: 'not null',
    createdAt: 'not null',
    paidAt: 'nullable',
    fulfilledAt: 'nullable',
    cancelledAt: 'nullable',
    refundedAt: 'nullable',
    shippedAt: 'nullable',
    shippingNote: 'nullable',
    classBasis: 'nullable',
    classClaimId: 'nullable',
    backChargeOfOrderId: 'nullable',
    creditApplied: 'not null',
  },
  orderLines: {
    id: 'not null',
    orderId: 'not null',
    offerId: 'not null',
    offerTitle: 'not null',
    offerKind: 'not null',
    unit: 'not null',
    licenceCode: 'nullable',
    quantity: 'not null',
    commonerPrice: 'not null',
    forProfitPrice: 'not null',
    unitPrice: 'not null',
    producerAmount: 'not null',
    commonsFundId: 'not null',
    commonsFundAmount: 'not null',
    infrastructureFundId: 'not null',
    infrastructureAmount: 'not null',
    score: 'not null',
    scoreConfidence: 'not null',
    rulesVersion: 'not null',
  },
  payments: {
    id: 'not null',
    checkoutId: 'not null',
    orderId: 'nullable',
    provider: 'not null',
    providerReference: 'not null',
    amount: 'not null',
    currency: 'not null',
    recordedBy: 'nullable',
    outcome: 'not null',
    receivedAt: 'not null',
  },
  refunds: {
    id: 'not null',
    paymentId: 'not null',
    orderId: 'nullable',
    providerReference: 'not null',
    amount: 'not null',
    currency: 'not null',
    reason: 'not null',
    createdBy: 'nullable',
    createdAt: 'not null',
  },
  stripeEvents: { id: 'not null', type: 'not null', checkoutId: 'nullable', outcome: 'not null', receivedAt: 'not null' },
  ledgerAccounts: {
    id: 'not null',
    kind: 'not null',
    organisationId: 'nullable',
    commonsFundId: 'nullable',
    currency: 'not null',
    name: 'not null',
    createdAt: 'not null',
  },
  journalEntries: {
    id: 'not null',
    kind: 'not null',
    memo: 'not null',
    checkoutId: 'nullable',
    orderId: 'nullable',
    paymentId: 'nullable',
    refundId: 'nullable',
    reversesEntryId: 'nullable',
    createdAt: 'not null',
  },
  postings: { id: 'not null', entryId: 'not null', accountId: 'not null', amount: 'not null', currency: 'not null' },
  offerTranslations: {
    offerId: 'not null',
    language: 'not null',
    title: 'not null',
    description: 'not null',
    updatedAt: 'not null',
  },
  offerImages: {
    id: 'not null',
    offerId: 'not null',
    position: 'not null',
    storageKey: 'not null',
    originalName: 'not null',
    altText: 'not null',
    width: 'not null',
    height: 'not null',
    byteSize: 'not null',
    createdBy: 'nullable',
    createdAt: 'not null',
  },
  stockAdjustments: {
    id: 'not null',
    offerId: 'not null',
    delta: 'not null',
    stockAfter: 'not null',
    reason: 'not null',
    note: 'not null',
    personId: 'nullable',
    createdAt: 'not null',
  },
  disbursements: {
    id: 'not null',
    commonsFundId: 'not null',
    amount: 'not null',
    currency: 'not null',
    recipient: 'not null',
    purpose: 'not null',
    status: 'not null',
    requestedBy: 'not null',
    requestedAt: 'not null',
    decidedBy: 'nullable',
    decidedAt: 'nullable',
    decisionReason: 'nullable',
    journalEntryId: 'nullable',
  },
  creditPayouts: {
    id: 'not null',
    organisationId: 'not null',
    amount: 'not null',
    currency: 'not null',
    payTo: 'not null',
    status: 'not null',
    requestedBy: 'not null',
    requestedAt: 'not null',
    decidedBy: 'nullable',
    decidedAt: 'nullable',
    decisionReason: 'nullable',
    journalEntryId: 'nullable',
  },
  fundAuditEvents: {
    id: 'not null',
    commonsFundId: 'not null',
    disbursementId: 'nullable',
    actorId: 'nullable',
    action: 'not null',
    detail: 'not null',
    createdAt: 'not null',
  },
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** The whole schema as SQLite stores it: every table, index and trigger's SQL. */
async function schemaSql(db: Kysely<any>) {
  const { rows } = await sql<{ type: string; name: string; sql: string | null }>`
    select type, name, sql from sqlite_master
    where name not like 'sqlite_%' and name not like 'kysely_%'
    order by type, name`.execute(db)
  return rows
}

describe('database schema', () => {
  it('has exactly the tables and columns of the DB type, with the same nullability', async () => {
    const db = openDatabase(':memory:')
    await migrateToLatest(db)
    // The full-text index is an FTS5 virtual table (and its shadow tables), outside the DB type.
    const tables = (await db.introspection.getTables()).filter((t) => !t.name.startsWith('kysely_') && !t.name.startsWith('offer_search'))
    const actual = Object.fromEntries(tables.map((t) => [t.name, Object.fromEntries(t.columns.map((c) => [c.name, c.isNullable ? 'nullable' : 'not null']))]))
    const wanted = Object.fromEntries(
      Object.entries(expected).map(([table, columns]) => [snake(table), Object.fromEntries(Object.entries(columns).map(([c, n]) => [snake(c), n]))]),
    )
    // SQLite reports an INTEGER PRIMARY KEY (the rowid) as nullable, though it can never hold null.
    for (const t of Object.values(actual)) if ('id' in t) t.id = 'not null'
    expect(actual).toEqual(wanted)
    await db.destroy()
  })

  it('migrates up, down and up again to the same schema', async () => {
    const db = openDatabase(':memory:')
    await migrateToLatest(db)
    const first = await schemaSql(db)
    expect(first.length).toBeGreaterThan(5)

    await rollbackOne(db)
    await rollbackAll(db)
    expect(await schemaSql(db)).toEqual([])

    await migrateToLatest(db)
    expect(await schemaSql(db)).toEqual(first)
    await db.destroy()
  })

  it('runs in WAL mode with foreign keys enforced', async () => {
    const file = `${process.env.TMPDIR ?? '/tmp'}/sm-wal-${process.pid}-${Date.now()}.db`
    const db = openDatabase(file)
    const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db.withoutPlugins())
    expect(rows[0]?.journal_mode).toBe('wal')
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db.withoutPlugins())
    expect(fk.rows[0]?.foreign_keys).toBe(1)
    await db.destroy()
  })
})
