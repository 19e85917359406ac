import { PassThrough } from 'node:stream'
import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from '@remix-run/node'
import { createReadableStreamFromReadable } from '@remix-run/node'
import { RemixServer, isRouteErrorResponse } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { isLanguage } from '~/i18n/config'
import { visitorLanguage } from '~/i18n/i18n.server'
import { i18nFor } from '~/i18n/translator.server'
import { NonceContext } from '~/lib/nonce'

// Remix's default node entry, plus the Content-Security-Policy nonce (from the HTTP layer's load
// context) on every inline script, and a one-line log for refused requests.

const ABORT_DELAY = 5_000

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = (loadContext as { cspNonce?: string }).cspNonce
  // Crawlers get the whole page at once; browsers get the shell as soon as it is ready.
  // The root loader decided the language (it knows the account); an error before it ran falls
  // back to what the request alone says.
  const chosen = (remixContext.staticHandlerContext.loaderData?.root as { locale?: string } | undefined)?.locale
  const language = isLanguage(chosen) ? chosen : visitorLanguage(request)
  const waitForAll = isbot(request.headers.get('user-agent') ?? '') || remixContext.isSpaMode
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false
    const { pipe, abort } = renderToPipeableStream(
      <I18nextProvider i18n={i18nFor(language)}>
        <NonceContext.Provider value={nonce}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </NonceContext.Provider>
      </I18nextProvider>,
      {
        nonce,
        [waitForAll ? 'onAllReady' : 'onShellReady']() {
          shellRendered = true
          const body = new PassThrough()
          responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }))
          pipe(body)
        },
        onShellError(error: unknown) {
          reject(error)
        },
        onError(error: unknown) {
          responseStatusCode = 500
          // Errors before the shell reject and are logged by Remix; later ones only here.
          if (shellRendered) console.error(error)
        },
      },
    )
    setTimeout(abort, ABORT_DELAY)
  })
}

/**
 * Remix calls this for errors it caught. A refused request (a 4xx thrown by a route) is the
 * caller's mistake: one line, not an object per request; anything else keeps its stack.
 */
export function handleError(error: unknown, { request }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted) return
  if (isRouteErrorResponse(error) && error.status < 500) {
    const url = new URL(request.url)
    console.warn(
      `${request.method} ${url.pathname}${url.search.length > 200 ? `${url.search.slice(0, 200)}…` : url.search}: ${error.status} ${String(error.data).slice(0, 200).replace(/\s+/g, ' ')}`,
    )
    return
  }
  console.error(error)
}
