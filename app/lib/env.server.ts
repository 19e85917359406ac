import { z } from 'zod'

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('production'),
  PORT: z.coerce
    .number({ error: 'must be a whole number between 1 and 65535' })
    .int('must be a whole number between 1 and 65535')
    .min(1, 'must be a whole number between 1 and 65535')
    .max(65535, 'must be a whole number between 1 and 65535')
    .default(3000),
  DATABASE_PATH: z
    .string()
    .trim()
    .min(1, 'must be a file path (or :memory:)')
    .refine((p) => !p.endsWith('/'), 'must name a file, not a folder')
    .default('data/solidarity-market.db'),
})

export type Env = z.infer<typeof EnvSchema>

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
  throw new ConfigError(
    `Invalid configuration: ${variable} ${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`,
  )
}

let cached: Env | undefined
export function env(): Env {
  cached ??= parseEnv()
  return cached
}
