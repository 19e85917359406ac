import type { LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { languageOf } from '~/i18n/i18n.server'
import { getDb } from '~/lib/db.server'
import { domain, parseParams, parseQuery, resource } from '~/lib/http.server'
import { decimalDigits } from '~/lib/numbers'
import { fundAnnualReport } from '~/modules/funds/funds.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })
const Query = z.object({
  year: decimalDigits(
    z
      .number({ error: 'The year must be a number, such as 2026.' })
      .int('The year must be a whole number, such as 2026.')
      .min(2000, 'The reports start in the year 2000.')
      .max(2100, 'The reports end in the year 2100.'),
  ),
})

/** The annual report as JSON: `/funds/:slug/report.json?year=2026`. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  // Only a refusal has words in it: written in the reader's language, under the same field name.
  return resource(
    async () => {
      const { slug } = parseParams(params, Params)
      const { year } = parseQuery(request, Query)
      const report = await domain(() => fundAnnualReport(getDb(), slug, year))
      return new Response(JSON.stringify(report, null, 2), {
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300' },
      })
    },
    'json',
    await languageOf(request),
  )
}
