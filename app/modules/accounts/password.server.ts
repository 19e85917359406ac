import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

// Passwords are stored as scrypt hashes: memory-hard, so guessing them on a GPU from a stolen
// copy of the database is slow and expensive. The parameters travel with the hash, so they
// can be raised later without breaking existing ones:
//   scrypt$16384$8$1$<salt, base64>$<key, base64>

const COST = { N: 2 ** 14, r: 8, p: 1 }
const SALT_BYTES = 16
const KEY_BYTES = 64

export const MIN_PASSWORD_LENGTH = 10
/** scrypt reads every byte; a cap keeps one request from costing seconds of CPU. */
export const MAX_PASSWORD_LENGTH = 200

function derive(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyLength, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
  )
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, KEY_BYTES, COST)
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$')
}

const encoded = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/

/** True when `password` matches `stored`; a malformed or unknown hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = encoded.exec(stored)
  if (!m) return false
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const salt = Buffer.from(m[4]!, 'base64')
  const expected = Buffer.from(m[5]!, 'base64')
  // Refuse parameters we would never write, rather than let a bad row cost minutes of CPU.
  if (N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16 || expected.length < 16) return false
  let actual: Buffer
  try {
    actual = await derive(password, salt, expected.length, { N, r, p })
  } catch {
    return false
  }
  return timingSafeEqual(actual, expected)
}

let decoy: Promise<string> | undefined
/**
 * Spends the time a real check would, for logins to unknown addresses, so the answer's timing
 * does not tell whether an account exists.
 */
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hashPassword('decoy password that no account has')
  await verifyPassword(password, await decoy)
  return false
}

// The passwords at the top of every breached-password list that are long enough to pass the
// length rule: the ones an attacker tries first.
const commonPasswords = new Set([
  '0123456789',
  '1234567890',
  '12345678910',
  '123456789a',
  '1234567890a',
  '0987654321',
  '1111111111',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'qwertyuiop',
  'qwerty1234',
  'qwerty12345',
  'qwerty123456',
  'asdfghjkl1',
  'password12',
  'password123',
  'password1234',
  'password!!',
  'passw0rd123',
  'passwordpassword',
  'iloveyou12',
  'iloveyou123',
  'letmein123',
  'welcome123',
  'welcome1234',
  'sunshine123',
  'football123',
  'princess123',
  'baseball123',
  'changeme123',
  'abcdefghij',
  'abcd123456',
  'administrator',
  'trustno1234',
  'solidarity',
  'solidarity123',
  'solidaritymarket',
  'solidarity-market',
])

/**
 * Why `password` is not acceptable for the account with `email`, in words a person can act on;
 * null when it is fine. Length beats composition rules: a long phrase is strong and memorable.
 */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters; a few words in a row work well.`
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`
  const lower = password.trim().toLowerCase()
  if (new Set(lower).size === 1) return 'A single character repeated is too easy to guess; choose something else.'
  if (commonPasswords.has(lower)) return 'This is one of the passwords attackers try first; choose something else.'
  if (email) {
    const address = email.trim().toLowerCase()
    if (lower === address || lower === address.split('@')[0]) return 'Your password must not be your email address.'
  }
  return null
}
