import { describe, expect, it } from 'vitest'
import { parseEnv } from '../../app/lib/env.server'

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

  it('rejects a DATABASE_PATH that names a folder', () => {
    expect(() => parseEnv({ DATABASE_PATH: 'data/' })).toThrow('Invalid configuration: DATABASE_PATH must name a file, not a folder (got "data/")')
  })

  it('rejects an unknown NODE_ENV', () => {
    expect(() => parseEnv({ NODE_ENV: 'staging' })).toThrow(/^Invalid configuration: NODE_ENV/)
  })
})
