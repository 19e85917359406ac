import { z } from 'zod'
import { badParameter, shortHash } from './http.server'

// Cursors are opaque to callers: base64url of the position in the ranking, the fingerprint of
// the query it belongs to, and a checksum. The data behind them is public, so the checksum is
// not a secret signature: it only makes an edited or truncated cursor a clear 400 instead of
// a silently different page. Keyset positions (not offsets) keep a walk free of repeats and
// gaps when offers are listed or archived between requests; only an offer rescored across the
// position mid-walk can move from one side of it to the other.

const CHECK_SALT = 'solidarity-market/api/v1/cursor'

const Payload = z.object({ k: z.string(), f: z.string(), p: z.array(z.number().finite()).min(1).max(4), c: z.string() })

export function encodeCursor(kind: string, fingerprint: string, position: number[]): string {
  const c = shortHash(CHECK_SALT, kind, fingerprint, JSON.stringify(position))
  return Buffer.from(JSON.stringify({ k: kind, f: fingerprint, p: position, c })).toString('base64url')
}

/** The position a cursor carries. @throws AppError invalid_input naming `cursor` */
export function decodeCursor(cursor: string, kind: string, fingerprint: string): number[] {
  const broken = () => badParameter('cursor', 'cursor is not a cursor this API gave out (it may have been changed or cut short); start again without one.')
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw broken()
  let parsed: z.infer<typeof Payload>
  try {
    parsed = Payload.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
  } catch {
    throw broken()
  }
  if (parsed.k !== kind || parsed.c !== shortHash(CHECK_SALT, parsed.k, parsed.f, JSON.stringify(parsed.p))) throw broken()
  if (parsed.f !== fingerprint)
    throw badParameter('cursor', 'cursor belongs to a query with other filters; use it with the same filters it came with, or start again without one.')
  return parsed.p
}

/** A stable fingerprint of the filters a cursor is valid for (the page size may change mid-walk). */
export function fingerprintOf(filters: Record<string, unknown>): string {
  const canonical = Object.keys(filters)
    .filter((k) => filters[k] !== undefined)
    .sort()
    .map((k) => [k, filters[k]])
  return shortHash(JSON.stringify(canonical))
}
