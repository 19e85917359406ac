import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '~/lib/db.server'
import { organisationEndpoint } from '~/modules/open-data/endpoints.server'
import { apiLoader, readOnly } from '~/modules/open-data/http.server'

/** GET /api/v1/organisations/:slug: one organisation. */
export const loader = ({ request, params }: LoaderFunctionArgs) => apiLoader(request, () => organisationEndpoint(getDb(), request, params.slug))

export const action = ({ request }: ActionFunctionArgs) => readOnly(request)
