import type { LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { fallbackLanguage, isLanguage } from '~/i18n/config'
import { messageTemplates } from '~/i18n/messages'
import { messagesVersion, resources } from '~/i18n/resources.server'
import { jsonResponse, parseParams, resource } from '~/lib/http.server'

// One language's messages for the browser, fetched once before the page comes alive. With the
// version the page names, it never changes, so the browser keeps it; English's `messages` come
// along, since the domain's English text is what the browser finds them by.

const Params = z.object({ lng: z.string().refine(isLanguage) })

export async function loader({ params, request }: LoaderFunctionArgs) {
  return resource(async () => {
    const { lng } = parseParams(params, Params)
    const all = resources()
    const body = lng === fallbackLanguage ? { [lng]: all[lng] } : { [lng]: all[lng], [fallbackLanguage]: messageTemplates(all[fallbackLanguage]) }
    const current = new URL(request.url).searchParams.get('v') === messagesVersion()
    return jsonResponse(body, 200, { 'Cache-Control': current ? 'public, max-age=31536000, immutable' : 'no-cache' })
  }, 'json')
}
