import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { visitorLanguage } from '~/i18n/detect'
import { apiError, apiLoader, readOnly } from '~/modules/open-data/http.server'

// Anything else under /api/v1 is a JSON 404, not the site's HTML page.
export const loader = ({ request }: LoaderFunctionArgs) =>
  apiLoader(request, async () =>
    apiError(404, 'not_found', 'There is no endpoint at this address; GET /api/v1 lists them.', undefined, visitorLanguage(request)),
  )

export const action = ({ request }: ActionFunctionArgs) => readOnly(request)
