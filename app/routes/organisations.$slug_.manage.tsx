import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { claimKinds, surplusPolicies } from '../../db/schema'
import { EvidenceBadge, LegalFormBadge, LegalFormOptions } from '~/components/badges'
import { FormError, Notice } from '~/components/form'
import { ReciprocityBadge } from '~/components/reciprocity'
import { getDb } from '~/lib/db.server'
import { workspaceForm } from '~/forms/organisations'
import { dispatchForm, domain, formRedirect, parseParams, readForm } from '~/lib/http.server'
import { claimLabel, claimValueLabel, surplusPolicyLabel } from '~/lib/labels'
import { requireUser } from '~/lib/session.server'
import { FactsForm, updateOrganisationFacts } from '~/modules/organisations/facts.server'
import { inviteMember, organisationBySlug } from '~/modules/organisations/membership.server'
import { organisationWorkspace } from '~/modules/organisations/workspace.server'
import { submitEvidence } from '~/modules/orders/reclassification.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? data.organisation.name : 'Organisation'} workspace · Solidarity Market` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { slug } = parseParams(params, Params)
  return domain(() => organisationWorkspace(getDb(), user.id, slug))
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const { slug } = parseParams(params, Params)
  const db = getDb()
  const org = await domain(() => organisationBySlug(db, slug))
  const back = `/organisations/${slug}/manage?notice=`
  return dispatchForm(
    await readForm(request),
    WorkspaceForm,
    {
      facts: ({ facts }, values) => formRedirect(values, () => updateOrganisationFacts(db, org.id, facts, undefined, user.id), `${back}facts`),
      evidence: ({ intent: _, ...evidence }, values) => formRedirect(values, () => submitEvidence(db, user.id, org.id, evidence), `${back}evidence`),
      invite: ({ email, role }, values) => formRedirect(values, () => inviteMember(db, user.id, org.id, { email, role }), `${back}invited`),
    },
    { above: 'all', unknownIntent: 'Unknown action.' },
  )
}

const WorkspaceForm = workspaceForm(FactsForm)

/** Why an attestation stopped counting before it expired, in the organisation's words. */
const retiredLabel = {
  shared_member: 'no longer counts: that organisation now shares a member with yours',
  claim_overturned: 'no longer counts: a steward overturned the legal form it attested',
} as const

const notices: Record<string, string> = {
  created: 'Your organisation is registered. Add its governance facts and submit evidence so it can be verified.',
  facts: 'Governance facts saved; your offers were rescored.',
  evidence: 'Evidence submitted. It counts as documented now and waits for a steward’s review.',
  invited: 'Invitation sent.',
}

