import type { LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { getDb } from '~/lib/db.server'
import { env } from '~/lib/env.server'
import { readerLocaleOf } from '~/i18n/i18n.server'
import { domain, parseParams } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { licenceNotice, licenceNoticeText } from '~/modules/orders/licence-notice.server'

const Params = z.object({ offerId: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) })

/** LICENCE-NOTICE.txt of a commons item the person obtained: licensee, declared use, order; in the reader's language. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { offerId } = parseParams(params, Params)
  const notice = await domain(() => licenceNotice(getDb(), user.id, offerId))
  return new Response(licenceNoticeText(notice, env().APP_URL, await readerLocaleOf(request)), {
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Disposition': 'inline; filename="LICENCE-NOTICE.txt"',
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
