import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { apiIndex } from '~/modules/open-data/endpoints.server'
import { apiLoader, readOnly } from '~/modules/open-data/http.server'

/** GET /api/v1: the document describing every endpoint, parameter and field. */
export const loader = ({ request }: LoaderFunctionArgs) => apiLoader(request, async () => apiIndex(request))

export const action = ({ request }: ActionFunctionArgs) => readOnly(request)
