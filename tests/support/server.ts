import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { startLocalStripe, type LocalStripe } from './stripe-server'

export const projectRoot = path.resolve(import.meta.dirname, '../..')

/**
 * A TCP socket listening on 127.0.0.1 at a port the kernel chose, to hand to a child server as
 * its fd 3 (LISTEN_FD=3). The port is held from the moment it is chosen until the child closes
 * it: picking a free number, closing it and telling the child to bind it would leave a gap in
 * which another process (a parallel test file, anything on the machine) could take it.
 */
function heldPort(): Promise<{ port: number; fd: number; release: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.createServer()
    socket.once('error', reject)
    socket.listen(0, '127.0.0.1', () => {
      const { port } = socket.address() as net.AddressInfo
      // Node has no public accessor for a listening socket's descriptor; on Unix the handle has it.
      const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd
      if (!(fd > 2)) return reject(new Error(`cannot read the descriptor of the socket listening on port ${port}`))
      // Once the child has its copy, this process lets go of its own so that it accepts nothing.
      const release = () => new Promise<void>((done) => socket.close(() => done()))
      resolve({ port, fd, release })
    })
  })
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`))
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the production server (build/server.js, from `npm run build`) to completion, for configurations that must stop it. */
export function runServerToExit(env: Record<string, string>, timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // On SQLite unless the test names a PostgreSQL database (npm run test:pg sets DATABASE_URL).
    const child = spawn(process.execPath, ['build/server.js'], { cwd: projectRoot, env: { ...process.env, DATABASE_URL: '', ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`server did not exit within ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`))
    }, timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

export interface RunningServer {
  url: string
  process: ChildProcess
  output: () => string
  stop: () => Promise<void>
}

/**
 * Starts the production server (build must exist) on a socket this process holds and hands over,
 * and waits until /healthz answers 200.
 */
export async function startServer(env: Record<string, string> = {}, timeoutMs = 120_000): Promise<RunningServer> {
  const held = await heldPort()
  const url = `http://127.0.0.1:${held.port}`
  const databasePath = env.DATABASE_PATH ?? path.join(tempDir('sm-server'), 'market.db')
  const child = spawn(process.execPath, ['build/server.js'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      DATABASE_URL: '',
      NODE_ENV: 'production',
      PORT: String(held.port),
      LISTEN_FD: '3',
      DATABASE_PATH: databasePath,
      APP_URL: url,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', held.fd],
  })
  await held.release()
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited with ${child.exitCode ?? child.signalCode}: ${output}`)
    try {
      // The held socket queues this connection while the server still migrates and seeds, so
      // the answer comes once it serves; the deadline bounds that wait too.
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) })
      if (res.status === 200) return { url, process: child, output: () => output, stop }
    } catch {
      // the server exited (its socket closed with it) or the deadline passed: the loop says which
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  await stop()
  throw new Error(`server did not answer /healthz within ${timeoutMs} ms: ${output}`)
}

/**
 * The production server on a fresh seeded database, paying by card through a local
 * Stripe-compatible server whose webhooks reach the app's webhook route.
 */
export async function startServerWithStripe(prefix: string): Promise<{ server: RunningServer; stripe: LocalStripe; databasePath: string }> {
  const databasePath = path.join(tempDir(prefix), 'market.db')
  const stripe = await startLocalStripe()
  const server = await startServer({
    DATABASE_PATH: databasePath,
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
    STRIPE_API_URL: stripe.url,
  })
  stripe.setWebhookUrl(`${server.url}/webhooks/stripe`)
  return { server, stripe, databasePath }
}
