import type { LoaderFunctionArgs } from '@remix-run/node'
import type { TFunction } from 'i18next'
import { z } from 'zod'
import { getDb } from '~/lib/db.server'
import { languageOf } from '~/i18n/i18n.server'
import { translator } from '~/i18n/translator.server'
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
    const csv = translateHeader(await domain(() => salesCsv(db, user.id, organisation.id, range)), translator(await languageOf(request), 'organisation'))
    return new Response(csv, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${slug}-sales-${range.from}-to-${range.to}.csv"`,
        'Cache-Control': 'private, no-store',
      },
    })
  })
}

/**
 * The header row in the reader's language; the rows keep their codes (status, buyer class) and
 * amounts as written, for spreadsheets and bookkeeping. English headers stay the column codes.
 */
function translateHeader(csv: string, t: TFunction): string {
  const bom = csv.startsWith('\uFEFF') ? '\uFEFF' : ''
  const body = csv.slice(bom.length)
  const end = body.search(/\r?\n/)
  const header = end === -1 ? body : body.slice(0, end)
  const translated = header
    .split(',')
    .map((column) => csvCell(t(`csv.columns.${column}`, { defaultValue: column })))
    .join(',')
  return bom + translated + (end === -1 ? '' : body.slice(end))
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
