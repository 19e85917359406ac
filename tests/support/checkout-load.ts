import { spawnSync } from 'node:child_process'
import http from 'node:http'
import { openDatabase } from '../../db/connection'
import { demoPassword } from '../../db/seed/data'
import { projectRoot } from './server'

// Checkout load over real HTTP against a running production server: buyers on keep-alive
// connections, each adding a good to their cart and checking out, again and again. Every request
// is classified by what the client saw, so a test can tell "answered", "refused before it
// started" (no byte of a response came back) and "cut mid-response" apart.

export interface Outcome {
  kind: 'answered' | 'refused' | 'cut'
  status?: number
  location?: string | null
  error?: string
}

export interface CheckoutLoad {
  /** idempotency keys of checkouts the client was told succeeded, with the receipt they went to */
  acknowledged: Map<string, number>
  /** idempotency keys of every checkout the client sent */
  sent: Set<string>
  outcomes: Outcome[]
  /** resolves once every buyer has stopped (the server refused them, or `stop()` was called) */
  done: Promise<void>
  stop: () => void
}

const refusedCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE'])

/** One HTTP request on `agent`, never rejecting: the outcome says what happened. */
function send(
  agent: http.Agent,
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Outcome & { headers?: http.IncomingHttpHeaders }> {
  return new Promise((resolve) => {
    let started = false
    const req = http.request(url, {
      method,
      agent,
      headers: { ...headers, ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)) } : {}) },
    })
    req.on('response', (res) => {
      started = true
      res.resume()
      res.on('end', () => resolve({ kind: 'answered', status: res.statusCode, location: res.headers.location ?? null, headers: res.headers }))
      res.on('error', (error) => resolve({ kind: 'cut', status: res.statusCode, error: String(error) }))
      res.on('aborted', () => resolve({ kind: 'cut', status: res.statusCode, error: 'aborted' }))
    })
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (started) return resolve({ kind: 'cut', error: `${error.code}: ${error.message}` })
      // A parse error means some bytes of a response arrived: that is a cut, not a refusal.
      resolve({ kind: error.code && refusedCodes.has(error.code) ? 'refused' : 'cut', error: `${error.code}: ${error.message}` })
    })
    req.end(body)
  })
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

/** A listed good with stock no checkout load will exhaust, and sessions for `buyers` demo people. */
export async function prepareBuyers(serverUrl: string, databasePath: string, buyers: number): Promise<{ goodId: number; cookies: string[] }> {
  const db = openDatabase(databasePath)
  try {
    const good = await db.selectFrom('offers').select('id').where('kind', '=', 'good').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow()
    await db.updateTable('offers').set({ stock: 1_000_000 }).where('id', '=', good.id).execute()
    // Each buys for personal use (declared on the checkout form).
    const people = await db.selectFrom('people').select('email').where('passwordHash', 'is not', null).orderBy('id').limit(buyers).execute()
    const agent = new http.Agent({ keepAlive: true })
    const cookies = await Promise.all(
      people.map(async ({ email }) => {
        const res = await send(agent, `${serverUrl}/login`, 'POST', {}, form({ email, password: demoPassword, redirectTo: '/' }))
        const cookie = [res.headers?.['set-cookie']].flat()[0]
        if (res.status !== 302 || !cookie) throw new Error(`could not log in ${email}: ${res.status} ${res.error ?? ''}`)
        return cookie.split(';')[0]!
      }),
    )
    agent.destroy()
    return { goodId: good.id, cookies }
  } finally {
    await db.destroy()
  }
}

/**
 * Starts the buyers: each, on its own keep-alive connection, adds one unit to its cart and checks
 * out, until a request is refused (the server is gone) or `stop()` is called.
 */
export function startCheckoutLoad(serverUrl: string, goodId: number, cookies: string[], runId = `load-${process.pid}-${Date.now()}`): CheckoutLoad {
  const acknowledged = new Map<string, number>()
  const sent = new Set<string>()
  const outcomes: Outcome[] = []
  let stopped = false
  const buyer = async (cookie: string, b: number) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    try {
      for (let i = 0; !stopped; i++) {
        const added = await send(agent, `${serverUrl}/cart`, 'POST', { Cookie: cookie }, form({ intent: 'add', offerId: String(goodId), quantity: '1' }))
        outcomes.push(added)
        if (added.kind !== 'answered') break
        const key = `${runId}-${b}-${i}`
        sent.add(key)
        const done = await send(
          agent,
          `${serverUrl}/checkout`,
          'POST',
          { Cookie: cookie },
          form({ idempotencyKey: key, declaredUse: 'personal', confirmUse: 'yes' }),
        )
        outcomes.push(done)
        if (done.kind !== 'answered') break
        const receipt = done.status === 302 ? /^\/orders\/(\d+)/.exec(done.location ?? '') : null
        if (receipt) acknowledged.set(key, Number(receipt[1]))
        else throw new Error(`checkout answered ${done.status} ${done.location ?? ''}`)
      }
    } finally {
      agent.destroy()
    }
  }
  const done = Promise.all(cookies.map(buyer)).then(() => undefined)
  return { acknowledged, sent, outcomes, done, stop: () => (stopped = true) }
}

/** Waits until `load` has had at least `n` checkouts acknowledged. */
export async function untilAcknowledged(load: CheckoutLoad, n: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (load.acknowledged.size < n) {
    if (Date.now() > deadline) throw new Error(`only ${load.acknowledged.size} checkouts in ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** `npm run ledger:check` on a database file; its exit code and output. */
export function ledgerCheck(databasePath: string) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'db/cli.ts', 'ledger:check'], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_PATH: databasePath },
    encoding: 'utf8',
  })
  return { code: run.status, output: run.stdout + run.stderr }
}
