// The rules an account's fields follow, in words a person can act on. Plain TypeScript with no
// server imports, so the account forms (app/forms/accounts.ts) check a submission with the same
// rules the domain applies again for callers that are not forms.

export const MAX_EMAIL_LENGTH = 254
export const MAX_DISPLAY_NAME_LENGTH = 80
export const MIN_PASSWORD_LENGTH = 10
/** scrypt reads every byte; a cap keeps one request from costing seconds of CPU. */
export const MAX_PASSWORD_LENGTH = 200

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
