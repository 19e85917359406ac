import { z } from 'zod'
import { domainId, text } from './fields'

/** Challenging a claim: what is wrong and how the challenger knows (the domain judges it). */
export const ChallengeForm = z.object({ reason: text })

/** An admin attests another organisation's legal form for one of their own organisations. */
export const AttestForm = z.object({ attesterOrganisationId: domainId, statement: text })
