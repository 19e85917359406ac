import { createHash, randomBytes } from 'node:crypto'

// Secrets that travel in links and cookies (session ids, reset and invitation tokens) are
// random, used once, and stored only as their sha256: a copy of the database opens nothing.

/** 32 random bytes, URL-safe. */
export const newSecret = () => randomBytes(32).toString('base64url')

/** The form in which a secret is stored and looked up. */
export const secretHash = (secret: string) => createHash('sha256').update(secret).digest('hex')
