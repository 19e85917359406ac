import { z } from 'zod'
import { legalForms, offerKinds } from '../../../db/schema'
import { BuyerWeights, criteria, presetNames, presets, type PresetName, type Weights } from '../scoring/rules'
import { decimalDigits } from '../../lib/numbers'

export const CATALOG_PAGE_SIZE = 24
/** Counting matches stops here; beyond it the catalog says "more than 10,000". */
export const COUNT_CAP = 10_000
/** Past this, a page number is a mistake or a crawler loop, not a person. */
export const MAX_PAGE = 10_000

const optionalText = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional())

const wholeNumber = (name: string, min: number, max: number) =>
  decimalDigits(
    z
      .number({ error: `${name} must be a whole number` })
      .int(`${name} must be a whole number`)
      .min(min, `${name} must be at least ${min}`)
      .max(max, `${name} must be at most ${max}`),
  )

/** "25,20,15,15,10,10,5": a buyer's weights in criterion order, as they travel in a URL or a cookie. */
export const WeightsParam = z
  .string()
  .max(100, 'weights must be seven whole numbers from 0 to 100, separated by commas')
  .transform((s, ctx) => {
    const parts = s.split(',').map((p) => p.trim())
    if (parts.length !== criteria.length || parts.some((p) => !/^\d{1,3}$/.test(p))) {
      ctx.addIssue({ code: 'custom', message: 'weights must be seven whole numbers from 0 to 100, separated by commas' })
      return z.NEVER
    }
    return Object.fromEntries(criteria.map((c, i) => [c, Number(parts[i])])) as Weights
  })
  .pipe(BuyerWeights)

export const formatWeights = (w: Weights) => criteria.map((c) => w[c]).join(',')

/** Everything a catalog URL can say. Unknown parameters are ignored; bad values are a 400. */
export const CatalogQuery = z.object({
  q: optionalText(z.string().trim().max(200, 'search text must be 200 characters or fewer')),
  kind: optionalText(z.enum(offerKinds, { error: 'kind must be "good" or "commons"' })),
  category: optionalText(z.string().regex(/^[a-z0-9-]{1,64}$/, 'category is not a category of this catalog')),
  legalForm: optionalText(z.enum(legalForms, { error: 'legalForm is not a legal form this catalog knows' })),
  licence: optionalText(z.string().regex(/^[a-z0-9.-]{1,64}$/, 'licence is not a licence of this catalog')),
  minScore: optionalText(wholeNumber('minScore', 0, 100)),
  country: optionalText(
    z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'country must be a two-letter country code')
      .transform((c) => c.toUpperCase()),
  ),
  view: optionalText(
    z.enum([...presetNames, 'custom'] as unknown as [string, ...string[]], { error: 'view must be one of: ' + [...presetNames, 'custom'].join(', ') }),
  ),
  weights: optionalText(WeightsParam),
  page: optionalText(wholeNumber('page', 1, MAX_PAGE)),
})
export type CatalogQuery = z.infer<typeof CatalogQuery>

export interface RankingView {
  name: PresetName | 'custom'
  /** null: the community weights of the rules in force */
  weights: Weights | null
}

/** The ranking a query asks for; `remembered` is the buyer's last view, used when the URL names none. */
export function rankingView(query: Pick<CatalogQuery, 'view' | 'weights'>, remembered: RankingView | null): RankingView {
  if (query.view === 'custom' || (!query.view && query.weights)) {
    if (!query.weights) return remembered?.name === 'custom' ? remembered : { name: 'community', weights: null }
    return { name: 'custom', weights: query.weights }
  }
  if (query.view) {
    const name = query.view as PresetName
    return { name, weights: presets[name].weights }
  }
  return remembered ?? { name: 'community', weights: null }
}

/**
 * The words of what a person typed, for the catalog's search (search.server.ts): letters and
 * digits only, so nothing in them is read as a search operator; null when there are none.
 */
export function searchWords(text: string): string[] | null {
  const words = text
    .normalize('NFKC')
    .match(/[\p{L}\p{N}]+/gu)
    ?.slice(0, 12)
  return words?.length ? words.map((w) => w.slice(0, 50)) : null
}

/**
 * Reads a catalog URL's query. A form without JavaScript sends custom weights as seven
 * `w_<criterion>` fields; they become the compact `weights` parameter here.
 */
export function catalogQueryInput(searchParams: URLSearchParams): Record<string, string> {
  const raw: Record<string, string> = {}
  for (const [key, value] of searchParams) if (!(key in raw)) raw[key] = value
  const fields = criteria.map((c) => searchParams.get(`w_${c}`))
  if (raw.view === 'custom' && fields.some((f) => f !== null && f !== '')) {
    raw.weights = fields.map((f) => (f === null || f === '' ? '0' : f.trim())).join(',')
  }
  for (const c of criteria) delete raw[`w_${c}`]
  return raw
}

const RememberedView = z.object({
  name: z.enum([...presetNames, 'custom'] as unknown as [string, ...string[]]),
  weights: z.string().nullable(),
})

/** A remembered view from the cookie; anything malformed is simply forgotten. */
export function parseRememberedView(value: unknown): RankingView | null {
  const parsed = RememberedView.safeParse(value)
  if (!parsed.success) return null
  if (parsed.data.name === 'custom') {
    const weights = WeightsParam.safeParse(parsed.data.weights ?? '')
    return weights.success ? { name: 'custom', weights: weights.data } : null
  }
  const name = parsed.data.name as PresetName
  return { name, weights: presets[name].weights }
}

export function rememberView(view: RankingView) {
  return { name: view.name, weights: view.name === 'custom' && view.weights ? formatWeights(view.weights) : null }
}
