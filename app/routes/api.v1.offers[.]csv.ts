import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '~/lib/db.server'
import { offersCsvEndpoint } from '~/modules/open-data/endpoints.server'
import { apiLoader, readOnly } from '~/modules/open-data/http.server'

/** GET /api/v1/offers.csv: the ranked catalog as CSV, at most 10,000 rows. */
export const loader = ({ request }: LoaderFunctionArgs) => apiLoader(request, () => offersCsvEndpoint(getDb(), request))

export const action = ({ request }: ActionFunctionArgs) => readOnly(request)