export default function Workspace() {
  const w = useLoaderData<typeof loader>()
  const failed = useActionData<typeof action>()
  const [search] = useSearchParams()
  const notice = search.get('created') ? notices.created : notices[search.get('notice') ?? '']
  const org = w.organisation
  const admin = w.role === 'admin'
  const errorFor = (intent: string) => (failed?.values.intent === intent ? failed.formError : null)
  const v = failed?.values ?? {}
  const yesNo = (flag: 0 | 1 | null) => (flag === null ? '' : flag ? 'yes' : 'no')
  return (
    <article aria-labelledby="ws-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/account">Your account</Link> <span aria-hidden="true">›</span> <span>{org.name}</span>
      </nav>
      <h1 id="ws-title">{org.name}</h1>
      <p>
        <LegalFormBadge legalForm={org.legalForm} />{' '}
        <span className="muted">
          legal form {w.legalFormEvidence ? w.legalFormEvidence.replace('_', '-') : 'not evidenced'} · you are {w.role === 'admin' ? 'an admin' : 'a member'} ·{' '}
          <Link to={`/organisations/${org.slug}`}>public page</Link> · <Link to={`/organisations/${org.slug}/listings`}>listings</Link> ·{' '}
          <Link to={`/organisations/${org.slug}/orders`}>orders</Link> · <Link to={`/organisations/${org.slug}/dashboard`}>sales</Link> ·{' '}
          <Link to={`/organisations/${org.slug}/credit`}>credit owed to it</Link>
        </span>
      </p>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <p>
        Buying on behalf of {org.name}, members buy as <ReciprocityBadge decision={w.buyingAs} />, because {w.buyingAs.because}.
      </p>

      {admin ? (
        <section aria-labelledby="facts-title">
          <h2 id="facts-title">Governance facts</h2>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="facts" />
            <FormError message={errorFor('facts')} />
            <div className="field-row">
              <label className="field">
                Legal form
                <select name="legalForm" defaultValue={v.legalForm ?? org.legalForm}>
                  <LegalFormOptions />
                </select>
              </label>
              <label className="field">
                One member, one vote
                <select name="oneMemberOneVote" defaultValue={v.oneMemberOneVote ?? yesNo(org.oneMemberOneVote)}>
                  <option value="">Not stated</option>
                  <option value="yes">Yes</option>
                  <option value="no">No</option>
                </select>
              </label>
              <label className="field">
                Members
                <input name="memberCount" inputMode="numeric" defaultValue={v.memberCount ?? org.memberCount ?? ''} />
              </label>
            </div>
            <div className="field-row">
              <label className="field">
                Surplus
                <select name="surplusPolicy" defaultValue={v.surplusPolicy ?? org.surplusPolicy ?? ''}>
                  <option value="">Not stated</option>
                  {surplusPolicies.map((p) => (
                    <option key={p} value={p}>
                      {surplusPolicyLabel[p]}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                Top-to-bottom pay ratio
                <input name="payRatio" inputMode="decimal" defaultValue={v.payRatio ?? org.payRatio ?? ''} placeholder="e.g. 2.5" />
              </label>
              <label className="field">
                Open books
                <select name="openBooks" defaultValue={v.openBooks ?? yesNo(org.openBooks)}>
                  <option value="">Not stated</option>
                  <option value="yes">Yes</option>
                  <option value="no">No</option>
                </select>
              </label>
            </div>
            <p className="muted small">Stated facts count as self-declared until you submit evidence for them.</p>
            <button type="submit" className="button">
              Save facts
            </button>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="claims-title">
        <h2 id="claims-title">Claims and evidence</h2>
        {admin ? (
          <details className="form-panel" open={failed?.values.intent === 'evidence'}>
            <summary>Submit evidence (legal form, certifications, open books, …)</summary>
            <Form method="post" className="form">
              <input type="hidden" name="intent" value="evidence" />
              <FormError message={errorFor('evidence')} />
              <div className="field-row">
                <label className="field">
                  What you claim
                  <select name="claim" defaultValue={v.claim ?? 'legal_form'}>
                    {claimKinds
                      .filter((c) => c !== 'forced_labour_finding')
                      .map((c) => (
                        <option key={c} value={c}>
                          {claimLabel[c]}
                        </option>
                      ))}
                  </select>
                </label>
                <label className="field">
                  Value
                  <input name="value" required maxLength={200} defaultValue={v.value ?? org.legalForm} />
                </label>
              </div>
              <label className="field">
                Where it can be checked
                <input name="source" required maxLength={500} defaultValue={v.source} placeholder="Registry number, statute article, certificate id" />
              </label>
              <div className="field-row">
                <label className="field">
                  Link <span className="muted">(optional)</span>
                  <input name="sourceUrl" type="url" maxLength={500} defaultValue={v.sourceUrl} placeholder="https://" />
                </label>
                <label className="field">
                  Valid until <span className="muted">(optional; default two years)</span>
                  <input name="expiresOn" type="date" defaultValue={v.expiresOn} />
                </label>
              </div>
              <button type="submit" className="button">
                Submit for review
              </button>
            </Form>
          </details>
        ) : null}
        {w.claims.length === 0 ? (
          <p className="muted">No claims yet.</p>
        ) : (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Claim</th>
                  <th scope="col">Evidence</th>
                  <th scope="col">Source</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {w.claims.map((c) => (
                  <tr key={c.id} id={`evidence-${c.id}`}>
                    <th scope="row">
                      {claimLabel[c.claim]}: {claimValueLabel(c.claim, c.value)}
                    </th>
                    <td>
                      <EvidenceBadge level={c.effectiveLevel} expired={c.effectiveLevel !== c.evidenceLevel} />
                    </td>
                    <td>{c.source}</td>
                    <td>
                      {c.status === 'overturned'
                        ? 'overturned by a steward'
                        : c.reviewStatus === 'requested'
                          ? 'awaiting review'
                          : c.reviewStatus === 'rejected'
                            ? 'review rejected'
                            : 'active'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="attest-title">
        <h2 id="attest-title">Peer attestations</h2>
        <p className="muted small">
          Two current attestations from verified organisations (none of whose people are your members) make your legal form peer-attested. Share your public
          page with organisations that know you.
        </p>
        {w.attestations.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <ul className="plain-list">
            {w.attestations.map((a) => (
              <li key={a.id}>
                <Link to={`/organisations/${a.attesterSlug}`}>{a.attesterName}</Link>: “{a.statement}”{' '}
                <span className="muted">
                  ({a.current ? `valid until ${a.expiresAt.slice(0, 10)}` : a.retiredReason ? retiredLabel[a.retiredReason] : 'expired'})
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <ul className="plain-list">
          {w.members.map((m) => (
            <li key={m.id}>
              {m.displayName} <span className="muted">({m.role})</span>
            </li>
          ))}
        </ul>
        {admin ? (
          <>
            {w.invitations.length ? (
              <p className="muted small">Invited, not yet accepted: {w.invitations.map((i) => `${i.email} (${i.role})`).join(', ')}</p>
            ) : null}
            <Form method="post" className="form form--inline">
              <input type="hidden" name="intent" value="invite" />
              <FormError message={errorFor('invite')} />
              <label className="field">
                Invite by email
                <input name="email" type="email" required maxLength={254} defaultValue={v.email} />
              </label>
              <label className="field">
                Role
                <select name="role" defaultValue={v.role ?? 'member'}>
                  <option value="member">Member</option>
                  <option value="admin">Admin</option>
                </select>
              </label>
              <button type="submit" className="button">
                Send invitation
              </button>
            </Form>
          </>
        ) : null}
      </section>

      <section aria-labelledby="audit-title">
        <h2 id="audit-title">Audit trail</h2>
        {w.audit.length === 0 ? (
          <p className="muted">Nothing recorded yet.</p>
        ) : (
          <ol className="audit">
            {w.audit.map((e) => (
              <li key={e.id}>
                <time dateTime={e.createdAt}>{e.createdAt.slice(0, 16).replace('T', ' ')}</time> <strong>{e.label}</strong>
                {e.actorName ? <span className="muted"> by {e.actorName}</span> : null}
                {e.detail ? <span>: {e.detail}</span> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </article>
  )
}
