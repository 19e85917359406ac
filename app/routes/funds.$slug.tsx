import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { clock } from '~/lib/clock'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { StackedColumns } from '~/components/charts'
import { FormError, Notice } from '~/components/form'
import { When } from '~/components/orders'
import { Amount } from '~/components/prices'
import { fundForm } from '~/forms/funds'
import { getDb } from '~/lib/db.server'
import { dispatchForm, domain, formRedirect, parseParams, readForm } from '~/lib/http.server'
import { getOptionalUser, requireUser } from '~/lib/session.server'
import { decideDisbursement, isFundAdmin, requestDisbursement } from '~/modules/funds/disbursements.server'
import { fundActivity, fundBySlug, getFundSummary } from '~/modules/funds/funds.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.fund.name} · Solidarity Market` : 'Commons fund · Solidarity Market' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { slug } = parseParams(params, Params)
  const db = getDb()
  const summary = await domain(() => getFundSummary(db, slug))
  const user = await getOptionalUser(request)
  const activity = await fundActivity(db, summary.fund.id, summary.fund.currency)
  return {
    ...summary,
    ...activity,
    viewer: user ? { id: user.id, isSteward: user.isSteward, isFundAdmin: await isFundAdmin(db, user.id, summary.fund.id) } : null,
    year: clock.date().getUTCFullYear(),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const { slug } = parseParams(params, Params)
  const db = getDb()
  const fund = await domain(() => fundBySlug(db, slug))
  const decide =
    (approve: boolean) =>
    ({ disbursementId, reason }: { disbursementId: number; reason: string }, values: Record<string, string>) =>
      formRedirect(
        values,
        () => decideDisbursement(db, user.id, disbursementId, { approve, reason }),
        `/funds/${slug}?notice=${approve ? 'approved' : 'rejected'}#disbursements`,
      )
  return dispatchForm(
    await readForm(request),
    fundForm(fund.currency),
    {
      request: ({ amount, recipient, purpose }, values) =>
        formRedirect(values, () => requestDisbursement(db, user.id, fund.id, { amount, recipient, purpose }), `/funds/${slug}?notice=requested#disbursements`),
      approve: decide(true),
      reject: decide(false),
    },
    { above: ['disbursementId'] },
  )
}

const classWord = { commoner: 'commoner', for_profit: 'for-profit buyer' } as const
const statusWord = { requested: 'Awaiting a steward', approved: 'Paid out', rejected: 'Rejected', withdrawn: 'Withdrawn' } as const
const notices: Record<string, string> = {
  requested: 'Requested. A steward other than you decides; the request and the decision appear in the audit trail below.',
  approved: 'Approved and paid out: the balance is lower by the amount, and the ledger shows the payout.',
  rejected: 'Rejected. The fund keeps the money; the reason is on record.',
}

