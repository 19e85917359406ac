import { beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection'
import * as account from '../../app/routes/account._index'
import * as challenge from '../../app/routes/claims.$id.challenge'
import * as invitation from '../../app/routes/invitations.$token'
import * as attest from '../../app/routes/organisations.$slug_.attest'
import * as manage from '../../app/routes/organisations.$slug_.manage'
import * as newOrganisation from '../../app/routes/organisations.new'
import * as steward from '../../app/routes/steward'
import { createOrganisation, inviteMember } from '../../app/modules/organisations/membership.server'
import { testDb, useAsAppDb } from '../support/db'
import { insertPerson, request, sessionCookieFor, statusOf } from '../support/auth'

let db: Database
let admin: { id: number; cookie: string }
let member: { id: number; cookie: string }
let outsider: { id: number; cookie: string }
let stewardUser: { id: number; cookie: string }
let slug: string
let orgId: number

const args = (url: string, params: Record<string, string>, opts: Parameters<typeof request>[1] = {}) => ({ request: request(url, opts), params, context: {} })

beforeAll(async () => {
  db = await testDb()
  useAsAppDb(db)
  const make = async (name: string, isSteward = false) => {
    const p = await insertPerson(db, name, { steward: isSteward })
    return { id: p.id, cookie: await sessionCookieFor(p.id) }
  }
  admin = await make('Ada Admin')
  member = await make('Mo Member')
  outsider = await make('Otto Outsider')
  stewardUser = await make('Sam Steward', true)
  const org = await createOrganisation(db, admin.id, { name: 'Route Test Co-op', legalForm: 'worker_coop', countryCode: 'IT', city: 'Parma' })
  slug = org.slug
  orgId = org.id
  await db.insertInto('memberships').values({ organisationId: orgId, personId: member.id, role: 'member' }).execute()
})

describe('every protected page sends anonymous visitors to log in', () => {
  it.each([
    ['/account', () => account.loader(args('/account', {}))],
    ['/organisations/new', () => newOrganisation.loader(args('/organisations/new', {}))],
    ['/organisations/:slug/manage', () => manage.loader(args(`/organisations/${slug}/manage`, { slug }))],
    ['/organisations/:slug/attest', () => attest.loader(args(`/organisations/${slug}/attest`, { slug }))],
    ['/claims/1/challenge', () => challenge.loader(args('/claims/1/challenge', { id: '1' }))],
    ['/steward', () => steward.loader(args('/steward', {}))],
    ['POST /steward', () => steward.action(args('/steward', {}, { form: { intent: 'grant', email: 'x@example.org' } }))],
    ['POST /organisations/new', () => newOrganisation.action(args('/organisations/new', {}, { form: { name: 'Sneaky' } }))],
  ])('%s', async (path, run) => {
    const { status, location } = await statusOf(run)
    expect(status).toBe(302)
    expect(location).toMatch(/^\/login\?redirectTo=/)
  })
})

describe('the wrong signed-in person gets a 403 and nothing changes', () => {
  it('an outsider cannot see or change the workspace', async () => {
    expect((await statusOf(() => manage.loader(args(`/organisations/${slug}/manage`, { slug }, { cookie: outsider.cookie })))).status).toBe(403)
    const post = await statusOf(() =>
      manage.action(
        args(
          `/organisations/${slug}/manage`,
          { slug },
          {
            cookie: outsider.cookie,
            form: { intent: 'facts', legalForm: 'for_profit', oneMemberOneVote: '', memberCount: '', surplusPolicy: '', payRatio: '', openBooks: '' },
          },
        ),
      ),
    )
    expect(post.status).toBe(403)
    expect((await db.selectFrom('organisations').select('legalForm').where('id', '=', orgId).executeTakeFirstOrThrow()).legalForm).toBe('worker_coop')
  })

  it('a member sees the workspace but cannot change facts, submit evidence or invite', async () => {
    const page = await statusOf(() => manage.loader(args(`/organisations/${slug}/manage`, { slug }, { cookie: member.cookie })))
    expect(page.status).toBe(200)
    expect(page.body).toMatchObject({ role: 'member' })
    for (const form of <Record<string, string>[]>[
      { intent: 'facts', legalForm: 'for_profit', oneMemberOneVote: '', memberCount: '', surplusPolicy: '', payRatio: '', openBooks: '' },
      { intent: 'evidence', claim: 'legal_form', value: 'worker_coop', source: 'Registry 1234' },
      { intent: 'invite', email: 'friend@example.org', role: 'admin' },
    ]) {
      expect((await statusOf(() => manage.action(args(`/organisations/${slug}/manage`, { slug }, { cookie: member.cookie, form })))).status).toBe(403)
    }
    expect(await db.selectFrom('invitations').selectAll().execute()).toEqual([])
    expect(await db.selectFrom('evidenceClaims').selectAll().where('reviewStatus', '=', 'requested').execute()).toEqual([])
  })

  it('a non-steward cannot open the steward desk or decide anything', async () => {
    expect((await statusOf(() => steward.loader(args('/steward', {}, { cookie: admin.cookie })))).status).toBe(403)
    const post = await statusOf(() =>
      steward.action(args('/steward', {}, { cookie: admin.cookie, form: { intent: 'grant', email: 'ada.admin@test.example.org' } })),
    )
    expect(post.status).toBe(403)
    expect((await db.selectFrom('people').select('isSteward').where('id', '=', admin.id).executeTakeFirstOrThrow()).isSteward).toBe(0)
  })

  it('an admin cannot attest their own organisation', async () => {
    const res = await statusOf(() =>
      attest.action(
        args(
          `/organisations/${slug}/attest`,
          { slug },
          { cookie: admin.cookie, form: { attesterOrganisationId: String(orgId), statement: 'We are the best co-op around.' } },
        ),
      ),
    )
    expect(res.status).toBe(403)
    expect(await db.selectFrom('attestations').selectAll().execute()).toEqual([])
  })
})

describe('the right person, and bad input', () => {
  it('an admin saves facts; nonsense values get a 400 with a message', async () => {
    const bad = await statusOf(() =>
      manage.action(
        args(
          `/organisations/${slug}/manage`,
          { slug },
          {
            cookie: admin.cookie,
            form: { intent: 'facts', legalForm: 'worker_coop', oneMemberOneVote: 'maybe', memberCount: '', surplusPolicy: '', payRatio: '', openBooks: '' },
          },
        ),
      ),
    )
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ formError: 'Choose yes, no or not stated.' })
    const badRatio = await statusOf(() =>
      manage.action(
        args(
          `/organisations/${slug}/manage`,
          { slug },
          {
            cookie: admin.cookie,
            form: {
              intent: 'facts',
              legalForm: 'worker_coop',
              oneMemberOneVote: 'yes',
              memberCount: '12',
              surplusPolicy: 'reinvested',
              payRatio: 'lots',
              openBooks: 'yes',
            },
          },
        ),
      ),
    )
    expect(badRatio.status).toBe(400)
    // Numbers mean what they say: no hex, no exponent, no comma read as a point, no fraction of a member.
    for (const [memberCount, payRatio] of [
      ['0x10', ''],
      ['1e2', ''],
      ['12.5', ''],
      ['12', '2,5'],
      ['12', '1e1'],
    ]) {
      const refused = await statusOf(() =>
        manage.action(
          args(
            `/organisations/${slug}/manage`,
            { slug },
            {
              cookie: admin.cookie,
              form: {
                intent: 'facts',
                legalForm: 'worker_coop',
                oneMemberOneVote: 'yes',
                memberCount: memberCount!,
                surplusPolicy: 'reinvested',
                payRatio: payRatio!,
                openBooks: 'yes',
              },
            },
          ),
        ),
      )
      expect(refused.status, `${memberCount} members, ratio ${payRatio}`).toBe(400)
      expect(refused.body).toMatchObject({ formError: expect.stringMatching(/in digits/) })
    }
    const ok = await statusOf(() =>
      manage.action(
        args(
          `/organisations/${slug}/manage`,
          { slug },
          {
            cookie: admin.cookie,
            form: {
              intent: 'facts',
              legalForm: 'worker_coop',
              oneMemberOneVote: 'yes',
              memberCount: '12',
              surplusPolicy: 'reinvested',
              payRatio: '2.5',
              openBooks: 'yes',
            },
          },
        ),
      ),
    )
    expect(ok).toMatchObject({ status: 302, location: `/organisations/${slug}/manage?notice=facts` })
    expect(
      await db.selectFrom('organisations').select(['memberCount', 'payRatio', 'oneMemberOneVote']).where('id', '=', orgId).executeTakeFirstOrThrow(),
    ).toEqual({
      memberCount: 12,
      payRatio: 2.5,
      oneMemberOneVote: 1,
    })
  })

  it('registering an organisation validates every field and writes nothing on failure', async () => {
    const before = (await db.selectFrom('organisations').select('id').execute()).length
    const bad = await statusOf(() =>
      newOrganisation.action(
        args(
          '/organisations/new',
          {},
          { cookie: outsider.cookie, form: { name: 'X'.repeat(500), legalForm: 'worker_coop', countryCode: 'IT', city: 'Parma' } },
        ),
      ),
    )
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ formError: 'Keep the name under 120 characters.', values: { countryCode: 'IT' } })
    const forged = await statusOf(() =>
      newOrganisation.action(
        args('/organisations/new', {}, { cookie: outsider.cookie, form: { name: 'Forged', legalForm: 'megacorp', countryCode: 'IT', city: 'Parma' } }),
      ),
    )
    expect(forged.status).toBe(400)
    expect((await db.selectFrom('organisations').select('id').execute()).length).toBe(before)
    const ok = await statusOf(() =>
      newOrganisation.action(
        args(
          '/organisations/new',
          {},
          { cookie: outsider.cookie, form: { name: 'Otto’s Bakery Co-op', legalForm: 'worker_coop', countryCode: 'de', city: 'Leipzig' } },
        ),
      ),
    )
    expect(ok).toMatchObject({ status: 302, location: '/organisations/otto-s-bakery-co-op/manage?created=1' })
  })

  it('unknown or forged ids are a 404, not a 500', async () => {
    expect((await statusOf(() => manage.loader(args('/organisations/no-such/manage', { slug: 'no-such' }, { cookie: admin.cookie })))).status).toBe(404)
    expect((await statusOf(() => challenge.loader(args('/claims/99999/challenge', { id: '99999' }, { cookie: admin.cookie })))).status).toBe(404)
    expect((await statusOf(() => challenge.loader(args('/claims/abc/challenge', { id: 'abc' }, { cookie: admin.cookie })))).status).toBe(404)
    expect((await statusOf(() => invitation.loader(args('/invitations/x', { token: 'not-a-real-token-but-long-enough' })))).status).toBe(404)
  })

  it('an invitation link works once; a replay is a 409', async () => {
    const invite = await inviteMember(db, admin.id, orgId, { email: 'otto.outsider@test.example.org', role: 'member' })
    const accept = () => invitation.action(args(`/invitations/${invite.token}`, { token: invite.token }, { cookie: outsider.cookie, form: {} }))
    expect(await statusOf(accept)).toMatchObject({ status: 302, location: `/organisations/${slug}/manage?notice=joined` })
    expect((await statusOf(accept)).status).toBe(409)
  })

  it('a challenge needs a real reason; the steward desk lists it', async () => {
    const claim = await db.selectFrom('evidenceClaims').select('id').where('organisationId', '=', orgId).executeTakeFirstOrThrow()
    const short = await statusOf(() =>
      challenge.action(args(`/claims/${claim.id}/challenge`, { id: String(claim.id) }, { cookie: member.cookie, form: { reason: 'no' } })),
    )
    expect(short.status).toBe(400)
    const ok = await statusOf(() =>
      challenge.action(
        args(`/claims/${claim.id}/challenge`, { id: String(claim.id) }, { cookie: member.cookie, form: { reason: 'This co-op has no registered statutes.' } }),
      ),
    )
    expect(ok).toMatchObject({ status: 302, location: `/organisations/${slug}?notice=challenged` })
    const desk = await statusOf(() => steward.loader(args('/steward', {}, { cookie: stewardUser.cookie })))
    expect(desk.status).toBe(200)
    expect((desk.body as { challenges: unknown[] }).challenges).toHaveLength(1)
    const sum99 = {
      intent: 'rules',
      w_ownership: '24',
      w_surplus: '20',
      w_openKnowledge: '15',
      w_fairWork: '15',
      w_transparency: '10',
      w_environment: '10',
      w_cooperation: '5',
      note: 'typo',
    }
    const refused = await statusOf(() => steward.action(args('/steward', {}, { cookie: stewardUser.cookie, form: sum99 })))
    expect(refused).toMatchObject({ status: 400, body: { formError: expect.stringContaining('add up to 100') } })
    expect((await statusOf(() => steward.action(args('/steward', {}, { cookie: admin.cookie, form: { ...sum99, w_ownership: '25' } })))).status).toBe(403)
    const published = await statusOf(() =>
      steward.action(args('/steward', {}, { cookie: stewardUser.cookie, form: { ...sum99, w_ownership: '25', note: 'Same weights, new year' } })),
    )
    expect(published).toMatchObject({ status: 302, location: '/steward?notice=published' })
    expect((await db.selectFrom('scoreRules').select('version').orderBy('version', 'desc').executeTakeFirstOrThrow()).version).toBe(2)
    const noReason = await statusOf(() =>
      steward.action(args('/steward', {}, { cookie: stewardUser.cookie, form: { intent: 'challenge', id: '1', decision: 'uphold', reason: '' } })),
    )
    expect(noReason.status).toBe(400)
  })
})
