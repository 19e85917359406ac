import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '~/lib/db.server'
import { fundLedgerEndpoint } from '~/modules/open-data/endpoints.server'
import { apiLoader, readOnly } from '~/modules/open-data/http.server'

/** GET /api/v1/funds/:id/ledger: a commons fund's postings and balance. */
export const loader = ({ request, params }: LoaderFunctionArgs) => apiLoader(request, () => fundLedgerEndpoint(getDb(), request, params.id))

export const action = ({ request }: ActionFunctionArgs) => readOnly(request)
