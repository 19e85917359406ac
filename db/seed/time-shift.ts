/**
 * Moves a reference-time timestamp to the seeding day: `at`'s whole days after the demo's
 * reference time. Its own file so that the seed's parts can take one without importing the
 * seed that calls them.
 */
export type SeedTimeShift = (iso: string) => string
