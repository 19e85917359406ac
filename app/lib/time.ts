// Time is UTC ISO-8601 text everywhere.

/** `iso` moved by a whole number of days (negative goes back). */
export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString()
}
