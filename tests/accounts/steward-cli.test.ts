import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrateToLatest, openDatabase } from '../../db/connection'
import { projectRoot, tempDir } from '../support/server'

const tsx = path.join(projectRoot, 'node_modules/.bin/tsx')

function grant(databasePath: string, ...args: string[]) {
  const run = spawnSync(tsx, ['db/cli.ts', 'steward:grant', ...args], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: '', DATABASE_PATH: databasePath },
    encoding: 'utf8',
  })
  return { code: run.status, out: `${run.stdout}${run.stderr}`.trim() }
}

describe('npm run steward:grant', () => {
  it('grants and revokes by email, and says so plainly when no one has it', async () => {
    const file = path.join(tempDir('sm-cli'), 'market.db')
    const db = openDatabase(file)
    await migrateToLatest(db)
    await db.insertInto('people').values({ email: 'sam@example.org', displayName: 'Sam Steward' }).execute()
    const isSteward = async () => (await db.selectFrom('people').select('isSteward').where('email', '=', 'sam@example.org').executeTakeFirstOrThrow()).isSteward
    try {
      expect(grant(file, 'Sam@example.org')).toEqual({ code: 0, out: expect.stringContaining('Sam Steward <sam@example.org> is now a steward') })
      expect(await isSteward()).toBe(1)
      expect(grant(file, '--revoke', 'sam@example.org')).toEqual({ code: 0, out: 'Sam Steward <sam@example.org> is no longer a steward.' })
      expect(await isSteward()).toBe(0)
      expect(grant(file, 'nobody@example.org')).toEqual({ code: 1, out: 'No one has the email address nobody@example.org; they need to sign up first.' })
      expect(grant(file)).toMatchObject({ code: 2, out: expect.stringMatching(/^usage: npm run steward:grant/) })
    } finally {
      await db.destroy()
    }
  }, 30_000)
})
