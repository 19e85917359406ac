import type { LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { getDb } from '~/lib/db.server'
import { domain, parseParams, parseQuery, resource } from '~/lib/http.server'
import { decimalDigits } from '~/lib/numbers'
import { fundAnnualReport } from '~/modules/funds/funds.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })
const Query = z.object({
  year: decimalDigits(
    z.number({ error: 'year must be a number' }).int('year must be a whole number').min(2000, 'year starts at 2000').max(2100, 'year is at most 2100'),
  ),
})

/** The annual report as JSON: `/funds/:slug/report.json?year=2026`. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return resource(async () => {
    const { slug } = parseParams(params, Params)
    const { year } = parseQuery(request, Query)
    const report = await domain(() => fundAnnualReport(getDb(), slug, year))
    return new Response(JSON.stringify(report, null, 2), {
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300' },
    })
  }, 'json')
}
