import { beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import { createOrganisation } from '../../app/modules/organisations/membership.server'
import { reciprocityClass } from '../../app/modules/reciprocity/reciprocity.server'
import { ATTESTATION_DAYS, attestationsFor } from '../../app/modules/evidence/attestations.server'
import { attestOrganisation } from '../../app/modules/orders/reclassification.server'
import { legalFormEvidence } from '../../app/modules/evidence/legal-form.server'
import { insertPerson } from '../support/auth'
import { testDb } from '../support/db'
import { createClaim, createOrganisation as insertOrganisation } from '../support/fixtures'

// A peer attestation lasts exactly one year (ATTESTATION_DAYS): the co-op it lifted buys as a
// commoner until the last second of that year, and as for-profit from its end.

const attestedAt = '2026-11-24T12:00:00.000Z'
const oneYearOn = '2027-11-24T12:00:00.000Z' // 365 days: 2027 is not a leap year
const oneSecondBefore = '2027-11-24T11:59:59.000Z'
let db: Database
let applicantAdmin: number
let applicant: number

const person = async (name: string) => (await insertPerson(db, name)).id

/** A verified co-op whose own verification outlasts the attestation by far. */
async function verifiedAttester(name: string, adminId: number) {
  const org = await insertOrganisation(db, { name, legalForm: 'worker_coop' })
  await db.insertInto('memberships').values({ organisationId: org.id, personId: adminId, role: 'admin' }).execute()
  await createClaim(db, {
    organisationId: org.id,
    claim: 'legal_form',
    value: 'worker_coop',
    evidenceLevel: 'verified',
    issuedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2030-01-01T00:00:00.000Z',
  })
  return org.id
}

beforeEach(async () => {
  db = await testDb()
  applicantAdmin = await person('alice')
  const bob = await person('bob')
  const carol = await person('carol')
  const bakers = await verifiedAttester('Verified Bakers', bob)
  const printers = await verifiedAttester('Verified Printers', carol)
  applicant = (await createOrganisation(db, applicantAdmin, { name: 'Short Lived', legalForm: 'producer_coop', countryCode: 'FR', city: 'Lyon' }, attestedAt))
    .id
  await attestOrganisation(db, bob, applicant, { attesterOrganisationId: bakers, statement: 'We buy their flour every week.' }, attestedAt)
  await attestOrganisation(db, carol, applicant, { attesterOrganisationId: printers, statement: 'We print their labels since 2020.' }, attestedAt)
})

const classAt = async (at: string) =>
  (await reciprocityClass(db, { personId: applicantAdmin, use: { kind: 'organisation', organisationId: applicant } }, at)).reciprocityClass

describe('the one-year life of a peer attestation', () => {
  it('is 365 days to the second', async () => {
    expect(ATTESTATION_DAYS).toBe(365)
    const attestations = await attestationsFor(db, applicant, attestedAt)
    expect(attestations.map((a) => a.expiresAt)).toEqual([oneYearOn, oneYearOn])
  })

  it('keeps the co-op a commoner until one second before the year is up', async () => {
    expect(await legalFormEvidence(db, applicant, oneSecondBefore)).toBe('peer_attested')
    expect(await classAt(oneSecondBefore)).toBe('commoner')
    expect((await attestationsFor(db, applicant, oneSecondBefore)).every((a) => a.current)).toBe(true)
  })

  it('makes it buy as for-profit from the moment the year is up', async () => {
    expect(await legalFormEvidence(db, applicant, oneYearOn)).not.toBe('peer_attested')
    expect(await classAt(oneYearOn)).toBe('for_profit')
    const attestations = await attestationsFor(db, applicant, oneYearOn)
    expect(attestations).toHaveLength(2)
    expect(attestations.some((a) => a.current)).toBe(false)
  })
})
