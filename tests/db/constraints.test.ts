import { beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import { testDb } from '../support/db'
import { createClaim, createOffer, createOrganisation } from '../support/fixtures'

describe('rules the database enforces on its own', () => {
  let db: Database
  let organisationId: number
  beforeEach(async () => {
    db = await testDb()
    organisationId = (await createOrganisation(db)).id
  })

  it('accepts a well-formed good and a commons item', async () => {
    await expect(createOffer(db, { organisationId })).resolves.toMatchObject({ kind: 'good', stock: 10 })
    await expect(createOffer(db, { organisationId, kind: 'commons' })).resolves.toMatchObject({ commonerPrice: 0 })
  })

  it('keeps commons items free to commoners', async () => {
    await expect(createOffer(db, { organisationId, kind: 'commons', commonerPrice: 100, forProfitPrice: 4000 })).rejects.toThrow(
      /offers_commons_free_to_commoners/,
    )
  })

  it('never lets the for-profit price fall below the commoner price', async () => {
    await expect(createOffer(db, { organisationId, commonerPrice: 2000, forProfitPrice: 1999 })).rejects.toThrow(/offers_for_profit_not_below_commoner/)
    const offer = await createOffer(db, { organisationId })
    await expect(db.updateTable('offers').set({ forProfitPrice: 1 }).where('id', '=', offer.id).execute()).rejects.toThrow(
      /offers_for_profit_not_below_commoner/,
    )
  })

  it('never holds negative stock or negative prices', async () => {
    const offer = await createOffer(db, { organisationId })
    await expect(db.updateTable('offers').set({ stock: -1 }).where('id', '=', offer.id).execute()).rejects.toThrow(/check constraint/i)
    await expect(createOffer(db, { organisationId, commonerPrice: -5, forProfitPrice: 0 })).rejects.toThrow(/check constraint/i)
  })

  it('requires a licence on commons items and stock on goods', async () => {
    await expect(createOffer(db, { organisationId, kind: 'commons', licenceCode: null })).rejects.toThrow(/offers_commons_have_licence/)
    await expect(createOffer(db, { organisationId, stock: null })).rejects.toThrow(/offers_goods_have_stock/)
  })

  it('requires the access-fee split to add up to the whole fee', async () => {
    await expect(createOffer(db, { organisationId, accessFeeProducerBp: 5000, accessFeeCommonsFundBp: 5000 })).rejects.toThrow(/offers_access_fee_split_whole/)
  })

  it('rejects unknown legal forms, evidence levels and dangling references', async () => {
    await expect(createOrganisation(db, { legalForm: 'megacorp' as never })).rejects.toThrow(/check constraint/i)
    await expect(createClaim(db, { organisationId, claim: 'legal_form', value: 'worker_coop', evidenceLevel: 'trust_me' as never })).rejects.toThrow(
      /check constraint/i,
    )
    await expect(createClaim(db, { organisationId: 999_999, claim: 'legal_form', value: 'worker_coop' })).rejects.toThrow(/foreign key constraint/i)
  })
})
