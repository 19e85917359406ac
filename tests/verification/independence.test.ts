import { beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import { setClock } from '../../app/lib/clock'
import { addDays } from '../../app/lib/time'
import { updateOrganisationFacts } from '../../app/modules/organisations/facts.server'
import { acceptInvitation, inviteMember } from '../../app/modules/organisations/membership.server'
import { reciprocityClass } from '../../app/modules/reciprocity/reciprocity.server'
import { refreshExpiredScores } from '../../app/modules/scoring/scores.server'
import { auditTrail } from '../../app/modules/audit/audit.server'
import { attestationsFor } from '../../app/modules/evidence/attestations.server'
import { attestOrganisation, reviewEvidence, submitEvidence } from '../../app/modules/orders/reclassification.server'
import { challengeClaim, decideChallenge } from '../../app/modules/verification/challenges.server'
import { legalFormEvidence } from '../../app/modules/evidence/legal-form.server'
import { insertPerson } from '../support/auth'
import { createClaim, createOrganisation } from '../support/fixtures'
import { smallMarket, type SmallMarket } from '../support/market'

// Peer attestation must stay independent and earned for as long as it counts (issue 12):
// membership changes, upheld challenges and attesters losing their own verification all
// re-evaluate the organisations concerned at once.

const now = '2026-11-24T12:00:00.000Z'
const later = (days: number) => addDays(now, days)

let m: SmallMarket
let db: Database
let steward: number
/** Three verified co-ops, each with its own admin. */
let attesters: { id: number; name: string; admin: { id: number; email: string }; claimId: number }[]

async function verifiedCoop(name: string, verifiedUntil = later(3 * 365)) {
  const org = await createOrganisation(db, { name, legalForm: 'worker_coop' })
  const admin = await insertPerson(db, `${name} Admin`)
  await db.insertInto('memberships').values({ organisationId: org.id, personId: admin.id, role: 'admin' }).execute()
  const claim = await createClaim(db, {
    organisationId: org.id,
    claim: 'legal_form',
    value: 'worker_coop',
    evidenceLevel: 'verified',
    issuedAt: later(-30),
    expiresAt: verifiedUntil,
  })
  return { id: org.id, name, admin, claimId: claim.id }
}

const attest = (attester: (typeof attesters)[number], at = now) =>
  attestOrganisation(
    db,
    attester.admin.id,
    m.weavers.id,
    { attesterOrganisationId: attester.id, statement: `${attester.name} has traded with the weavers for years.` },
    at,
  )

const weaversClass = async (at = now) =>
  (await reciprocityClass(db, { personId: m.weaver.id, use: { kind: 'organisation', organisationId: m.weavers.id } }, at)).reciprocityClass
const towelScore = async () => await db.selectFrom('offerScores').select(['score', 'validUntil']).where('offerId', '=', m.towel.id).executeTakeFirstOrThrow()
const weaversAudit = async () => (await auditTrail(db, m.weavers.id)).map((e) => e.action)

/** The weavers' admin invites `person` into the weavers, who accepts. */
async function joinWeavers(person: { id: number; email: string }, at = now) {
  const invitation = await inviteMember(db, m.weaver.id, m.weavers.id, { email: person.email, role: 'member' }, at)
  await acceptInvitation(db, person.id, invitation.token, at)
}

beforeEach(async () => {
  setClock(now)
  m = await smallMarket()
  db = m.db
  steward = (await insertPerson(db, 'Sam Steward', { steward: true })).id
  attesters = [await verifiedCoop('Verified Bakers'), await verifiedCoop('Verified Printers'), await verifiedCoop('Verified Masons')]
})

describe('independence holds for every attestation that counts', () => {
  it('an attester whose admin joins the applicant before the second attestation does not count toward it', async () => {
    const [v1, v2] = attesters as [(typeof attesters)[0], (typeof attesters)[0]]
    await attest(v1)
    await joinWeavers(v1.admin)
    await attest(v2, later(1))
    expect(await legalFormEvidence(db, m.weavers.id, later(1))).not.toBe('peer_attested')
    expect(await weaversClass(later(1))).toBe('for_profit')
    const shown = await attestationsFor(db, m.weavers.id, later(1))
    expect(shown.map((a) => [a.attesterName, a.current, a.retiredReason])).toEqual([
      ['Verified Printers', true, null],
      ['Verified Bakers', false, 'shared_member'],
    ])
    expect(await weaversAudit()).toContain('attestation_retired')
  })

  it('a shared member arriving after promotion withdraws the peer-attested form at once, and the offers are rescored', async () => {
    const [v1, v2] = attesters as [(typeof attesters)[0], (typeof attesters)[0]]
    const scoreBefore = (await towelScore()).score
    await attest(v1)
    await attest(v2)
    expect(await weaversClass()).toBe('commoner')
    expect((await towelScore()).score).toBeGreaterThan(scoreBefore)

    const joinedAt = later(10)
    await joinWeavers(v2.admin, joinedAt)
    expect(await legalFormEvidence(db, m.weavers.id, joinedAt)).toBe('self_declared')
    expect(await weaversClass(joinedAt)).toBe('for_profit')
    expect((await towelScore()).score).toBe(scoreBefore)
    const trail = (await auditTrail(db, m.weavers.id)).filter((e) => e.createdAt === joinedAt)
    expect(trail.map((e) => e.action)).toEqual(['legal_form_attestation_withdrawn', 'attestation_retired', 'member_joined', 'member_invited'])
    expect(trail[0]!.detail).toMatch(/1 of the 2 independent attestations/)
  })

  it('is checked again at promotion, whichever way the shared member came in', async () => {
    const [v1, v2] = attesters as [(typeof attesters)[0], (typeof attesters)[0]]
    await attest(v1)
    // A membership recorded outside an invitation (an import, the command line).
    await db.insertInto('memberships').values({ organisationId: m.weavers.id, personId: v1.admin.id, role: 'member' }).execute()
    await attest(v2, later(1))
    expect(await weaversClass(later(1))).toBe('for_profit')
  })

  it('works the other way round too: the applicant’s admin joining an attester breaks that attestation', async () => {
    const [v1, v2, v3] = attesters as [(typeof attesters)[0], (typeof attesters)[0], (typeof attesters)[0]]
    await attest(v1)
    await attest(v2)
    await attest(v3)
    const invitation = await inviteMember(db, v1.admin.id, v1.id, { email: m.weaver.email, role: 'member' }, later(1))
    await acceptInvitation(db, m.weaver.id, invitation.token, later(1))
    // Two independent attestations remain, so the form still stands; one more loss withdraws it.
    expect(await weaversClass(later(1))).toBe('commoner')
    await joinWeavers(v3.admin, later(2))
    expect(await weaversClass(later(2))).toBe('for_profit')
  })
})

describe('after a steward upholds a challenge against the legal form', () => {
  async function overturnPeerAttestation() {
    const [v1, v2] = attesters as [(typeof attesters)[0], (typeof attesters)[0]]
    await attest(v1)
    await attest(v2)
    const claim = await db
      .selectFrom('evidenceClaims')
      .select('id')
      .where('organisationId', '=', m.weavers.id)
      .where('evidenceLevel', '=', 'peer_attested')
      .executeTakeFirstOrThrow()
    const challenge = await challengeClaim(db, m.commoner.id, claim.id, 'Neither attester has ever seen their statutes.', now)
    await decideChallenge(db, steward, challenge.id, { uphold: true, reason: 'The attesters had not seen the statutes.' }, now)
    expect(await weaversClass()).toBe('for_profit')
  }

  it('new peer attestations alone do not lift it again; a steward’s review does', async () => {
    await overturnPeerAttestation()
    const v3 = attesters[2]!
    const v4 = await verifiedCoop('Verified Tanners')
    await attest(v3, later(1))
    await attest(v4, later(1))
    expect(await legalFormEvidence(db, m.weavers.id, later(1))).not.toBe('peer_attested')
    expect(await weaversClass(later(1))).toBe('for_profit')

    const evidence = await submitEvidence(
      db,
      m.weaver.id,
      m.weavers.id,
      { claim: 'legal_form', value: 'worker_coop', source: 'Registro delle imprese, cooperative section 4411' },
      later(2),
    )
    await reviewEvidence(db, steward, evidence.id, { approve: true, reason: 'Registry entry checked online.' }, later(3))
    expect(await weaversClass(later(3))).toBe('commoner')
  })

  it('the attesters behind the overturned claim cannot attest that organisation again for a year', async () => {
    await overturnPeerAttestation()
    const v1 = attesters[0]!
    await expect(attest(v1, later(1))).rejects.toMatchObject({
      code: 'forbidden',
      message: `A steward overturned Weavers Co-op's legal form that your organisation had attested, so it cannot attest Weavers Co-op again before ${later(365).slice(0, 10)}.`,
    })
    expect(await db.selectFrom('attestations').select('id').where('createdAt', '=', later(1)).execute()).toEqual([])
    // An attester that was not behind it may attest; the barred one may again after a year.
    await expect(attest(attesters[2]!, later(1))).resolves.toBeUndefined()
    await expect(attest(v1, later(366))).resolves.toBeUndefined()
  })
})

describe('an attester that loses its own verification', () => {
  it('when its verification is overturned, the organisations it attested are re-evaluated at once', async () => {
    const [v1, v2] = attesters as [(typeof attesters)[0], (typeof attesters)[0]]
    await attest(v1)
    await attest(v2)
    expect(await weaversClass()).toBe('commoner')
    const challenge = await challengeClaim(db, m.commoner.id, v1.claimId, 'Verified Bakers is a private company, not a co-op.', later(5))
    await decideChallenge(db, steward, challenge.id, { uphold: true, reason: 'The registry lists it as a limited company.' }, later(5))
    expect(await weaversClass(later(5))).toBe('for_profit')
    expect(await weaversAudit()).toContain('legal_form_attestation_withdrawn')
  })

  it('when it changes its legal form, its verification (and what it attested) goes with the old form', async () => {
    const [v1, v2] = attesters as [(typeof attesters)[0], (typeof attesters)[0]]
    await attest(v1)
    await attest(v2)
    await updateOrganisationFacts(db, v1.id, { legalForm: 'for_profit' }, later(5), v1.admin.id)
    expect(await weaversClass(later(5))).toBe('for_profit')
  })

  it('when its verification expires, its attestations stop counting then, and the offers are rescored', async () => {
    const shortLived = await verifiedCoop('Verified Until Spring', later(100))
    const v2 = attesters[1]!
    await attest(shortLived)
    await attest(v2)
    expect(await weaversClass(later(99))).toBe('commoner')
    expect(await weaversClass(later(101))).toBe('for_profit')
    // The score knows when it goes stale, so the regular rescoring picks it up.
    expect((await towelScore()).validUntil).toBe(later(100))
    const scoreWhileAttested = (await towelScore()).score
    expect(await refreshExpiredScores(db, later(101))).toBeGreaterThan(0)
    expect((await towelScore()).score).toBeLessThan(scoreWhileAttested)
  })

  it('when it renews its verification in time, what it attested keeps counting', async () => {
    const renewing = await verifiedCoop('Verified Renewers', later(100))
    await attest(renewing)
    await attest(attesters[1]!)
    const evidence = await submitEvidence(
      db,
      renewing.admin.id,
      renewing.id,
      { claim: 'legal_form', value: 'worker_coop', source: 'Registro delle imprese, renewed extract 2027' },
      later(90),
    )
    await reviewEvidence(db, steward, evidence.id, { approve: true, reason: 'Renewed extract checked.' }, later(95))
    expect(await weaversClass(later(101))).toBe('commoner')
  })
})

describe('evidence expiry', () => {
  it('an approved claim expires at most two years after approval, whatever the submitter typed', async () => {
    const typed = `${Number(now.slice(0, 4)) + 50}-01-01`
    const evidence = await submitEvidence(
      db,
      m.weaver.id,
      m.weavers.id,
      { claim: 'legal_form', value: 'worker_coop', source: 'Registro delle imprese 4411', expiresOn: typed },
      now,
    )
    expect(evidence.expiresAt).toBe(later(2 * 365))
    await reviewEvidence(db, steward, evidence.id, { approve: true, reason: 'Registry entry checked online.' }, later(30))
    const approved = await db.selectFrom('evidenceClaims').select('expiresAt').where('id', '=', evidence.id).executeTakeFirstOrThrow()
    expect(approved.expiresAt).toBe(later(2 * 365))
    expect(await legalFormEvidence(db, m.weavers.id, later(2 * 365 - 1))).toBe('verified')
    expect(await legalFormEvidence(db, m.weavers.id, later(2 * 365))).toBe('self_declared')
  })

  it('a claim that waited for review with a far expiry is capped at two years from its approval', async () => {
    // Submitted before submissions were capped: its stated expiry is decades away.
    const waiting = await createClaim(db, {
      organisationId: m.weavers.id,
      claim: 'legal_form',
      value: 'worker_coop',
      issuedAt: now,
      expiresAt: later(50 * 365),
      reviewStatus: 'requested',
    })
    await reviewEvidence(db, steward, waiting.id, { approve: true, reason: 'Registry entry checked online.' }, later(30))
    const approved = await db.selectFrom('evidenceClaims').select('expiresAt').where('id', '=', waiting.id).executeTakeFirstOrThrow()
    expect(approved.expiresAt).toBe(addDays(later(30), 2 * 365))
    expect(await weaversClass(addDays(later(30), 2 * 365 + 1))).toBe('for_profit')
  })

  it('a nearer date the submitter typed still stands', async () => {
    const typed = later(200).slice(0, 10)
    const evidence = await submitEvidence(
      db,
      m.weaver.id,
      m.weavers.id,
      { claim: 'legal_form', value: 'worker_coop', source: 'Registro delle imprese 4411', expiresOn: typed },
      now,
    )
    await reviewEvidence(db, steward, evidence.id, { approve: true, reason: 'Registry entry checked online.' }, later(30))
    const approved = await db.selectFrom('evidenceClaims').select('expiresAt').where('id', '=', evidence.id).executeTakeFirstOrThrow()
    expect(approved.expiresAt).toBe(`${typed}T00:00:00.000Z`)
  })
})
