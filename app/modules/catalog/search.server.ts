import { sql, type RawBuilder } from 'kysely'
import { engineOf } from '../../../db/engine'
import type { Db } from '../../../db/schema'

// The catalog's full-text search, the one place that knows the two engines index it
// differently: FTS5's offer_search on SQLite, a tsvector per offer under a GIN index on
// PostgreSQL (db/migrations/2026_11_24_0400_scores_and_search.ts). The contract is the same on
// both: an offer matches when its title, description or producer's name holds every word of
// the search, case and accents folded, the last word also as the start of a longer one
// ("weav" finds "weaver"); matches are ranked by the offer's score like the rest of the catalog.

/** Words of a search, as `searchWords` (query.ts) found them: letters and digits only. */
export type SearchWords = readonly string[]

const LAST = (i: number, words: SearchWords) => i === words.length - 1

/**
 * The FROM clause of a ranked catalog query that searches (the scores as `s`, joined to the
 * matches) and the condition that keeps the matches.
 */
export function searchedScores(db: Db, words: SearchWords): { from: RawBuilder<unknown>; match: RawBuilder<unknown> } {
  if (engineOf(db) === 'postgres') {
    const query = words.map((w, i) => `${w}${LAST(i, words) ? ':*' : ''}`).join(' & ')
    return {
      from: sql`offer_search f join offer_scores s on s.offer_id = f.offer_id`,
      match: sql`f.document @@ to_tsquery('simple', unaccent(${query}))`,
    }
  }
  // A search starts from its matches (CROSS JOIN fixes that order). The planner prefers the
  // table's rowid for the join; the narrow covering index reads far less.
  return {
    from: sql`offer_search f cross join offer_scores s indexed by offer_scores_search_idx on s.offer_id = f.rowid`,
    match: sql`offer_search match ${fts5Query(words)}`,
  }
}

/** The ids of every offer the search matches, listed or not (a custom ranking filters them). */
export async function matchingOfferIds(db: Db, words: SearchWords): Promise<Set<number>> {
  const query =
    engineOf(db) === 'postgres'
      ? sql<{ id: number }>`select f.offer_id as id from offer_search f where ${searchedScores(db, words).match}`
      : sql<{ id: number }>`select rowid as id from offer_search where offer_search match ${fts5Query(words)}`
  return new Set((await query.execute(db)).rows.map((r) => r.id))
}

/** Each word quoted (so none is read as an FTS5 operator), the last one as a prefix. */
function fts5Query(words: SearchWords): string {
  return words.map((w, i) => `"${w}"${LAST(i, words) ? '*' : ''}`).join(' ')
}
