import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { z } from 'zod'

const port = 'must be a whole number between 1 and 65535'
const descriptor = 'must be the number of a file descriptor this process inherited (3 or more)'
const poolSize = 'must be a whole number of connections between 2 and 100'

const trustProxy = 'must be false, true, a number of proxies (1), or their addresses or subnets (10.0.0.1, 10.0.0.0/8, loopback, uniquelocal)'
const namedSubnets = new Set(['loopback', 'linklocal', 'uniquelocal'])
/** An address, a subnet (address/prefix) or one of express's names for the private ranges. */
function proxyAddress(entry: string): boolean {
  if (namedSubnets.has(entry)) return true
  const [address, prefix, ...rest] = entry.split('/')
  const family = net.isIP(address ?? '')
  if (!family || rest.length) return false
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
}

/**
 * A folder beside the SQLite file, so a database kept elsewhere (DATABASE_PATH=/srv/data/market.db)
 * keeps its mail and images with it rather than under whatever folder the server was started
 * from. PostgreSQL and an in-memory database have no file to sit beside: `data/` then.
 */
function besideDatabase(config: { DATABASE_PATH: string; DATABASE_URL?: string }, folder: string): string {
  if (config.DATABASE_URL || config.DATABASE_PATH === ':memory:') return path.join('data', folder)
  return path.join(path.dirname(config.DATABASE_PATH), folder)
}

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('production'),
    PORT: z.coerce.number({ error: port }).int(port).min(1, port).max(65535, port).default(3000),
    // A socket already listening, handed over as this descriptor by whoever starts the server (a
    // supervisor, the test harness): it is served instead of binding PORT, whose port it should be.
    LISTEN_FD: z.coerce.number({ error: descriptor }).int(descriptor).min(3, descriptor).optional(),
    DATABASE_PATH: z
      .string()
      .trim()
      .min(1, 'must be a file path (or :memory:)')
      .refine((p) => !p.endsWith('/'), 'must name a file, not a folder')
      .default('data/solidarity-market.db'),
    // Set, the marketplace lives in this PostgreSQL database instead of the SQLite file, and
    // several instances may serve it at once (README: "Running on PostgreSQL").
    DATABASE_URL: z
      .string()
      .trim()
      .superRefine((v, ctx) => {
        let url: URL
        try {
          url = new URL(v)
        } catch {
          return void ctx.addIssue({ code: 'custom', message: 'must be a URL like postgres://user:password@host:5432/database' })
        }
        if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
          return void ctx.addIssue({
            code: 'custom',
            message: `must be a postgres:// URL (${url.protocol}// is not PostgreSQL; unset it to use the SQLite file at DATABASE_PATH)`,
          })
        if (!url.hostname) return void ctx.addIssue({ code: 'custom', message: 'must name the server, like postgres://user@db.example.org:5432/market' })
        if (url.pathname.length <= 1)
          ctx.addIssue({ code: 'custom', message: 'must name the database after the server, like postgres://user@host:5432/market' })
      })
      .optional(),
    // Connections each instance keeps to PostgreSQL: two at least (a timed job holds one while it
    // runs); the server's max_connections must cover every instance's pool.
    DATABASE_POOL_SIZE: z.coerce.number({ error: poolSize }).int(poolSize).min(2, poolSize).max(100, poolSize).default(10),
    // Several secrets separated by commas rotate: the first signs, every one still verifies.
    SESSION_SECRET: z
      .string()
      .refine(
        (v) => v.split(',').every((s) => s.trim().length >= 32),
        'must be at least 32 characters (each, when several are separated by commas); try `openssl rand -base64 32`',
      )
      .transform((v) => v.split(',').map((s) => s.trim()))
      .optional(),
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be a URL like smtp://user:password@mail.example.org:587 (or smtps://…:465)' }).optional(),
    MAIL_FROM: z
      .string()
      .trim()
      .min(3, 'must be a sender such as "Solidarity Market <no-reply@example.org>"')
      .default('Solidarity Market <no-reply@solidarity.market.example>'),
    // Both default to a folder beside the SQLite file (see besideDatabase below).
    OUTBOX_DIR: z.string().trim().min(1, 'must be a folder path').optional(),
    // Offer images (the database keeps their metadata; the files live here, created on demand).
    UPLOAD_DIR: z.string().trim().min(1, 'must be a folder path').optional(),
    APP_URL: z
      .url({ protocol: /^https?$/, error: 'must be the public address people open, like https://market.example.org' })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    // Card payments through Stripe Checkout; without a key, orders are paid by invoice / bank transfer.
    STRIPE_SECRET_KEY: z
      .string()
      .trim()
      .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]{8,}$/, 'must be a Stripe secret key (sk_test_… or sk_live_…)')
      .optional(),
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .trim()
      .regex(/^whsec_[A-Za-z0-9_]{8,}$/, 'must be the webhook signing secret (whsec_…)')
      .optional(),
    // Behind a reverse proxy: whom to believe about X-Forwarded-For/-Host/-Proto (express's
    // `trust proxy`). Unset, those headers are ignored: anyone could send them.
    TRUST_PROXY: z
      .string()
      .trim()
      .transform((v, ctx): boolean | number | string => {
        if (/^(false|no|0)$/i.test(v)) return false
        if (/^(true|yes)$/i.test(v)) return true
        if (/^\d{1,2}$/.test(v)) return Number(v)
        const entries = v.split(',').map((e) => e.trim())
        if (entries.every(proxyAddress)) return entries.join(',')
        ctx.addIssue({ code: 'custom', message: trustProxy })
        return z.NEVER
      })
      .default(false),
    // Where the Stripe API lives: only set it to reach a local Stripe-compatible server (tests).
    STRIPE_API_URL: z.url({ protocol: /^https?$/, error: 'must be a URL like http://127.0.0.1:12111' }).optional(),
  })
  .refine((e) => !e.STRIPE_SECRET_KEY || e.STRIPE_WEBHOOK_SECRET, {
    path: ['STRIPE_WEBHOOK_SECRET'],
    error: 'must be set when STRIPE_SECRET_KEY is: without it no payment could be confirmed',
  })
  .transform(({ APP_URL, OUTBOX_DIR, UPLOAD_DIR, ...rest }) => ({
    ...rest,
    APP_URL: APP_URL ?? `http://localhost:${rest.PORT}`,
    OUTBOX_DIR: OUTBOX_DIR ?? besideDatabase(rest, 'outbox'),
    UPLOAD_DIR: UPLOAD_DIR ?? besideDatabase(rest, 'uploads'),
  }))

