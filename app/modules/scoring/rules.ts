import { z } from 'zod'

// The seven criteria of the ethical-preference score (docs/design.md, "The ethical-preference score"). Their weights are the
// community's, kept as a versioned rules document in the database; buyers may re-weight
// their own view, never the public badge.

export const criteria = ['ownership', 'surplus', 'openKnowledge', 'fairWork', 'transparency', 'environment', 'cooperation'] as const
export type Criterion = (typeof criteria)[number]

export const criterionLabel: Record<Criterion, string> = {
  ownership: 'Ownership & democratic control',
  surplus: 'Surplus & reciprocity',
  openKnowledge: 'Open knowledge',
  fairWork: 'Fair work & fair price',
  transparency: 'Transparency',
  environment: 'Environment',
  cooperation: 'Cooperation among co-ops',
}

export type Weights = Record<Criterion, number>

export const defaultWeights: Weights = {
  ownership: 25,
  surplus: 20,
  openKnowledge: 15,
  fairWork: 15,
  transparency: 10,
  environment: 10,
  cooperation: 5,
}

const weight = z
  .number({ error: 'each weight must be a whole number from 0 to 100' })
  .int('each weight must be a whole number from 0 to 100')
  .min(0, 'each weight must be a whole number from 0 to 100')
  .max(100, 'each weight must be a whole number from 0 to 100')

/** A community rules document: weights summing to exactly 100, so the score reads 0–100. */
export const CommunityWeights = z
  .object(Object.fromEntries(criteria.map((c) => [c, weight])) as Record<Criterion, typeof weight>)
  .strict()
  .refine((w) => criteria.reduce((sum, c) => sum + w[c], 0) === 100, 'the weights must add up to 100')

/** A buyer's own view: any weights from 0 to 100, at least one above 0; rescaled to read 0–100. */
export const BuyerWeights = z
  .object(Object.fromEntries(criteria.map((c) => [c, weight])) as Record<Criterion, typeof weight>)
  .strict()
  .refine((w) => criteria.some((c) => w[c] > 0), 'at least one weight must be above 0')

export const presets = {
  community: { label: 'Community weights', weights: null },
  commons_first: {
    label: 'Commons first',
    weights: { ownership: 25, surplus: 20, openKnowledge: 40, fairWork: 5, transparency: 5, environment: 0, cooperation: 5 },
  },
  fair_work_first: {
    label: 'Fair work first',
    weights: { ownership: 15, surplus: 10, openKnowledge: 5, fairWork: 50, transparency: 10, environment: 5, cooperation: 5 },
  },
  planet_first: {
    label: 'Planet first',
    weights: { ownership: 15, surplus: 10, openKnowledge: 10, fairWork: 10, transparency: 5, environment: 45, cooperation: 5 },
  },
} as const satisfies Record<string, { label: string; weights: Weights | null }>
export type PresetName = keyof typeof presets
export const presetNames = Object.keys(presets) as PresetName[]
