import type { Kysely } from 'kysely'
import type { z } from 'zod'
import type { DB } from '../../../db/schema'
import { clock } from '../../lib/clock'
import { recordEvidence, recordEvidenceReview, type EvidenceInput } from '../verification/evidence-review.server'
import { recordAttestation, type AttestationInput } from '../verification/attestations.server'
import { creditReclassifiedOrders } from './reciprocity-credit.server'

// The evidence decisions that can make a buyer organisation a commoner, each with the credit it
// makes owed, in one transaction: verification changes the evidence and says whose class may
// have changed, and the orders placed while that organisation awaited verification are credited
// before the transaction commits (docs/design.md, "Credits and back-charges"). Verification knows
// nothing of orders; this is the one place the two meet on the way up.

/** An admin submits evidence (verification/evidence-review.server.ts, recordEvidence). @throws AppError as it does */
export async function submitEvidence(db: Kysely<DB>, actorId: number, organisationId: number, input: EvidenceInput, now = clock.now()) {
  return db.transaction().execute(async (trx) => {
    const { claim, reclassified } = await recordEvidence(trx, actorId, organisationId, input, now)
    await creditReclassifiedOrders(trx, reclassified, now)
    return claim
  })
}

/** A verified organisation attests another's legal form (verification/attestations.server.ts). @throws AppError as recordAttestation does */
export async function attestOrganisation(
  db: Kysely<DB>,
  actorId: number,
  organisationId: number,
  input: z.input<typeof AttestationInput>,
  now = clock.now(),
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { reclassified } = await recordAttestation(trx, actorId, organisationId, input, now)
    await creditReclassifiedOrders(trx, reclassified, now)
  })
}

/** A steward approves or rejects submitted evidence. @throws AppError as recordEvidenceReview does */
export async function reviewEvidence(
  db: Kysely<DB>,
  stewardId: number,
  claimId: number,
  decision: { approve: boolean; reason: string },
  now = clock.now(),
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { reclassified } = await recordEvidenceReview(trx, stewardId, claimId, decision, now)
    await creditReclassifiedOrders(trx, reclassified, now)
  })
}
