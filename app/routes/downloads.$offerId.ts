import { redirect, type LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { getDb } from '~/lib/db.server'
import { domain, parseParams } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { contentTypeHeader, resourceContentType } from '~/modules/listings/resources.server'
import { licenceNotice, licenceNoticeHeader } from '~/modules/orders/licence-notice.server'
import { obtainedResource } from '~/modules/orders/downloads.server'

const Params = z.object({ offerId: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) })

/**
 * A commons resource, for those who obtained it: the file itself, or a redirect to its link.
 * Either way it names its licence notice (licensee, declared use, order): in one line in
 * X-Licence-Notice, and in full at the rel="license" link, LICENCE-NOTICE.txt.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { offerId } = parseParams(params, Params)
  const db = getDb()
  const resource = await domain(() => obtainedResource(db, user.id, offerId))
  const notice = await domain(() => licenceNotice(db, user.id, offerId))
  const licenceHeaders = {
    'X-Licence-Notice': licenceNoticeHeader(notice),
    Link: `</downloads/${offerId}/licence-notice.txt>; rel="license"; title="LICENCE-NOTICE.txt"`,
  }
  if (resource.kind === 'link') return redirect(resource.url!, { headers: licenceHeaders })
  const fileName = resource.fileName!.replace(/["\\\r\n]/g, '_')
  const content = new Uint8Array(resource.content!)
  // Decided again from the bytes, not read from the row: files stored before the server decided
  // types carry whatever the uploader's browser claimed.
  return new Response(content, {
    headers: {
      'Content-Type': contentTypeHeader(resourceContentType(fileName, content)),
      'Content-Length': String(resource.byteSize),
      'Content-Disposition': `attachment; filename="${fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
      ...licenceHeaders,
    },
  })
}
