import type { LoaderFunctionArgs } from '@remix-run/node'
import { clock } from '~/lib/clock'
import { z } from 'zod'
import { getDb } from '~/lib/db.server'
import { domain, parseParams, resource } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { exportListingsCsv } from '~/modules/listings/csv.server'
import { organisationBySlug } from '~/modules/organisations/membership.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

/** Every listing of the organisation as CSV, for its members: edit it in a spreadsheet and import it back. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return resource(async () => {
    const user = await requireUser(request)
    const { slug } = parseParams(params, Params)
    const db = getDb()
    const organisation = await domain(() => organisationBySlug(db, slug))
    const csv = await domain(() => exportListingsCsv(db, { personId: user.id, organisationId: organisation.id }))
    const day = clock.now().slice(0, 10)
    return new Response(csv, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        // The slug is [a-z0-9-] (checked above), so it needs no quoting in the header.
        'Content-Disposition': `attachment; filename="${slug}-listings-${day}.csv"`,
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    })
  })
}
