import type { LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { getDb } from '~/lib/db.server'
import { DateRangeQuery } from '~/lib/date-range'
import { domain, parseParams, parseQuery, resource } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { organisationBySlug } from '~/modules/organisations/membership.server'
import { defaultSalesRange, salesCsv } from '~/modules/orders/sales-dashboard.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

/** The organisation's sold order lines in a date range, for its bookkeeping. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return resource(async () => {
    const user = await requireUser(request)
    const { slug } = parseParams(params, Params)
    const query = parseQuery(request, DateRangeQuery)
    const db = getDb()
    const organisation = await domain(() => organisationBySlug(db, slug))
    const range = { ...defaultSalesRange(), ...Object.fromEntries(Object.entries(query).filter(([, v]) => v)) }
    const csv = await domain(() => salesCsv(db, user.id, organisation.id, range))
    return new Response(csv, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${slug}-sales-${range.from}-to-${range.to}.csv"`,
        'Cache-Control': 'private, no-store',
      },
    })
  })
}
