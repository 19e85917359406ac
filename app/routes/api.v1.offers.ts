import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '~/lib/db.server'
import { offersEndpoint } from '~/modules/open-data/endpoints.server'
import { apiLoader, readOnly } from '~/modules/open-data/http.server'

/** GET /api/v1/offers: the ranked catalog, cursor-paginated. */
export const loader = ({ request }: LoaderFunctionArgs) => apiLoader(request, () => offersEndpoint(getDb(), request))

export const action = ({ request }: ActionFunctionArgs) => readOnly(request)
