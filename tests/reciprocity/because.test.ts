import { beforeAll, describe, expect, it } from 'vitest'
import { evidenceLevels, legalForms } from '../../db/schema'
import type { Database } from '../../db/connection'
import { evidenceLevelLabel, legalFormLabel } from '../../app/lib/labels'
import { reasonOfBecause } from '../../app/modules/reciprocity/because'
import { buyingOptions } from '../../app/modules/reciprocity/reciprocity.server'
import { atDemoTime, seededDb } from '../support/db'

// An order keeps why its class was decided in English; pages read it back into the reason, to
// write it in the reader's language.

let db: Database
beforeAll(async () => {
  db = await seededDb()
})
atDemoTime()

describe('reading an English "because" back', () => {
  it('gives the reason every decision of the demo marketplace was written from', async () => {
    const people = await db.selectFrom('memberships').select('personId').distinct().execute()
    let seen = 0
    for (const { personId } of people) {
      for (const decision of await buyingOptions(db, personId)) {
        expect(reasonOfBecause(decision.because), decision.because).toEqual(decision.reason)
        seen++
      }
    }
    expect(seen).toBeGreaterThan(people.length)
  })

  it('reads every legal form and evidence level, and names with commas and apostrophes', () => {
    const name = "Bread, Roses & Sons' Co-op"
    for (const legalForm of legalForms) {
      const form = legalFormLabel[legalForm].toLowerCase()
      expect(reasonOfBecause(`${name} is a ${form}, buying for commercial use`)).toEqual({ code: 'notCommonsForm', organisation: name, legalForm, level: null })
      for (const level of evidenceLevels) {
        expect(reasonOfBecause(`${name} is a ${form}, ${evidenceLevelLabel[level]}`)).toEqual({ code: 'attested', organisation: name, legalForm, level })
        expect(
          reasonOfBecause(
            `${name}'s legal form (${form}) is ${evidenceLevelLabel[level]}; it buys as a commoner once two verified organisations attest it or a steward verifies it`,
          ),
        ).toEqual({ code: 'notAttested', organisation: name, legalForm, level })
      }
      expect(
        reasonOfBecause(
          `${name}'s legal form (${form}) is not evidenced; it buys as a commoner once two verified organisations attest it or a steward verifies it`,
        ),
      ).toEqual({ code: 'notAttested', organisation: name, legalForm, level: null })
    }
  })

  it('gives nothing for words it did not write', () => {
    expect(reasonOfBecause('the steward said so')).toBeNull()
    expect(reasonOfBecause('Acme is a spaceship, verified')).toBeNull()
  })
})
