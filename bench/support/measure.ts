import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import autocannon from 'autocannon'

export const root = path.resolve(import.meta.dirname, '../..')

export function parseFlags(argv: string[]) {
  const flags: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=')
      flags[k!] = v ?? (argv[i + 1] && !argv[i + 1]!.startsWith('--') ? argv[++i]! : 'true')
    }
  }
  return flags
}

export function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** Times `fn` `runs` times after a warm-up; returns p50/p95/p99 in ms. */
export async function timeIt(fn: () => Promise<unknown>, runs: number, warmup = 30) {
  for (let i = 0; i < warmup; i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint()
    await fn()
    samples.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  samples.sort((a, b) => a - b)
  const r = (n: number) => Math.round(n * 1000) / 1000
  return { p50: r(percentile(samples, 50)), p95: r(percentile(samples, 95)), p99: r(percentile(samples, 99)) }
}

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

export interface Served {
  url: string
  child: ChildProcess
  startMs: number
  peakRssMb: () => number
  stop: () => Promise<void>
}

/** Node's flags from the "serve" script in package.json, so benchmarks run the server as `npm start` does. */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  return pkg.scripts.serve!.split(/\s+/).filter((arg) => arg.startsWith('--'))
}

/** Spawns a compiled node server script and waits for `readyPath` to answer 200; samples its resident memory. */
export async function serve(script: string, env: Record<string, string>, readyPath: string): Promise<Served> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, [...productionNodeFlags(), script], {
    cwd: root,
    // On the SQLite file the caller names unless it passes DATABASE_URL itself: a DATABASE_URL in
    // the shell (set for the --pg phases) must not move the SQLite baseline onto PostgreSQL.
    env: { ...process.env, DATABASE_URL: '', NODE_ENV: 'production', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  let startMs = 0
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${script} exited: ${output}`)
    try {
      const res = await fetch(url + readyPath)
      if (res.status === 200) {
        startMs = Math.round(performance.now() - started)
        break
      }
    } catch {
      // not yet listening
    }
    if (i > 1200) throw new Error(`${script} did not start: ${output}`)
    await new Promise((r) => setTimeout(r, 25))
  }
  let peak = 0
  const sample = () => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8')
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
      peak = Math.max(peak, hwm)
    } catch {
      // process gone
    }
  }
  const timer = setInterval(sample, 200)
  return {
    url,
    child,
    startMs,
    peakRssMb: () => {
      sample()
      return Math.round(peak / 1024)
    },
    stop: () =>
      new Promise((resolve) => {
        clearInterval(timer)
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** Requests per second and p99 latency of `url` under `connections` for `seconds`. */
export async function load(url: string, seconds: number, connections: number, headers: Record<string, string> = {}) {
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1, headers })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx and ${result.errors} errors under load`)
  return { rps: Math.round(result.requests.average), p99: result.latency.p99 }
}

function run(command: string, args: string[]) {
  const r = spawnSync(path.join(root, 'node_modules/.bin', command), args, { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`)
}

/** The bare yardstick, built and bundled exactly like the app (see package.json "build"). */
export function buildBareApp() {
  run('remix', ['build', 'bench/bare'])
  run('esbuild', [
    'bench/bare-server.ts',
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--target=node20',
    '--packages=external',
    '--outfile=bench/bare/build/server.js',
    '--log-level=warning',
  ])
}

export function buildApp() {
  const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`npm run build failed: ${r.stderr}`)
}
