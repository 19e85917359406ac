import { beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import { acceptInvitation, createOrganisation, inviteMember } from '../../app/modules/organisations/membership.server'
import { updateOrganisationFacts } from '../../app/modules/organisations/facts.server'
import { buyingOptions, reciprocityClass } from '../../app/modules/reciprocity/reciprocity.server'
import { auditTrail } from '../../app/modules/audit/audit.server'
import { ATTESTATIONS_PER_YEAR } from '../../app/modules/evidence/attestations.server'
import { attestOrganisation, reviewEvidence, submitEvidence } from '../../app/modules/orders/reclassification.server'
import { challengeClaim, decideChallenge } from '../../app/modules/verification/challenges.server'
import { legalFormEvidence } from '../../app/modules/evidence/legal-form.server'
import { setSteward } from '../../app/modules/accounts/stewards.server'
import { stewardQueue } from '../../app/modules/verification/evidence-review.server'
import { testDb } from '../support/db'
import { createClaim, createOrganisation as insertOrganisation } from '../support/fixtures'

const now = '2026-11-24T12:00:00.000Z'
let db: Database
let people: Record<'alice' | 'bob' | 'carol' | 'dave' | 'eve', number>
let verifiedA: number
let verifiedB: number

async function person(name: string, steward = false) {
  const row = await db
    .insertInto('people')
    // confirmed addresses, as an administrator sets people up: joining, attesting and challenging need one
    .values({ email: `${name}@example.org`, displayName: name, isSteward: steward ? 1 : 0, emailConfirmedAt: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

async function verifiedCoop(name: string, adminId: number) {
  const org = await insertOrganisation(db, { name, legalForm: 'worker_coop' })
  await db.insertInto('memberships').values({ organisationId: org.id, personId: adminId, role: 'admin' }).execute()
  await createClaim(db, { organisationId: org.id, claim: 'legal_form', value: 'worker_coop', evidenceLevel: 'verified', expiresAt: '2028-01-01T00:00:00.000Z' })
  return org.id
}

const classOf = async (personId: number, organisationId: number) =>
  (await reciprocityClass(db, { personId, use: { kind: 'organisation', organisationId } }, now)).reciprocityClass

beforeEach(async () => {
  db = await testDb()
  people = { alice: await person('alice'), bob: await person('bob'), carol: await person('carol'), dave: await person('dave', true), eve: await person('eve') }
  verifiedA = await verifiedCoop('Verified Bakers', people.bob)
  verifiedB = await verifiedCoop('Verified Printers', people.carol)
})

describe('the reciprocity class', () => {
  it('is commoner for personal use, and for-profit for a for-profit organisation', async () => {
    expect(await reciprocityClass(db, { personId: people.eve, use: { kind: 'personal' } }, now)).toMatchObject({
      reciprocityClass: 'commoner',
      because: 'you buy as a person, for non-commercial use',
    })
    const firm = await insertOrganisation(db, { name: 'Acme Widgets', legalForm: 'for_profit' })
    await db.insertInto('memberships').values({ organisationId: firm.id, personId: people.eve, role: 'member' }).execute()
    const decision = await reciprocityClass(db, { personId: people.eve, use: { kind: 'organisation', organisationId: firm.id } }, now)
    expect(decision).toMatchObject({ reciprocityClass: 'for_profit', because: 'Acme Widgets is a for-profit company, buying for commercial use' })
  })

  it('refuses buying on behalf of an organisation one is not a member of', async () => {
    await expect(reciprocityClass(db, { personId: people.eve, use: { kind: 'organisation', organisationId: verifiedA } }, now)).rejects.toMatchObject({
      code: 'forbidden',
    })
  })

  it('lists every use a person may declare', async () => {
    const options = await buyingOptions(db, people.bob, now)
    expect(options.map((o) => [o.use.kind, o.reciprocityClass])).toEqual([
      ['personal', 'commoner'],
      ['organisation', 'commoner'],
    ])
  })
})

describe('verification: from self-declared to commoner and back', () => {
  it('two attestations from verified co-ops make a new worker co-op a commoner; an upheld challenge undoes it', async () => {
    const org = await createOrganisation(db, people.alice, { name: 'Nuova Falegnameria', legalForm: 'worker_coop', countryCode: 'it', city: 'Modena' }, now)
    expect(org.slug).toBe('nuova-falegnameria')
    expect(await classOf(people.alice, org.id)).toBe('for_profit')
    expect((await reciprocityClass(db, { personId: people.alice, use: { kind: 'organisation', organisationId: org.id } }, now)).because).toMatch(
      /self-declared; it buys as a commoner once two verified organisations attest it/,
    )

    await attestOrganisation(db, people.bob, org.id, { attesterOrganisationId: verifiedA, statement: 'We have traded with them for years.' }, now)
    expect(await classOf(people.alice, org.id)).toBe('for_profit')
    await expect(
      attestOrganisation(db, people.bob, org.id, { attesterOrganisationId: verifiedA, statement: 'Attesting a second time.' }, now),
    ).rejects.toMatchObject({ code: 'conflict' })

    await attestOrganisation(db, people.carol, org.id, { attesterOrganisationId: verifiedB, statement: 'We audited their statutes in 2026.' }, now)
    expect(await legalFormEvidence(db, org.id, now)).toBe('peer_attested')
    expect(await classOf(people.alice, org.id)).toBe('commoner')

    const claim = await db
      .selectFrom('evidenceClaims')
      .select('id')
      .where('organisationId', '=', org.id)
      .where('evidenceLevel', '=', 'peer_attested')
      .executeTakeFirstOrThrow()
    const challenge = await challengeClaim(db, people.eve, claim.id, 'The two attesters share a supplier with them and never saw the statutes.', now)
    await expect(challengeClaim(db, people.eve, claim.id, 'Again, the same complaint about this.', now)).rejects.toMatchObject({ code: 'conflict' })
    expect((await stewardQueue(db)).challenges.map((c) => c.id)).toEqual([challenge.id])

    await expect(decideChallenge(db, people.eve, challenge.id, { uphold: true, reason: 'I say so myself.' }, now)).rejects.toMatchObject({ code: 'forbidden' })
    await decideChallenge(db, people.dave, challenge.id, { uphold: true, reason: 'The attesters had not seen the statutes.' }, now)
    expect(await classOf(people.alice, org.id)).toBe('for_profit')
    await expect(decideChallenge(db, people.dave, challenge.id, { uphold: false, reason: 'Changed my mind.' }, now)).rejects.toMatchObject({ code: 'conflict' })

    // The overturned attestations no longer count: one new attestation is not enough again.
    const third = await person('fay')
    const verifiedC = await verifiedCoop('Verified Weavers', third)
    await attestOrganisation(
      db,
      third,
      org.id,
      { attesterOrganisationId: verifiedC, statement: 'We have known them since they started.' },
      '2026-11-25T12:00:00.000Z',
    )
    expect(
      (await reciprocityClass(db, { personId: people.alice, use: { kind: 'organisation', organisationId: org.id } }, '2026-11-25T12:00:00.000Z'))
        .reciprocityClass,
    ).toBe('for_profit')

    const trail = (await auditTrail(db, org.id)).filter((e) => e.createdAt === now)
    expect(trail.map((e) => e.action)).toEqual([
      'challenge_upheld',
      'claim_challenged',
      'legal_form_peer_attested',
      'attestation_received',
      'attestation_received',
      'organisation_created',
    ])
    expect(trail[0]).toMatchObject({ detail: 'The attesters had not seen the statutes.', actorName: 'dave' })
  })

  it('refuses attestations that are not independent or not from verified organisations', async () => {
    const org = await createOrganisation(db, people.alice, { name: 'Applicant Co-op', legalForm: 'worker_coop', countryCode: 'IT', city: 'Parma' }, now)
    // Attesting oneself, or an organisation one belongs to.
    await expect(
      attestOrganisation(db, people.alice, org.id, { attesterOrganisationId: org.id, statement: 'We are great, trust us.' }, now),
    ).rejects.toMatchObject({ code: 'forbidden' })
    await db.insertInto('memberships').values({ organisationId: org.id, personId: people.bob, role: 'member' }).execute()
    await expect(
      attestOrganisation(db, people.bob, org.id, { attesterOrganisationId: verifiedA, statement: 'I know them very well.' }, now),
    ).rejects.toMatchObject({
      code: 'forbidden',
    })
    // Not an admin of the attesting organisation.
    await expect(
      attestOrganisation(db, people.eve, org.id, { attesterOrganisationId: verifiedB, statement: 'Trying to attest for them.' }, now),
    ).rejects.toMatchObject({
      code: 'forbidden',
    })
    // An unverified attester.
    const unverified = await createOrganisation(db, people.eve, { name: 'Unverified Co-op', legalForm: 'worker_coop', countryCode: 'IT', city: 'Bari' }, now)
    await expect(
      attestOrganisation(db, people.eve, org.id, { attesterOrganisationId: unverified.id, statement: 'We vouch for them, honestly.' }, now),
    ).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('verified') })
    expect(await db.selectFrom('attestations').selectAll().execute()).toEqual([])
  })

  it('caps the attestations an organisation may give in a year', async () => {
    for (let i = 0; i < ATTESTATIONS_PER_YEAR; i++) {
      const applicant = await createOrganisation(db, people.alice, { name: `Applicant ${i}`, legalForm: 'worker_coop', countryCode: 'IT', city: 'Parma' }, now)
      await attestOrganisation(db, people.carol, applicant.id, { attesterOrganisationId: verifiedB, statement: 'Known to us through the federation.' }, now)
    }
    const one = await createOrganisation(db, people.alice, { name: 'One Too Many', legalForm: 'worker_coop', countryCode: 'IT', city: 'Parma' }, now)
    await expect(
      attestOrganisation(db, people.carol, one.id, { attesterOrganisationId: verifiedB, statement: 'Known to us through the federation.' }, now),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('past year') })
    const nextYear = '2027-11-25T12:00:00.000Z'
    await expect(
      attestOrganisation(db, people.carol, one.id, { attesterOrganisationId: verifiedB, statement: 'Known to us through the federation.' }, nextYear),
    ).resolves.toBeUndefined()
  })

  it('attestations expire, and the class with them', async () => {
    const org = await createOrganisation(db, people.alice, { name: 'Short Lived', legalForm: 'producer_coop', countryCode: 'FR', city: 'Lyon' }, now)
    await attestOrganisation(db, people.bob, org.id, { attesterOrganisationId: verifiedA, statement: 'We buy their flour every week.' }, now)
    await attestOrganisation(db, people.carol, org.id, { attesterOrganisationId: verifiedB, statement: 'We print their labels since 2020.' }, now)
    expect(await classOf(people.alice, org.id)).toBe('commoner')
    const later = '2027-11-25T12:00:00.000Z'
    expect((await reciprocityClass(db, { personId: people.alice, use: { kind: 'organisation', organisationId: org.id } }, later)).reciprocityClass).toBe(
      'for_profit',
    )
  })

  it('a steward reviews submitted evidence; not their own organisation’s, and only once', async () => {
    const org = await createOrganisation(db, people.alice, { name: 'Evidence Co-op', legalForm: 'worker_coop', countryCode: 'ES', city: 'Cádiz' }, now)
    await expect(
      submitEvidence(db, people.eve, org.id, { claim: 'legal_form', value: 'worker_coop', source: 'Registro de cooperativas 123' }, now),
    ).rejects.toMatchObject({ code: 'forbidden' })
    await expect(
      submitEvidence(db, people.alice, org.id, { claim: 'legal_form', value: 'nonprofit', source: 'Registro de cooperativas 123' }, now),
    ).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(submitEvidence(db, people.alice, org.id, { claim: 'legal_form', value: 'worker_coop', source: '' }, now)).rejects.toMatchObject({
      code: 'invalid_input',
    })
    const claim = await submitEvidence(
      db,
      people.alice,
      org.id,
      { claim: 'legal_form', value: 'worker_coop', source: 'Registro de cooperativas 123', expiresOn: '2028-06-30' },
      now,
    )
    expect(claim).toMatchObject({ evidenceLevel: 'documented', reviewStatus: 'requested', expiresAt: '2028-06-30T00:00:00.000Z' })
    expect((await stewardQueue(db)).evidence.map((e) => e.id)).toEqual([claim.id])
    await expect(reviewEvidence(db, people.bob, claim.id, { approve: true, reason: 'Looks right to me.' }, now)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(reviewEvidence(db, people.dave, claim.id, { approve: true, reason: '' }, now)).rejects.toMatchObject({ code: 'invalid_input' })
    await reviewEvidence(db, people.dave, claim.id, { approve: true, reason: 'Checked the registry entry online.' }, now)
    expect(await legalFormEvidence(db, org.id, now)).toBe('verified')
    expect(await classOf(people.alice, org.id)).toBe('commoner')
    await expect(reviewEvidence(db, people.dave, claim.id, { approve: false, reason: 'Second thoughts here.' }, now)).rejects.toMatchObject({
      code: 'conflict',
    })
    // A steward does not review their own organisation.
    await db.insertInto('memberships').values({ organisationId: org.id, personId: people.dave, role: 'member' }).execute()
    const second = await submitEvidence(db, people.alice, org.id, { claim: 'open_books', value: '1', source: 'Annual accounts 2025, published' }, now)
    await expect(reviewEvidence(db, people.dave, second.id, { approve: true, reason: 'Fine by me, all good.' }, now)).rejects.toMatchObject({
      code: 'forbidden',
    })
  })

  it('changing the legal form drops the evidence for the old one', async () => {
    const org = await createOrganisation(db, people.alice, { name: 'Form Changer', legalForm: 'worker_coop', countryCode: 'IT', city: 'Parma' }, now)
    await attestOrganisation(db, people.bob, org.id, { attesterOrganisationId: verifiedA, statement: 'We know them from the market.' }, now)
    await attestOrganisation(db, people.carol, org.id, { attesterOrganisationId: verifiedB, statement: 'We know them from the union.' }, now)
    expect(await classOf(people.alice, org.id)).toBe('commoner')
    await expect(updateOrganisationFacts(db, org.id, { legalForm: 'nonprofit' }, now, people.eve)).rejects.toMatchObject({ code: 'forbidden' })
    await updateOrganisationFacts(db, org.id, { legalForm: 'nonprofit' }, now, people.alice)
    expect(await classOf(people.alice, org.id)).toBe('for_profit')
  })
})

describe('invitations and stewards', () => {
  it('an admin invites, the invitee accepts once, with the invited address only', async () => {
    const org = await createOrganisation(db, people.alice, { name: 'Inviting Co-op', legalForm: 'worker_coop', countryCode: 'IT', city: 'Parma' }, now)
    await expect(inviteMember(db, people.eve, org.id, { email: 'eve@example.org', role: 'member' }, now)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(inviteMember(db, people.alice, org.id, { email: 'not-an-email', role: 'member' }, now)).rejects.toMatchObject({ code: 'invalid_input' })
    const invitation = await inviteMember(db, people.alice, org.id, { email: 'EVE@example.org', role: 'member' }, now)
    await expect(acceptInvitation(db, people.bob, invitation.token, now)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(acceptInvitation(db, people.eve, 'forged-token', now)).rejects.toMatchObject({ code: 'not_found' })
    await acceptInvitation(db, people.eve, invitation.token, now)
    await expect(acceptInvitation(db, people.eve, invitation.token, now)).rejects.toMatchObject({ code: 'conflict' })
    expect(await classOf(people.eve, org.id)).toBe('for_profit')
    const expired = await inviteMember(db, people.alice, org.id, { email: 'bob@example.org', role: 'admin' }, now)
    await expect(acceptInvitation(db, people.bob, expired.token, '2027-01-01T00:00:00.000Z')).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('expired'),
    })
    await expect(inviteMember(db, people.alice, org.id, { email: 'eve@example.org', role: 'member' }, now)).rejects.toMatchObject({ code: 'conflict' })
  })

  it('only stewards appoint stewards', async () => {
    await expect(setSteward(db, people.eve, 'alice@example.org', true)).rejects.toMatchObject({ code: 'forbidden' })
    await setSteward(db, people.dave, 'alice@example.org', true)
    expect((await db.selectFrom('people').select('isSteward').where('id', '=', people.alice).executeTakeFirstOrThrow()).isSteward).toBe(1)
    await expect(setSteward(db, people.dave, 'nobody@example.org', true)).rejects.toMatchObject({ code: 'not_found' })
  })
})

describe('cached public pages', () => {
  it('a new attestation moves the catalog generation, so no cached organisation page hides it', async () => {
    const { catalogStats } = await import('../../app/modules/catalog/ranking-snapshot.server')
    const org = await createOrganisation(db, people.alice, { name: 'Cache Watch', legalForm: 'worker_coop', countryCode: 'IT', city: 'Parma' }, now)
    const before = (await catalogStats(db)).generation
    await attestOrganisation(db, people.bob, org.id, { attesterOrganisationId: verifiedA, statement: 'We know them from the market.' }, now)
    expect((await catalogStats(db)).generation).toBeGreaterThan(before)
  })
})
