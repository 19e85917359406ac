// Finished API bodies kept by URL while the catalog's generation (bumped by triggers on every
// table these endpoints read) is unchanged, for at most a minute: the same idea as the page
// cache in server.ts, which does not cover /api. Stock moves without moving the generation,
// so the minute bounds how stale a stock figure can be, as it does for cached pages.

export interface CachedBody {
  body: string
  etag: string
}

interface Entry extends CachedBody {
  generation: number
  storedAt: number
}

export function createResponseCache(options: { maxEntries?: number; maxAgeMs?: number; now?: () => number } = {}) {
  const maxEntries = options.maxEntries ?? 500
  const maxAgeMs = options.maxAgeMs ?? 60_000
  const now = options.now ?? Date.now
  const entries = new Map<string, Entry>()
  const stats = { hits: 0, misses: 0 }
  return {
    stats,
    clear: () => entries.clear(),
    /** The body for `key` at `generation`, made with `make` when missing or stale. `fresh` skips the lookup (Cache-Control: no-cache). */
    async get(key: string, generation: number, make: () => Promise<CachedBody>, fresh = false): Promise<CachedBody> {
      const hit = fresh ? undefined : entries.get(key)
      if (hit && hit.generation === generation && now() - hit.storedAt < maxAgeMs) {
        stats.hits++
        return hit
      }
      stats.misses++
      const made = await make()
      entries.delete(key)
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
      entries.set(key, { ...made, generation, storedAt: now() })
      return made
    },
  }
}

export const wantsFresh = (request: Request) => /no-cache|no-store/i.test(request.headers.get('Cache-Control') ?? '')
