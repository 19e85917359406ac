import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '~/lib/db.server'
import { organisationsEndpoint } from '~/modules/open-data/endpoints.server'
import { apiLoader, readOnly } from '~/modules/open-data/http.server'

/** GET /api/v1/organisations: organisations, cursor-paginated. */
export const loader = ({ request }: LoaderFunctionArgs) => apiLoader(request, () => organisationsEndpoint(getDb(), request))

export const action = ({ request }: ActionFunctionArgs) => readOnly(request)
