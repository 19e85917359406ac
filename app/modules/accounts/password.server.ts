import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

// Passwords are stored as scrypt hashes: memory-hard, so guessing them on a GPU from a stolen
// copy of the database is slow and expensive. The parameters travel with the hash, so they
// can be raised later without breaking existing ones:
//   scrypt$16384$8$1$<salt, base64>$<key, base64>

const COST = { N: 2 ** 14, r: 8, p: 1 }
const SALT_BYTES = 16
const KEY_BYTES = 64

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
