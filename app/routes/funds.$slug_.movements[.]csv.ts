import type { LoaderFunctionArgs } from '@remix-run/node'
import { stringify } from 'csv-stringify/sync'
import { z } from 'zod'
import { languageOf } from '~/i18n/i18n.server'
import { translator } from '~/i18n/translator.server'
import { getDb } from '~/lib/db.server'
import { domain, parseParams, resource } from '~/lib/http.server'
import { toDecimalString } from '~/lib/money'
import { fundBySlug, fundLedger } from '~/modules/funds/funds.server'
import { spreadsheetSafe } from '~/lib/spreadsheet'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

/**
 * Every movement of a fund, for anyone: the books are open. The column headings are in the
 * reader's language; the values stay what a program reads (ISO times, decimal points, codes).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const language = await languageOf(request)
  return resource(
    async () => {
      const { slug } = parseParams(params, Params)
      const db = getDb()
      const fund = await domain(() => fundBySlug(db, slug))
      const rows = await fundLedger(db, fund.id)
      const t = translator(language, 'funds')
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
        {
          header: true,
          columns: [
            t('csv.entry'),
            t('csv.at'),
            t('csv.kind'),
            t('csv.reversesEntry'),
            t('csv.amount'),
            t('csv.currency'),
            t('csv.order'),
            t('csv.buyerClass'),
            t('csv.offers'),
            t('csv.disbursement'),
            t('csv.memo'),
          ],
        },
      )
      return new Response('\uFEFF' + csv, {
        headers: {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="${slug}-movements.csv"`,
          'Cache-Control': 'public, max-age=60',
          // The headings follow the reader's language: ?lng=, the lng cookie, the account, the browser's.
          Vary: 'Cookie, Accept-Language',
        },
      })
    },
    'text',
    language,
  )
}
