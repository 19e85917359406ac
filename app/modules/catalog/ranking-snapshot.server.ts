import type { Db } from '../../../db/schema'
import { criteria, type Weights } from '../scoring/rules'
import { earnedColumn } from '../scoring/scores.server'

// Ranking by a buyer's own weights needs a weighted sum over every listed offer, which SQLite
// evaluates at ~30 ms per 100,000 rows. This keeps the weight-independent parts of every
// listed score in typed arrays instead (about 90 bytes an offer) and ranks them in a tight loop;
// the copy is rebuilt whenever catalog_stats.generation (bumped by triggers) has moved.

interface Snapshot {
  generation: number
  size: number
  offerId: Int32Array
  score: Float64Array
  /** size × 7, criterion-major per offer */
  earned: Float64Array
  kind: Uint8Array
  categoryId: Int32Array
  licence: Int32Array
  legalForm: Int32Array
  country: Int32Array
  /** code → small integer, per facet */
  codes: { licence: Map<string, number>; legalForm: Map<string, number>; country: Map<string, number> }
}

const snapshots = new WeakMap<object, Snapshot>()
const C = criteria.length

function codeOf(map: Map<string, number>, value: string | null): number {
  if (value === null) return -1
  let code = map.get(value)
  if (code === undefined) {
    code = map.size
    map.set(value, code)
  }
  return code
}

/** The catalog's generation (moves on every score change) and how many offers it lists. */
export async function catalogStats(db: Db): Promise<{ generation: number; listedCount: number }> {
  return db.selectFrom('catalogStats').select(['generation', 'listedCount']).where('id', '=', 1).executeTakeFirstOrThrow()
}

const BUILD_CHUNK = 20_000

async function build(db: Db, generation: number, listedCount: number): Promise<Snapshot> {
  // Sized from the listed count, read in chunks by offer id, so a million offers never sit
  // in memory as row objects at once.
  const capacity = listedCount
  const snap: Snapshot = {
    generation,
    size: 0,
    offerId: new Int32Array(capacity),
    score: new Float64Array(capacity),
    earned: new Float64Array(capacity * C),
    kind: new Uint8Array(capacity),
    categoryId: new Int32Array(capacity),
    licence: new Int32Array(capacity),
    legalForm: new Int32Array(capacity),
    country: new Int32Array(capacity),
    codes: { licence: new Map(), legalForm: new Map(), country: new Map() },
  }
  let after = 0
  for (;;) {
    const rows = await db
      .selectFrom('offerScores')
      .select(['offerId', 'score', 'kind', 'categoryId', 'licenceCode', 'legalForm', 'countryCode', ...criteria.map((c) => earnedColumn[c])])
      .where('listed', '=', 1)
      .where('offerId', '>', after)
      .orderBy('offerId')
      .limit(BUILD_CHUNK)
      .execute()
    for (const r of rows) {
      const i = snap.size
      if (i >= capacity) break
      snap.offerId[i] = r.offerId
      snap.score[i] = r.score
      for (let c = 0; c < C; c++) snap.earned[i * C + c] = r[earnedColumn[criteria[c]!]]
      snap.kind[i] = r.kind === 'commons' ? 1 : 0
      snap.categoryId[i] = r.categoryId
      snap.licence[i] = codeOf(snap.codes.licence, r.licenceCode)
      snap.legalForm[i] = codeOf(snap.codes.legalForm, r.legalForm)
      snap.country[i] = codeOf(snap.codes.country, r.countryCode)
      snap.size++
    }
    if (rows.length < BUILD_CHUNK) break
    after = rows[rows.length - 1]!.offerId
  }
  return snap
}

async function snapshotFor(db: Db): Promise<Snapshot> {
  const { generation, listedCount } = await catalogStats(db)
  const cached = snapshots.get(db)
  if (cached && cached.generation === generation) return cached
  const fresh = await build(db, generation, listedCount)
  snapshots.set(db, fresh)
  return fresh
}

export interface RankFilter {
  kind?: 'good' | 'commons'
  categoryId?: number
  licenceCode?: string
  legalForm?: string
  countryCode?: string
  minScore?: number
  /** only these offers (the matches of a search) */
  among?: Set<number>
}

export interface RankedSlice {
  offerIds: number[]
  /** 0–1, the weighted share earned, per offer in `offerIds` */
  viewScores: number[]
  total: number
}

