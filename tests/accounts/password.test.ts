import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from '../../app/modules/accounts/password.server'
import { passwordProblem } from '../../app/modules/accounts/rules'

describe('password hashing', () => {
  it('stores scrypt with its parameters, a 16-byte salt and a 64-byte key', async () => {
    const hash = await hashPassword('correct horse battery staple')
    const [scheme, n, r, p, salt, key] = hash.split('$')
    expect([scheme, n, r, p]).toEqual(['scrypt', '16384', '8', '1'])
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16)
    expect(Buffer.from(key!, 'base64')).toHaveLength(64)
    expect(hash).not.toContain('correct horse')
  })

  it('verifies the right password and refuses any other', async () => {
    const hash = await hashPassword('correct horse battery staple')
    await expect(verifyPassword('correct horse battery staple', hash)).resolves.toBe(true)
    await expect(verifyPassword('correct horse battery stapl', hash)).resolves.toBe(false)
    await expect(verifyPassword('Correct horse battery staple', hash)).resolves.toBe(false)
    await expect(verifyPassword('', hash)).resolves.toBe(false)
  })

  it('salts every hash, so one password never gives the same hash twice', async () => {
    const [a, b] = await Promise.all([hashPassword('same password here'), hashPassword('same password here')])
    expect(a).not.toBe(b)
    await expect(verifyPassword('same password here', b)).resolves.toBe(true)
  })

  it('treats composed and decomposed accents as the same password', async () => {
    const hash = await hashPassword('caf\u00e9 au lait s\u00f6ren')
    await expect(verifyPassword('cafe\u0301 au lait so\u0308ren', hash)).resolves.toBe(true)
  })

  it.each([
    ['empty', ''],
    ['another scheme', 'bcrypt$2b$10$abc'],
    ['missing key', 'scrypt$16384$8$1$c2FsdA=='],
    ['absurd cost', `scrypt$1073741824$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(64).toString('base64')}`],
    ['cost not a power of two', `scrypt$10000$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(64).toString('base64')}`],
  ])('never matches a malformed stored hash (%s)', async (_, stored) => {
    await expect(verifyPassword('anything at all', stored)).resolves.toBe(false)
  })
})

describe('password policy', () => {
  it('accepts a long, uncommon password that is not the email', () => {
    expect(passwordProblem('solidarity-demo-2026', 'noor@example.org')).toBeNull()
    expect(passwordProblem('four words in a row')).toBeNull()
  })

  it.each([
    ['short1234', /at least 10 characters/],
    ['x'.repeat(201), /at most 200 characters/],
    ['aaaaaaaaaaaa', /single character repeated/],
    ['password123', /attackers try first/],
    ['QWERTYUIOP', /attackers try first/],
    ['1234567890', /attackers try first/],
  ])('refuses %s with a reason a person can act on', (password, reason) => {
    expect(passwordProblem(password, 'someone@example.org')).toMatch(reason)
  })

  it('refuses the email address or its name part, whatever the case', () => {
    expect(passwordProblem('Noor.Haddad@Example.org', 'noor.haddad@example.org')).toBe('Your password must not be your email address.')
    expect(passwordProblem('noor.haddad', 'noor.haddad@example.org')).toBe('Your password must not be your email address.')
  })
})
