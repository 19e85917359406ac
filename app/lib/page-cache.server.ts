import { gzipSync } from 'node:zlib'

// A small cache of rendered public pages. Rendering the catalog's 24 cards and its filter form
// with React costs a few milliseconds, many times what finding them does; most visitors see
// the same page. An entry serves while the catalog's data generation (bumped by triggers on
// every table a cacheable page reads) is unchanged and it is younger than `maxAgeMs`, which
// bounds what depends on the clock alone (evidence expiring).

export interface PageCacheOptions {
  /** Paths whose pages read only generation-covered tables. */
  isCacheablePath: (pathname: string) => boolean
  /** Cookies that may vary a cacheable page; any other cookie (a session) bypasses the cache. */
  varyCookies: string[]
  /**
   * What else the page depends on, from the request: the reader's language, which an
   * Accept-Language header decides when no cookie or ?lng= does. Part of the key.
   */
  variant?: (request: Request) => string
  currentGeneration: () => number | Promise<number>
  maxEntries?: number
  maxAgeMs?: number
  now?: () => number
}

/** A page answered from memory: written out as one buffer, skipping a Response's body stream. */
export class CachedPage {
  constructor(
    readonly status: number,
    readonly headers: [string, string][],
    readonly body: Uint8Array,
  ) {}
}

interface Entry {
  generation: number
  storedAt: number
  status: number
  headers: [string, string][]
  body: Uint8Array
  /** compressed once when stored, for the browsers (nearly all) that accept gzip */
  gzipped: Uint8Array
}

function acceptsGzip(request: Request): boolean {
  return /\bgzip\b/i.test(request.headers.get('Accept-Encoding') ?? '')
}

/** True when the client already holds this entry (its If-None-Match names the entry's ETag). */
function notModified(request: Request, entry: Entry): boolean {
  const etag = entry.headers.find(([name]) => name === 'etag')?.[1]
  const held = request.headers.get('If-None-Match')
  if (!etag || !held) return false
  const bare = (tag: string) => tag.trim().replace(/^W\//, '')
  return held.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag))
}

function answer(request: Request, entry: Entry, state: 'hit' | 'miss'): CachedPage {
  const headers: [string, string][] = [...entry.headers, ['Vary', 'Accept-Encoding, Accept-Language, Cookie'], ['X-Page-Cache', state]]
  // A conditional request for what the client holds: the headers without the body, as HTTP says.
  if (notModified(request, entry))
    return new CachedPage(
      304,
      headers.filter(([name]) => name !== 'content-type'),
      new Uint8Array(0),
    )
  if (!acceptsGzip(request)) return new CachedPage(entry.status, headers, entry.body)
  return new CachedPage(entry.status, [...headers, ['Content-Encoding', 'gzip']], entry.gzipped)
}

function cookieNames(header: string | null): string[] {
  if (!header) return []
  return header
    .split(';')
    .map((part) => part.split('=')[0]!.trim())
    .filter(Boolean)
}

export function createPageCache(options: PageCacheOptions) {
  const maxEntries = options.maxEntries ?? 500
  const maxAgeMs = options.maxAgeMs ?? 60_000
  const now = options.now ?? Date.now
  const entries = new Map<string, Entry>()
  const stats = { hits: 0, misses: 0, bypasses: 0 }

  function keyFor(request: Request): string | null {
    if (request.method !== 'GET') return null
    const url = new URL(request.url)
    if (!options.isCacheablePath(url.pathname)) return null
    // "Cache-Control: no-cache" from the client asks for a fresh render, as HTTP caches do.
    if (/no-cache|no-store/i.test(request.headers.get('Cache-Control') ?? '')) return null
    const cookie = request.headers.get('Cookie')
    const names = cookieNames(cookie)
    if (names.some((n) => !options.varyCookies.includes(n))) return null
    const varying = (cookie ?? '')
      .split(';')
      .map((p) => p.trim())
      .filter((p) => options.varyCookies.includes(p.split('=')[0]!))
      .sort()
      .join('; ')
    return `${url.pathname}${url.search}\u0000${varying}\u0000${options.variant?.(request) ?? ''}`
  }

  return {
    stats,
    clear: () => entries.clear(),
    /** Answers from the cache, or renders with `render` and keeps a cacheable result. */
    async serve(request: Request, render: (request: Request) => Promise<Response>): Promise<Response | CachedPage> {
      const key = keyFor(request)
      if (key === null) {
        stats.bypasses++
        return render(request)
      }
      const generation = await options.currentGeneration()
      const hit = entries.get(key)
      if (hit && hit.generation === generation && now() - hit.storedAt < maxAgeMs) {
        stats.hits++
        // Refresh its place in the LRU order.
        entries.delete(key)
        entries.set(key, hit)
        return answer(request, hit, 'hit')
      }
      stats.misses++
      const response = await render(request)
      if (response.status !== 200 || response.headers.has('Set-Cookie') || !response.body) return response
      const body = new Uint8Array(await response.arrayBuffer())
      const headers = [...response.headers.entries()].filter(([name]) => !['content-length', 'content-encoding', 'vary'].includes(name))
      const entry: Entry = { generation, storedAt: now(), status: response.status, headers, body, gzipped: gzipSync(body) }
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
      entries.set(key, entry)
      return answer(request, entry, 'miss')
    },
  }
}