/** Ranks listed offers by `weights` (ties: earlier listing first) and returns [offset, offset+limit). */
export async function rankByWeights(db: Db, weights: Weights, filter: RankFilter, offset: number, limit: number): Promise<RankedSlice> {
  const snap = await snapshotFor(db)
  const totalWeight = criteria.reduce((s, c) => s + weights[c], 0)
  const w = criteria.map((c) => weights[c] / totalWeight)
  const want = (code: number | undefined) => (code === undefined ? -2 : code)
  const kind = filter.kind === undefined ? -1 : filter.kind === 'commons' ? 1 : 0
  const licence = filter.licenceCode === undefined ? -1 : want(snap.codes.licence.get(filter.licenceCode))
  const legalForm = filter.legalForm === undefined ? -1 : want(snap.codes.legalForm.get(filter.legalForm))
  const country = filter.countryCode === undefined ? -1 : want(snap.codes.country.get(filter.countryCode))
  const categoryId = filter.categoryId ?? -1
  const minScore = filter.minScore ?? -1
  const among = filter.among

  // A bounded min-heap of the best `k` so far: the root is the weakest kept entry.
  const k = offset + limit
  const heapValue = new Float64Array(k)
  const heapIndex = new Int32Array(k)
  let heapSize = 0
  // "a ranks below b": lower value, or the same value and a later listing.
  const below = (va: number, ia: number, vb: number, ib: number) => va < vb || (va === vb && snap.offerId[ia]! > snap.offerId[ib]!)
  const siftDown = (pos: number) => {
    for (;;) {
      const l = pos * 2 + 1
      const r = l + 1
      let min = pos
      if (l < heapSize && below(heapValue[l]!, heapIndex[l]!, heapValue[min]!, heapIndex[min]!)) min = l
      if (r < heapSize && below(heapValue[r]!, heapIndex[r]!, heapValue[min]!, heapIndex[min]!)) min = r
      if (min === pos) return
      ;[heapValue[pos], heapValue[min]] = [heapValue[min]!, heapValue[pos]!]
      ;[heapIndex[pos], heapIndex[min]] = [heapIndex[min]!, heapIndex[pos]!]
      pos = min
    }
  }

  let total = 0
  const { earned } = snap
  for (let i = 0; i < snap.size; i++) {
    if (kind !== -1 && snap.kind[i] !== kind) continue
    if (categoryId !== -1 && snap.categoryId[i] !== categoryId) continue
    if (licence !== -1 && snap.licence[i] !== licence) continue
    if (legalForm !== -1 && snap.legalForm[i] !== legalForm) continue
    if (country !== -1 && snap.country[i] !== country) continue
    if (snap.score[i]! < minScore) continue
    if (among && !among.has(snap.offerId[i]!)) continue
    total++
    if (k === 0) continue
    const base = i * C
    let v = 0
    for (let c = 0; c < C; c++) v += w[c]! * earned[base + c]!
    if (heapSize < k) {
      // sift up
      let pos = heapSize++
      heapValue[pos] = v
      heapIndex[pos] = i
      while (pos > 0) {
        const parent = (pos - 1) >> 1
        if (!below(heapValue[pos]!, heapIndex[pos]!, heapValue[parent]!, heapIndex[parent]!)) break
        ;[heapValue[pos], heapValue[parent]] = [heapValue[parent]!, heapValue[pos]!]
        ;[heapIndex[pos], heapIndex[parent]] = [heapIndex[parent]!, heapIndex[pos]!]
        pos = parent
      }
    } else if (below(heapValue[0]!, heapIndex[0]!, v, i)) {
      heapValue[0] = v
      heapIndex[0] = i
      siftDown(0)
    }
  }

  const kept = Array.from({ length: heapSize }, (_, j) => j).sort((a, b) =>
    below(heapValue[a]!, heapIndex[a]!, heapValue[b]!, heapIndex[b]!) ? 1 : below(heapValue[b]!, heapIndex[b]!, heapValue[a]!, heapIndex[a]!) ? -1 : 0,
  )
  const slice = kept.slice(offset, offset + limit)
  return { offerIds: slice.map((j) => snap.offerId[heapIndex[j]!]!), viewScores: slice.map((j) => heapValue[j]!), total }
}
