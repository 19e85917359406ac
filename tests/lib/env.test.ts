import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseEnv, sessionSecrets } from '../../app/lib/env.server'

describe('configuration read at boot', () => {
  it('defaults to port 3000 and a database file under data/', () => {
    expect(parseEnv({})).toMatchObject({ PORT: 3000, DATABASE_PATH: 'data/solidarity-market.db', NODE_ENV: 'production' })
  })

  it('reads PORT and DATABASE_PATH', () => {
    expect(parseEnv({ PORT: '8080', DATABASE_PATH: '/tmp/x.db' })).toMatchObject({ PORT: 8080, DATABASE_PATH: '/tmp/x.db' })
  })

  it.each([['abc'], ['0'], ['70000'], ['80.5'], ['-1']])('rejects PORT=%s in one line naming the variable', (port) => {
    expect(() => parseEnv({ PORT: port })).toThrow(/^Invalid configuration: PORT must be a whole number between 1 and 65535 \(got "/)
    try {
      parseEnv({ PORT: port })
    } catch (error) {
      expect((error as Error).message).not.toContain('\n')
    }
  })

  it('reads a handed-over listening socket as LISTEN_FD, never stdin, stdout or stderr', () => {
    expect(parseEnv({}).LISTEN_FD).toBeUndefined()
    expect(parseEnv({ LISTEN_FD: '3' }).LISTEN_FD).toBe(3)
    for (const fd of ['0', '1', '2', 'three', '3.5']) {
      expect(() => parseEnv({ LISTEN_FD: fd })).toThrow(
        `Invalid configuration: LISTEN_FD must be the number of a file descriptor this process inherited (3 or more) (got "${fd}")`,
      )
    }
  })

  it('reads DATABASE_URL and DATABASE_POOL_SIZE, and refuses a URL that is not a PostgreSQL database without repeating it', () => {
    expect(parseEnv({}).DATABASE_URL).toBeUndefined()
    expect(parseEnv({}).DATABASE_POOL_SIZE).toBe(10)
    expect(parseEnv({ DATABASE_URL: 'postgresql://market@db.example.org:5432/market', DATABASE_POOL_SIZE: '20' })).toMatchObject({
      DATABASE_URL: 'postgresql://market@db.example.org:5432/market',
      DATABASE_POOL_SIZE: 20,
    })
    expect(() => parseEnv({ DATABASE_URL: 'sqlite:///data/market.db' })).toThrow(/^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL/)
    expect(() => parseEnv({ DATABASE_URL: 'postgres://market:s3cret@db.example.org:5432' })).toThrow(
      'Invalid configuration: DATABASE_URL must name the database after the server, like postgres://user@host:5432/market',
    )
    expect(() => parseEnv({ DATABASE_URL: 'not a url' })).toThrow(
      'Invalid configuration: DATABASE_URL must be a URL like postgres://user:password@host:5432/database',
    )
    expect(() => parseEnv({ DATABASE_POOL_SIZE: '500' })).toThrow(/DATABASE_POOL_SIZE must be a whole number of connections between 2 and 100/)
  })

  it('rejects a DATABASE_PATH that names a folder', () => {
    expect(() => parseEnv({ DATABASE_PATH: 'data/' })).toThrow('Invalid configuration: DATABASE_PATH must name a file, not a folder (got "data/")')
  })

  it('rejects an unknown NODE_ENV', () => {
    expect(() => parseEnv({ NODE_ENV: 'staging' })).toThrow(/^Invalid configuration: NODE_ENV/)
  })

  it('defaults the mail and session settings so a first start needs no configuration', () => {
    const config = parseEnv({})
    expect(config.SESSION_SECRET).toBeUndefined()
    expect(config.SMTP_URL).toBeUndefined()
    expect(config).toMatchObject({
      MAIL_FROM: 'Solidarity Market <no-reply@solidarity.market.example>',
      OUTBOX_DIR: 'data/outbox',
      APP_URL: 'http://localhost:3000',
    })
    expect(parseEnv({ PORT: '8080' }).APP_URL).toBe('http://localhost:8080')
  })

  it('keeps the outbox and the uploaded images beside the database file unless told otherwise', () => {
    expect(parseEnv({})).toMatchObject({ OUTBOX_DIR: 'data/outbox', UPLOAD_DIR: 'data/uploads' })
    expect(parseEnv({ DATABASE_PATH: '/srv/market/market.db' })).toMatchObject({ OUTBOX_DIR: '/srv/market/outbox', UPLOAD_DIR: '/srv/market/uploads' })
    expect(parseEnv({ DATABASE_PATH: 'market.db' })).toMatchObject({ OUTBOX_DIR: 'outbox', UPLOAD_DIR: 'uploads' })
    expect(parseEnv({ DATABASE_PATH: '/srv/market/market.db', OUTBOX_DIR: '/var/mail/market', UPLOAD_DIR: '/var/images' })).toMatchObject({
      OUTBOX_DIR: '/var/mail/market',
      UPLOAD_DIR: '/var/images',
    })
    // No file to sit beside: the folders under data/ as before.
    expect(parseEnv({ DATABASE_PATH: ':memory:' })).toMatchObject({ OUTBOX_DIR: 'data/outbox', UPLOAD_DIR: 'data/uploads' })
    expect(parseEnv({ DATABASE_PATH: '/srv/market/market.db', DATABASE_URL: 'postgres://market@db.example.org:5432/market' })).toMatchObject({
      OUTBOX_DIR: 'data/outbox',
      UPLOAD_DIR: 'data/uploads',
    })
  })

  it('reads APP_URL without a trailing slash, SMTP_URL and several session secrets', () => {
    const secret = 'a'.repeat(32)
    expect(
      parseEnv({ APP_URL: 'https://market.example.org/', SMTP_URL: 'smtp://u:p@mail.example.org:587', SESSION_SECRET: `${secret},${'b'.repeat(40)}` }),
    ).toMatchObject({ APP_URL: 'https://market.example.org', SMTP_URL: 'smtp://u:p@mail.example.org:587', SESSION_SECRET: [secret, 'b'.repeat(40)] })
  })

  it.each([
    ['APP_URL', 'market.example.org', /^Invalid configuration: APP_URL must be the public address people open/],
    ['APP_URL', 'ftp://market.example.org', /^Invalid configuration: APP_URL/],
    ['MAIL_FROM', '  ', /^Invalid configuration: MAIL_FROM/],
  ])('rejects %s=%s in one line', (variable, value, message) => {
    expect(() => parseEnv({ [variable]: value })).toThrow(message)
  })

  it('never repeats a secret value in the error', () => {
    expect(() => parseEnv({ SESSION_SECRET: 'short-secret' })).toThrow('Invalid configuration: SESSION_SECRET must be at least 32 characters')
    expect(() => parseEnv({ SESSION_SECRET: 'short-secret' })).not.toThrow(/short-secret/)
    expect(() => parseEnv({ SMTP_URL: 'http://user:hunter2@mail' })).toThrow(/^Invalid configuration: SMTP_URL must be a URL like smtp:/)
    expect(() => parseEnv({ SMTP_URL: 'http://user:hunter2@mail' })).not.toThrow(/hunter2/)
  })

  it('keeps a generated session secret beside the database, the same after a restart', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-secret-'))
    const config = parseEnv({ DATABASE_PATH: path.join(dir, 'nested', 'market.db') })
    const [first] = sessionSecrets(config)
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(fs.readFileSync(path.join(dir, 'nested', 'session-secret'), 'utf8')).toBe(first)
    expect(fs.statSync(path.join(dir, 'nested', 'session-secret')).mode & 0o077).toBe(0)
    expect(sessionSecrets(config)).toEqual([first])
    expect(sessionSecrets(parseEnv({ DATABASE_PATH: ':memory:' }))[0]).not.toBe(first)
    expect(sessionSecrets(parseEnv({ SESSION_SECRET: 'c'.repeat(32) }))).toEqual(['c'.repeat(32)])
  })
})