export type Env = z.infer<typeof EnvSchema>

// Values that must never be echoed into a log line.
const secretVariables = new Set(['SESSION_SECRET', 'SMTP_URL', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'DATABASE_URL'])

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads configuration; throws a ConfigError whose message is one line naming the variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // An empty variable means "not set", as in most shells' `FOO= cmd`.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''))
  const result = EnvSchema.safeParse(cleaned)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  const variable = String(issue.path[0] ?? 'environment')
  const got = source[variable]
  const shown = got === undefined || secretVariables.has(variable) ? '' : ` (got ${JSON.stringify(got)})`
  throw new ConfigError(`Invalid configuration: ${variable} ${issue.message}${shown}`)
}

let cached: Env | undefined
export function env(): Env {
  cached ??= parseEnv()
  return cached
}

/**
 * The secrets that sign the session cookie. Without SESSION_SECRET, one is generated on first
 * use and kept in `session-secret` beside the database, so `npm start` needs no configuration
 * and people stay logged in across restarts; an in-memory database gets one per process.
 */
export function sessionSecrets(config: Env = env()): string[] {
  if (config.SESSION_SECRET) return config.SESSION_SECRET
  if (config.DATABASE_PATH === ':memory:') return [processSecret()]
  const file = path.join(path.dirname(path.resolve(config.DATABASE_PATH)), 'session-secret')
  return [readOrCreateSecret(file)]
}

let perProcess: string | undefined
function processSecret(): string {
  perProcess ??= randomBytes(32).toString('base64url')
  return perProcess
}

const persisted = new Map<string, string>()
function readOrCreateSecret(file: string): string {
  const known = persisted.get(file)
  if (known) return known
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    // Written aside, then linked into place: linking fails when the file exists, so of two
    // processes starting at once one wins and the other reads a complete secret.
    const draft = `${file}.${process.pid}.tmp`
    fs.writeFileSync(draft, randomBytes(32).toString('base64url'), { mode: 0o600 })
    try {
      fs.linkSync(draft, file)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    } finally {
      fs.rmSync(draft, { force: true })
    }
  }
  const secret = fs.readFileSync(file, 'utf8').trim()
  if (secret.length < 32) throw new ConfigError(`Invalid configuration: ${file} holds a session secret shorter than 32 characters; delete it to make a new one`)
  persisted.set(file, secret)
  return secret
}
