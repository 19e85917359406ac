import type { LoaderFunctionArgs } from '@remix-run/node'
import { stringify } from 'csv-stringify/sync'
import { z } from 'zod'
import { getDb } from '~/lib/db.server'
import { domain, parseParams, resource } from '~/lib/http.server'
import { toDecimalString } from '~/lib/money'
import { fundBySlug, fundLedger } from '~/modules/funds/funds.server'
import { spreadsheetSafe } from '~/lib/spreadsheet'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

/** Every movement of a fund, for anyone: the books are open. */
export async function loader({ params }: LoaderFunctionArgs) {
  return resource(async () => {
    const { slug } = parseParams(params, Params)
    const db = getDb()
    const fund = await domain(() => fundBySlug(db, slug))
    const rows = await fundLedger(db, fund.id)
    const csv = stringify(
      rows.map((r) => [
        r.entryId,
        r.at,
        r.kind,
        r.reversesEntryId ?? '',
        toDecimalString(r.amount, r.currency),
        r.currency,
        r.orderReference ?? '',
        r.buyerClass ?? '',
        spreadsheetSafe(r.offers.join('; ')),
        r.disbursementId ?? '',
        spreadsheetSafe(r.memo),
      ]),
      { header: true, columns: ['entry', 'at', 'kind', 'reverses_entry', 'amount', 'currency', 'order', 'buyer_class', 'offers', 'disbursement', 'memo'] },
    )
    return new Response('\uFEFF' + csv, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${slug}-movements.csv"`,
        'Cache-Control': 'public, max-age=60',
      },
    })
  })
}
