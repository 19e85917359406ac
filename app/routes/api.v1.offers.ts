import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { visitorLanguage } from '~/i18n/detect'
import { getDb } from '~/lib/db.server'
import { offersEndpoint } from '~/modules/open-data/endpoints.server'
import { apiLoader, readOnly } from '~/modules/open-data/http.server'

/** GET /api/v1/offers: the ranked catalog, cursor-paginated, titles in the reader's language (?lng=, else Accept-Language) where they exist. */
export const loader = ({ request }: LoaderFunctionArgs) => apiLoader(request, () => offersEndpoint(getDb(), request, visitorLanguage(request)))

export const action = ({ request }: ActionFunctionArgs) => readOnly(request)
