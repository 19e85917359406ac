import type { LoaderFunctionArgs } from '@remix-run/node'
import { clock } from '~/lib/clock'
import { z } from 'zod'
import { getDb } from '~/lib/db.server'
import { languageOf } from '~/i18n/i18n.server'
import { translator } from '~/i18n/translator.server'
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
    // The header row in the reader's language; the import reads it back in any of them.
    const language = await languageOf(request)
    const csv = await domain(() => exportListingsCsv(db, { personId: user.id, organisationId: organisation.id }, language))
    const day = clock.now().slice(0, 10)
    // The file's name too: "weavers-inserzioni-2026-12-02.csv". The slug and the word are plain
    // ASCII (the word is checked here), so the header needs no quoting or encoding.
    const word = translator(language, 'listings')('csv.fileName')
    const name = /^[a-z-]{1,40}$/.test(word) ? word : 'listings'
    return new Response(csv, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${slug}-${name}-${day}.csv"`,
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    })
  })
}
