import { getDb } from '~/lib/db.server'
import { databaseAnswers } from '~/modules/health/health.server'

export async function loader() {
  const ok = await databaseAnswers(getDb())
  return new Response(JSON.stringify({ status: ok ? 'ok' : 'database unavailable' }), {
    status: ok ? 200 : 503,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  })
}
