import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { EvidenceBadge } from '~/components/badges'
import { FormError, Notice } from '~/components/form'
import { StewardForm } from '~/forms/steward'
import { getDb } from '~/lib/db.server'
import { formatMoney } from '~/lib/money'
import { pendingDisbursements } from '~/modules/funds/disbursements.server'
import { resolveChallenge } from '~/modules/orders/back-charge.server'
import { decideCreditPayout, pendingCreditPayouts } from '~/modules/orders/buyer-credit.server'
import { getStripe } from '~/lib/stripe.server'
import { dispatchForm, formRedirect, readForm, type FormReply } from '~/lib/http.server'
import { claimLabel, claimValueLabel } from '~/lib/labels'
import { requireSteward } from '~/lib/session.server'
import { criteria, criterionLabel } from '~/modules/scoring/rules'
import { listRules, publishRules } from '~/modules/scoring/scores.server'
import { reviewEvidence } from '~/modules/orders/reclassification.server'
import { stewardQueue } from '~/modules/verification/evidence-review.server'
import { decideStewardProposal, openStewardProposals, proposeSteward } from '~/modules/accounts/stewards.server'

export const meta: MetaFunction = () => [{ title: 'Steward desk · Solidarity Market' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb()
  const steward = await requireSteward(request)
  const [queue, rules, disbursements, creditPayouts, proposals] = await Promise.all([
    stewardQueue(db),
    listRules(db),
    pendingDisbursements(db),
    pendingCreditPayouts(db),
    openStewardProposals(db),
  ])
  return { ...queue, rules: rules.slice(0, 10), disbursements, creditPayouts, proposals, me: steward.id }
}

export async function action({ request }: ActionFunctionArgs) {
  const steward = await requireSteward(request)
  const db = getDb()
  return dispatchForm(
    await readForm(request),
    StewardForm,
    {
      review: ({ id, decision, reason }, values) =>
        formRedirect(values, () => reviewEvidence(db, steward.id, id, { approve: decision === 'approve', reason }), '/steward?notice=reviewed'),
      challenge: ({ id, decision, reason }, values) =>
        formRedirect(
          values,
          // upheld: the orders placed under the overturned claim are back-charged, payable like an order
          () => resolveChallenge(db, steward.id, id, { uphold: decision === 'uphold', reason }, { provider: getStripe() ? 'stripe' : 'invoice' }),
          '/steward?notice=decided',
        ),
      'credit-payout': ({ id, decision, reason }, values) =>
        formRedirect(
          values,
          () => decideCreditPayout(db, steward.id, id, { approve: decision === 'approve', reason }),
          `/steward?notice=${decision === 'approve' ? 'credit-paid' : 'credit-refused'}`,
        ),
      rules: ({ weights, note }, values) =>
        formRedirect(values, () => publishRules(db, { weights, note, publishedBy: steward.displayName }), '/steward?notice=published'),
      'propose-steward': ({ email, reason }, values) =>
        formRedirect(values, () => proposeSteward(db, steward.id, { email, reason }), '/steward?notice=proposed'),
      appoint: ({ id, decision }, values) =>
        formRedirect(
          values,
          () => decideStewardProposal(db, steward.id, id, decision === 'approve'),
          `/steward?notice=${decision === 'approve' ? 'appointed' : 'not-appointed'}`,
        ),
    },
    { above: 'all', unknownIntent: 'Unknown action.' },
  )
}

const notices: Record<string, string> = {
  reviewed: 'Review recorded in the organisation’s audit trail.',
  decided: 'Decision recorded in the organisation’s audit trail.',
  proposed: 'Proposal recorded: another steward approves or rejects it.',
  appointed: 'They are now a steward.',
  'not-appointed': 'Proposal rejected; they are not a steward.',
  published: 'New score rules published; every offer was rescored with them.',
  'credit-paid': 'Payout approved and posted to the ledger: send the money to the account it names.',
  'credit-refused': 'Payout request rejected; the credit stays owed to the organisation.',
}

function Decision({ intent, id, options, failed }: { intent: string; id: number; options: [string, string][]; failed: FormReply | undefined }) {
  const mine = failed?.values.intent === intent && failed.values.id === String(id)
  return (
    <Form method="post" className="form form--inline">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      {mine ? <FormError message={failed.formError} /> : null}
      <label className="field">
        Reason the organisation will read
        <input name="reason" required minLength={5} maxLength={1000} defaultValue={mine ? failed.values.reason : undefined} />
      </label>
      {options.map(([value, label]) => (
        <button key={value} type="submit" name="decision" value={value} className="button">
          {label}
        </button>
      ))}
    </Form>
  )
}

export default function StewardDesk() {
  const queue = useLoaderData<typeof loader>()
  const failed = useActionData<typeof action>()
  const [search] = useSearchParams()
  const notice = notices[search.get('notice') ?? '']
  return (
    <article aria-labelledby="desk-title">
      <h1 id="desk-title">Steward desk</h1>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <section aria-labelledby="disbursements-title">
        <h2 id="disbursements-title">Payouts to decide ({queue.disbursements.length})</h2>
        {queue.disbursements.length === 0 ? (
          <p className="muted">No fund has asked for a payout.</p>
        ) : (
          <ul className="queue">
            {queue.disbursements.map((d) => (
              <li key={d.id}>
                <Link to={`/funds/${d.fundSlug}#disbursements`}>
                  {d.fund}: {formatMoney(d.amount, d.currency)} to {d.recipient}
                </Link>{' '}
                <span className="muted small">asked by {d.requester}; decide on the fund’s page (another steward than the asker)</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="credit-payouts-title">
        <h2 id="credit-payouts-title">Credits to pay out ({queue.creditPayouts.length})</h2>
        {queue.creditPayouts.length === 0 ? (
          <p className="muted">No organisation has asked for its credit to be paid out.</p>
        ) : (
          <ul className="queue">
            {queue.creditPayouts.map((c) => (
              <li key={c.id} className="card">
                <p>
                  <Link to={`/organisations/${c.organisationSlug}/credit`}>{c.organisation}</Link> asks for{' '}
                  <strong>{formatMoney(c.amount.amount, c.amount.currency)}</strong> of the credit it is owed, paid to: {c.payTo}
                </p>
                <p className="muted small">Asked by {c.requester}. Another steward than the asker, and not one of its members, decides.</p>
                {c.requestedBy === queue.me ? null : (
                  <Decision
                    intent="credit-payout"
                    id={c.id}
                    options={[
                      ['approve', 'Approve and post the payout'],
                      ['reject', 'Reject'],
                    ]}
                    failed={failed}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="evidence-title">
        <h2 id="evidence-title">Evidence to review ({queue.evidence.length})</h2>
        {queue.evidence.length === 0 ? (
          <p className="muted">Nothing waits for review.</p>
        ) : (
          <ul className="queue">
            {queue.evidence.map((e) => (
              <li key={e.id} className="card">
                <p>
                  <Link to={`/organisations/${e.organisationSlug}`}>{e.organisationName}</Link> claims{' '}
                  <strong>
                    {claimLabel[e.claim]}: {claimValueLabel(e.claim, e.value)}
                  </strong>
                </p>
                <p className="small">
                  Source:{' '}
                  {e.sourceUrl ? (
                    <a href={e.sourceUrl} rel="nofollow noopener">
                      {e.source}
                    </a>
                  ) : (
                    e.source
                  )}{' '}
                  · submitted {e.createdAt.slice(0, 10)}
                </p>
                <Decision
                  intent="review"
                  id={e.id}
                  options={[
                    ['approve', 'Verify'],
                    ['reject', 'Reject'],
                  ]}
                  failed={failed}
                />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="challenges-title">
        <h2 id="challenges-title">Open challenges ({queue.challenges.length})</h2>
        {queue.challenges.length === 0 ? (
          <p className="muted">No open challenges.</p>
        ) : (
          <ul className="queue">
            {queue.challenges.map((c) => (
              <li key={c.id} className="card">
                <p>
                  {c.challengerName} challenges <Link to={`/organisations/${c.organisationSlug}`}>{c.organisationName}</Link>’s claim{' '}
                  <strong>
                    {claimLabel[c.claim]}: {claimValueLabel(c.claim, c.value)}
                  </strong>{' '}
                  <EvidenceBadge level={c.evidenceLevel} />
                </p>
                <blockquote>{c.reason}</blockquote>
                <Decision
                  intent="challenge"
                  id={c.id}
                  options={[
                    ['uphold', 'Uphold: overturn the claim'],
                    ['dismiss', 'Dismiss'],
                  ]}
                  failed={failed}
                />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="rules-title">
        <h2 id="rules-title">Score rules</h2>
        <p className="muted small">
          The community weights of the ethical-preference score. Publishing a new version rescores every offer at once; each stored score records the version it
          was computed with.
        </p>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                {criteria.map((c) => (
                  <th key={c} scope="col">
                    {criterionLabel[c]}
                  </th>
                ))}
                <th scope="col">Published</th>
              </tr>
            </thead>
            <tbody>
              {queue.rules.map((r) => (
                <tr key={r.version}>
                  <th scope="row">v{r.version}</th>
                  {criteria.map((c) => (
                    <td key={c} className="num">
                      {r.weights[c]}
                    </td>
                  ))}
                  <td>
                    {r.publishedAt.slice(0, 10)} by {r.publishedBy}
                    {r.note ? <span className="muted"> — {r.note}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="rules" />
          {failed?.values.intent === 'rules' ? <FormError message={failed.formError} /> : null}
          <div className="field-row">
            {criteria.map((c) => (
              <label key={c} className="field">
                {criterionLabel[c]}
                <input
                  name={`w_${c}`}
                  type="number"
                  min={0}
                  max={100}
                  step={1}
                  required
                  defaultValue={failed?.values.intent === 'rules' ? failed.values[`w_${c}`] : queue.rules[0]?.weights[c]}
                />
              </label>
            ))}
          </div>
          <label className="field">
            Why this change
            <input name="note" maxLength={500} defaultValue={failed?.values.intent === 'rules' ? failed.values.note : ''} />
          </label>
          <p className="muted small">Whole numbers that add up to 100.</p>
          <button type="submit" className="button">
            Publish new rules
          </button>
        </Form>
      </section>
      <section aria-labelledby="grant-title">
        <h2 id="grant-title">Appoint a steward</h2>
        <p className="muted small">
          One steward proposes, a second approves: nobody becomes a steward on one person’s word. They need an account with a confirmed email address.
        </p>
        {queue.proposals.length === 0 ? (
          <p className="muted">No proposal waits for a second steward.</p>
        ) : (
          <ul className="queue">
            {queue.proposals.map((p) => {
              const mine = failed?.values.intent === 'appoint' && failed.values.id === String(p.id)
              return (
                <li key={p.id} className="card">
                  <p>
                    <strong>{p.displayName}</strong> ({p.email}), proposed by {p.proposerName} on {p.proposedAt.slice(0, 10)}
                  </p>
                  <blockquote>{p.reason}</blockquote>
                  {p.proposedBy === queue.me ? (
                    <p className="muted small">You proposed them: another steward approves or rejects.</p>
                  ) : (
                    <Form method="post" className="form form--inline">
                      <input type="hidden" name="intent" value="appoint" />
                      <input type="hidden" name="id" value={p.id} />
                      {mine ? <FormError message={failed.formError} /> : null}
                      <button type="submit" name="decision" value="approve" className="button">
                        Approve: make steward
                      </button>
                      <button type="submit" name="decision" value="reject" className="button button--secondary">
                        Reject
                      </button>
                    </Form>
                  )}
                </li>
              )
            })}
          </ul>
        )}
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="propose-steward" />
          {failed?.values.intent === 'propose-steward' ? <FormError message={failed.formError} /> : null}
          <label className="field">
            Their account’s email
            <input
              name="email"
              type="email"
              required
              maxLength={254}
              defaultValue={failed?.values.intent === 'propose-steward' ? failed.values.email : undefined}
            />
          </label>
          <label className="field">
            Why they should be a steward
            <input
              name="reason"
              required
              minLength={5}
              maxLength={1000}
              defaultValue={failed?.values.intent === 'propose-steward' ? failed.values.reason : undefined}
            />
          </label>
          <button type="submit" className="button">
            Propose as steward
          </button>
        </Form>
      </section>
    </article>
  )
}
