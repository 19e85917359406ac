// The thread buyerThread (checkout-race.ts) starts: its own connection to the shared database
// file; races once told to go, and posts its results back.
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '../../db/connection'
import { buyOneAtATime, type RaceInput } from './checkout-race'

const { file, input } = workerData as { file: string; input: RaceInput }
const db = openDatabase(file)
parentPort!.once('message', async () => {
  const results = await buyOneAtATime(db, input)
  await db.destroy()
  parentPort!.postMessage(results)
})
parentPort!.postMessage('ready')
