import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { startLocalStripe, type LocalStripe } from './stripe-server'

export const projectRoot = path.resolve(import.meta.dirname, '../..')

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
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
    const child = spawn(process.execPath, ['build/server.js'], { cwd: projectRoot, env: { ...process.env, ...env } })
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

/** Starts the production server (build must exist) and waits until /healthz answers 200. */
export async function startServer(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<RunningServer> {
  const port = await freePort()
  const databasePath = env.DATABASE_PATH ?? path.join(tempDir('sm-server'), 'market.db')
  const child = spawn(process.execPath, ['build/server.js'], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), DATABASE_PATH: databasePath, APP_URL: `http://127.0.0.1:${port}`, ...env },
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output}`)
    try {
      const res = await fetch(`${url}/healthz`)
      if (res.status === 200) return { url, process: child, output: () => output, stop }
    } catch {
      // not listening yet
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
  const server = await startServer({ DATABASE_PATH: databasePath, STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret, STRIPE_API_URL: stripe.url })
  stripe.setWebhookUrl(`${server.url}/webhooks/stripe`)
  return { server, stripe, databasePath }
}
