import type { LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { z } from 'zod'
import type { Language } from '~/i18n/config'
import { languageOf } from '~/i18n/i18n.server'
import { localized } from '~/i18n/translator.server'
import { getDb } from '~/lib/db.server'
import { AppError, isAppError } from '~/lib/errors'
import { domain, parseParams, resource } from '~/lib/http.server'
import { toDecimalString } from '~/lib/money'
import { fundBySlug, fundLedger } from '~/modules/funds/funds.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

/** A refusal's message in the reader's language; the JSON's field names stay as they are. */
function inLanguage(language: Language, thrown: unknown): unknown {
  if (isAppError(thrown)) return new AppError(thrown.code, localized(language, thrown.message))
  const d = thrown as { type?: string; data?: unknown; init?: ResponseInit | null }
  if (d?.type === 'DataWithResponseInit' && typeof d.data === 'string') return data(localized(language, d.data), d.init ?? undefined)
  return thrown
}

/** Every movement of a fund as JSON: amounts in minor units, with the decimal beside them. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const language = await languageOf(request)
  return resource(async () => {
    try {
      return await movements(params)
    } catch (thrown) {
      throw inLanguage(language, thrown)
    }
  }, 'json')
}

async function movements(params: LoaderFunctionArgs['params']): Promise<Response> {
  const { slug } = parseParams(params, Params)
  const db = getDb()
  const fund = await domain(() => fundBySlug(db, slug))
  const rows = await fundLedger(db, fund.id)
  const body = {
    fund: { slug: fund.slug, name: fund.name, currency: fund.currency },
    balance: rows.reduce((s, r) => s + r.amount, 0),
    movements: rows.map((r) => ({ ...r, decimal: toDecimalString(r.amount, r.currency) })),
  }
  return new Response(JSON.stringify(body, null, 2), {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${slug}-movements.json"`,
      'Cache-Control': 'public, max-age=60',
    },
  })
}
