import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Database } from '../../db/connection'
import { AppError } from '../../app/lib/errors'
import { placeOrder } from '../../app/modules/orders/place-order.server'

// Buyers racing for the last units of an offer (tests/orders/oversell.test.ts): each places
// one-unit orders one after another, as fast as its connection lets it.

export interface RaceInput {
  personId: number
  offerId: number
  attempts: number
  /** each attempt's idempotency key starts with this */
  keyPrefix: string
  now: string
}
/** What one attempt came to: an order, an AppError's code, or anything else thrown. */
export type RaceResult = { placed: true } | { placed: false; code: string } | { placed: false; error: string }

export async function buyOneAtATime(db: Database, input: RaceInput): Promise<RaceResult[]> {
  const results: RaceResult[] = []
  for (let i = 0; i < input.attempts; i++) {
    try {
      const buyer = { personId: input.personId, use: { kind: 'personal' as const } }
      await placeOrder(
        db,
        { buyer, lines: [{ offerId: input.offerId, quantity: 1 }], idempotencyKey: `${input.keyPrefix}-${i}`, paymentProvider: 'invoice' },
        input.now,
      )
      results.push({ placed: true })
    } catch (error) {
      results.push(error instanceof AppError ? { placed: false, code: error.code } : { placed: false, error: String(error) })
    }
  }
  return results
}

/**
 * Starts a buyer in a thread of its own, with its own connection to the database `file`.
 * Resolves once that connection is open, with a function that starts its race and resolves
 * with its results.
 */
export async function buyerThread(file: string, input: RaceInput): Promise<() => Promise<RaceResult[]>> {
  // A worker does not inherit vitest's TypeScript loader: register tsx's, then load the worker.
  const worker = pathToFileURL(path.join(import.meta.dirname, 'checkout-race-worker.ts')).href
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(worker)}) })`
  const thread = new Worker(boot, { eval: true, workerData: { file, input } })
  await new Promise<void>((resolve, reject) => {
    thread.once('error', reject)
    thread.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(`unexpected message ${String(m)}`))))
  })
  return () =>
    new Promise<RaceResult[]>((resolve, reject) => {
      thread.once('error', reject)
      thread.once('message', (results: RaceResult[]) => {
        void thread.terminate()
        resolve(results)
      })
      thread.postMessage('go')
    })
}
