// The app's one clock. Every "now" the domain, the routes and the server use comes from here, so
// a test can run the code under test at the time its data describes (a fund's month, a claim's
// expiry, a lapse window) instead of at whatever day the suite happens to run on.
//
// Where this seam cannot reach: the `created_at`-style column defaults in the migrations use
// SQLite's own clock (`strftime(…, 'now')`). Every domain insert whose time matters passes its
// timestamp explicitly; the defaults only fill rows a person or a script writes by hand. The
// whole-process boundary runs in CI (`faketime`) shift both clocks together. See
// docs/decisions/0001-one-clock.md.

let fixedAt: number | null = null

export const clock = {
  /** The current time as UTC ISO-8601 text, the form every timestamp is stored in. */
  now(): string {
    return new Date(fixedAt ?? Date.now()).toISOString()
  },
  /** The current time as a Date, for code that does arithmetic on it. */
  date(): Date {
    return new Date(fixedAt ?? Date.now())
  },
}

/**
 * Stops the clock at `at` (UTC ISO-8601), or lets it run again with `null`. For tests only: a
 * running server never calls it. The test setup resets it after every test.
 */
export function setClock(at: string | null): void {
  if (at !== null && Number.isNaN(Date.parse(at))) throw new Error(`setClock: not a time: ${at}`)
  fixedAt = at === null ? null : Date.parse(at)
}
