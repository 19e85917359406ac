import { data, type LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { visitorLanguage } from '~/i18n/detect'
import { env } from '~/lib/env.server'
import { parseParams, resource } from '~/lib/http.server'
import { IMAGE_FILE_NAME, readImageFile } from '~/modules/listings/images.server'

// Offer images, `<storageKey>-thumb.webp` or `<storageKey>-large.webp`. A key is random and never
// reused, so a file never changes: browsers and proxies may keep it for a year.

const Params = z.object({ key: z.string().regex(IMAGE_FILE_NAME) })

export async function loader({ params, request }: LoaderFunctionArgs) {
  return resource(
    async () => {
      const { key } = parseParams(params, Params)
      const file = await readImageFile(env().UPLOAD_DIR, key)
      if (!file) throw data('There is no image at this address.', { status: 404 })
      return new Response(new Uint8Array(file.buffer as ArrayBuffer, file.byteOffset, file.byteLength), {
        headers: {
          'Content-Type': 'image/webp',
          'Content-Length': String(file.byteLength),
          'Cache-Control': 'public, max-age=31536000, immutable',
          'X-Content-Type-Options': 'nosniff',
        },
      })
    },
    'text',
    visitorLanguage(request),
  )
}