export default function FundPage() {
  const { fund, balance, inflow, outflow, movements, disbursements, audit, months, viewer, year } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const notice = notices[params.get('notice') ?? '']
  const errors = actionData?.fieldErrors ?? {}
  return (
    <article aria-labelledby="fund-title">
      <h1 id="fund-title">{fund.name}</h1>
      <p>{fund.purpose}</p>
      {fund.steward ? (
        <p className="muted">
          Stewarded by <Link to={`/organisations/${fund.steward.slug}`}>{fund.steward.name}</Link>.
        </p>
      ) : (
        <p className="muted">Stewarded by the marketplace’s stewards.</p>
      )}
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <FormError message={actionData?.formError} />
      <dl className="kpis fund-totals">
        <div>
          <dt>Balance</dt>
          <dd data-testid="fund-balance">
            <Amount value={balance} />
          </dd>
        </div>
        <div>
          <dt>Received in all</dt>
          <dd>
            <Amount value={inflow} />
          </dd>
        </div>
        <div>
          <dt>Paid out or reversed</dt>
          <dd>
            <Amount value={outflow} />
          </dd>
        </div>
      </dl>
      <p className="small">
        Everything on this page is summed from the ledger. Download every movement as <a href={`/funds/${fund.slug}/movements.csv`}>CSV</a> or{' '}
        <a href={`/funds/${fund.slug}/movements.json`}>JSON</a>; read the <Link to={`/funds/${fund.slug}/report/${year}`}>{year} annual report</Link>.
      </p>
      <div className="dashboard-grid">
        <StackedColumns
          title="Money in per month"
          currency={fund.currency}
          periods={months.map((m) => m.month)}
          series={[{ label: 'In', className: 'series--commoner', values: months.map((m) => m.inflow) }]}
        />
        <StackedColumns
          title="Money out per month"
          currency={fund.currency}
          periods={months.map((m) => m.month)}
          series={[{ label: 'Out', className: 'series--for-profit', values: months.map((m) => m.outflow) }]}
        />
      </div>

      <section aria-labelledby="movements-title">
        <h2 id="movements-title">Latest movements</h2>
        {movements.length === 0 ? (
          <p className="empty">Nothing yet: access fees paid by for-profit buyers arrive here.</p>
        ) : (
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">The fund&apos;s latest ledger postings</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Amount</th>
                </tr>
              </thead>
              <tbody>
                {movements.map((m) => (
                  <tr key={m.entryId}>
                    <td>
                      <When iso={m.at} />
                    </td>
                    <td>
                      {m.offers.length ? `${m.offers.join(', ')} ` : ''}
                      {m.orderReference ? (
                        <span className="muted">
                          ({m.orderReference}
                          {m.buyerClass ? `, bought by a ${classWord[m.buyerClass]}` : ''})
                        </span>
                      ) : null}
                      <div className="muted small">{m.memo}</div>
                    </td>
                    <td>
                      <Amount value={m.amount} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="disbursements">
        <h2 id="disbursements">Disbursements</h2>
        {disbursements.length === 0 ? <p className="empty">This fund has paid nothing out yet.</p> : null}
        <ul className="order-list">
          {disbursements.map((d) => (
            <li key={d.id} className="order-list__item">
              <div>
                <strong>
                  <Amount value={d.amount} /> to {d.recipient}
                </strong>{' '}
                <span className={`status status--${d.status === 'approved' ? 'paid' : d.status === 'requested' ? 'pending_payment' : 'cancelled'}`}>
                  {statusWord[d.status]}
                </span>
                <p className="small">{d.purpose}</p>
                <p className="muted small">
                  Asked by {d.requestedBy.name} <When iso={d.requestedAt} />
                  {d.decidedBy && d.decidedAt ? (
                    <>
                      {' '}
                      · decided by {d.decidedBy} <When iso={d.decidedAt} />: {d.decisionReason}
                    </>
                  ) : null}
                </p>
              </div>
              {d.status === 'requested' && viewer?.isSteward && viewer.id !== d.requestedBy.id ? (
                <Form method="post" className="order-actions">
                  <input type="hidden" name="disbursementId" value={d.id} />
                  <label htmlFor={`reason-${d.id}`}>Reason (shown here)</label>
                  <input id={`reason-${d.id}`} name="reason" required minLength={5} maxLength={1000} />
                  <button type="submit" name="intent" value="approve" className="button">
                    Approve and pay out
                  </button>
                  <button type="submit" name="intent" value="reject" className="button button--secondary">
                    Reject
                  </button>
                </Form>
              ) : d.status === 'requested' && viewer?.id === d.requestedBy.id ? (
                <p className="muted small">Another steward decides on your request.</p>
              ) : null}
            </li>
          ))}
        </ul>
        {viewer?.isFundAdmin ? (
          <details className="form-panel" open={Boolean(actionData)}>
            <summary>Ask for a payout</summary>
            <Form method="post" className="form">
              <input type="hidden" name="intent" value="request" />
              <div className={errors.amount ? 'field field--invalid' : 'field'}>
                <label htmlFor="amount">Amount ({fund.currency})</label>
                {errors.amount ? <p className="field-error">{errors.amount}</p> : null}
                <input id="amount" name="amount" inputMode="decimal" required defaultValue={actionData?.values.amount} />
              </div>
              <div className={errors.recipient ? 'field field--invalid' : 'field'}>
                <label htmlFor="recipient">Who receives it</label>
                {errors.recipient ? <p className="field-error">{errors.recipient}</p> : null}
                <input id="recipient" name="recipient" required maxLength={200} defaultValue={actionData?.values.recipient} />
              </div>
              <div className={errors.purpose ? 'field field--invalid' : 'field'}>
                <label htmlFor="purpose">What it is for</label>
                {errors.purpose ? <p className="field-error">{errors.purpose}</p> : null}
                <textarea id="purpose" name="purpose" required minLength={10} maxLength={2000} rows={3} defaultValue={actionData?.values.purpose} />
              </div>
              <button type="submit" className="button">
                Ask a steward to approve it
              </button>
            </Form>
          </details>
        ) : null}
      </section>

      <section aria-labelledby="audit-title">
        <h2 id="audit-title">Audit trail</h2>
        {audit.length === 0 ? (
          <p className="muted">No requests or decisions yet.</p>
        ) : (
          <ul className="audit">
            {audit.map((a) => (
              <li key={a.id}>
                <When iso={a.createdAt} /> — {a.actor ?? 'the marketplace'}: {a.action.replace(/_/g, ' ')}. <span className="muted">{a.detail}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <p>
        <Link to="/">← Back to the catalog</Link>
      </p>
    </article>
  )
}
