// One app instance for bench:checkout --pg: its own process and its own PostgreSQL pool, as a
// second server would have, placing orders through placeOrder against the shared database.
// bench/checkout.ts forks several (runInstances below) and starts them together.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { openPostgres } from '../../db/connection'
import { mulberry32 } from '../../db/seed/random'
import { placeOrder, type PlaceOrderInput } from '../../app/modules/orders/place-order.server'
import { forSeconds, race, type Buyer, type RaceResult } from './checkout-shared'
import { root } from './measure'

interface Common {
  url: string
  poolSize: number
  instance: number
  runId: string
  buyer: Buyer
}
export type InstanceTask =
  | (Common & { mode: 'orders'; goods: number[]; seconds: number; concurrency: number })
  | (Common & { mode: 'race'; offerIds: number[]; racers: number; deadlineMs: number })

export interface OrdersResult {
  calls: number
  seconds: number
  samples: number[]
  failures: number
  errors: string[]
  /** CPU time this process used while timed, as a % of one core */
  cpuPct: number
}
export type InstanceResult = OrdersResult | RaceResult[]

/**
 * Forks one process per task, waits until every one has opened its pool and warmed up, then
 * starts them at the same moment; resolves with their results in task order.
 */
export async function runInstances<R extends InstanceResult>(tasks: InstanceTask[]): Promise<R[]> {
  const children = tasks.map((task) => {
    const child = fork(fileURLToPath(import.meta.url), [], { cwd: root, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const exited = new Promise<void>((resolve, reject) =>
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`instance ${task.instance} exited with ${code}`)))),
    )
    const message = () =>
      new Promise<unknown>((resolve, reject) => {
        child.once('message', resolve)
        exited.catch(reject)
      })
    const ready = message()
    child.send(task)
    return { child, exited, ready, message }
  })
  await Promise.all(children.map((c) => c.ready))
  const results = children.map((c) => c.message())
  for (const c of children) c.child.send('go')
  const all = (await Promise.all(results)) as R[]
  await Promise.all(children.map((c) => c.exited))
  return all
}

async function instance(task: InstanceTask) {
  const db = openPostgres(task.url, task.poolSize)
  const rand = mulberry32(0xc0ffee + task.instance)
  // Listening before saying ready: the parent's go may come at once.
  const ready = () => {
    const go = new Promise<void>((resolve) => process.once('message', () => resolve()))
    process.send!('ready')
    return go
  }
  let result: InstanceResult
  if (task.mode === 'orders') {
    const { buyer, goods } = task
    const pickGood = () => goods[Math.floor(rand() * goods.length)]!
    let key = 0
    const input = (): PlaceOrderInput => ({
      buyer: { personId: buyer.personId, use: { kind: 'organisation', organisationId: buyer.organisationId } },
      lines: [{ offerId: pickGood(), quantity: 1 + Math.floor(rand() * 3) }],
      idempotencyKey: `bench-${task.runId}-i${task.instance}-${++key}`,
      paymentProvider: 'invoice',
    })
    let failures = 0
    const errors: string[] = []
    // An order that fails is counted, not retried here: PostgreSQL's conflicts are already
    // retried inside the transaction (db/connection.ts), so any failure is a finding (the
    // warm-up's too, though it is not timed).
    const order = () =>
      placeOrder(db, input(), new Date().toISOString()).catch((error: unknown) => {
        failures++
        if (errors.length < 10) errors.push(`instance ${task.instance}: ${error instanceof Error ? error.message : String(error)}`)
      })
    // Warm the pool's connections (and their plans) before anything is timed.
    await forSeconds(0.5, task.concurrency, order)
    await ready()
    const cpu = process.cpuUsage()
    const run = await forSeconds(task.seconds, task.concurrency, order)
    const { user, system } = process.cpuUsage(cpu)
    // Whether this instance's JavaScript was the bottleneck: near 100 means a core was all its.
    const cpuPct = Math.round(((user + system) / 1e6 / run.seconds) * 100)
    result = { ...run, failures, errors, cpuPct }
  } else {
    await ready()
    result = await Promise.all(
      Array.from({ length: task.racers }, (_, r) =>
        race(
          db,
          { ...task.buyer, racer: `i${task.instance}r${r}`, runId: task.runId, offerIds: task.offerIds, deadlineMs: task.deadlineMs },
          mulberry32(1000 + task.instance * 100 + r),
        ),
      ),
    )
  }
  await db.destroy()
  process.send!(result, () => process.disconnect())
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  // The parent going away ends the instance too.
  process.once('disconnect', () => process.exit(process.exitCode ?? 0))
  process.once('message', (task: InstanceTask) => void instance(task).catch((error) => (console.error(error), process.exit(1))))
}
