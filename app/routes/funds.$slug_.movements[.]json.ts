import type { LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { languageOf } from '~/i18n/i18n.server'
import { getDb } from '~/lib/db.server'
import { domain, parseParams, resource } from '~/lib/http.server'
import { toDecimalString } from '~/lib/money'
import { fundBySlug, fundLedger } from '~/modules/funds/funds.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

/** Every movement of a fund as JSON: amounts in minor units, with the decimal beside them. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  // Only a refusal has words in it: written in the reader's language, under the same field name.
  return resource(() => movements(params), 'json', await languageOf(request))
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
