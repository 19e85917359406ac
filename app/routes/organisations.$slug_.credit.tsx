import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { FormError, Notice } from '~/components/form'
import { When } from '~/components/orders'
import { Amount } from '~/components/prices'
import { CreditPayoutForm } from '~/forms/orders'
import { getDb } from '~/lib/db.server'
import { domain, formRedirect, parseForm, parseParams, readForm } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { creditStatement, requestCreditPayout } from '~/modules/orders/buyer-credit.server'
import { membershipRole, organisationBySlug } from '~/modules/organisations/membership.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? data.organisation.name : 'Organisation'} credit · Solidarity Market` }]

/** Members only: what the marketplace owes the organisation, why, and its payout requests. */
async function loadFor(request: Request, params: unknown) {
  const user = await requireUser(request)
  const { slug } = parseParams(params, Params)
  const db = getDb()
  const organisation = await domain(() => organisationBySlug(db, slug))
  const role = await membershipRole(db, user.id, organisation.id)
  if (!role) throw new Response('Only members of this organisation can see its credit.', { status: 403 })
  return { db, user, organisation, role }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, organisation, role } = await loadFor(request, params)
  return { organisation: { name: organisation.name, slug: organisation.slug }, isAdmin: role === 'admin', ...(await creditStatement(db, organisation.id)) }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { db, user, organisation } = await loadFor(request, params)
  const form = parseForm(await readForm(request), CreditPayoutForm)
  if (!form.ok) return form.reply
  return formRedirect(
    form.values,
    () => requestCreditPayout(db, user.id, organisation.id, form.data),
    `/organisations/${organisation.slug}/credit?notice=requested`,
  )
}

const movementWord: Record<string, string> = {
  reciprocity_credit: 'Access fee credited back',
  credit_applied: 'Paid an order',
  credit_paid_out: 'Paid out',
}
const statusWord = { requested: 'Awaiting a steward', approved: 'Paid out', rejected: 'Rejected' } as const

export default function OrganisationCredit() {
  const { organisation, isAdmin, balances, movements, payouts } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const errors: Partial<Record<string, string>> = actionData?.fieldErrors ?? {}
  const payable = balances.filter((b) => b.available.amount > 0)
  return (
    <article aria-labelledby="credit-title" className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}/manage`}>{organisation.name}</Link> <span aria-hidden="true">›</span> <span>Credit</span>
      </nav>
      <h1 id="credit-title">What the marketplace owes {organisation.name}</h1>
      {params.get('notice') === 'requested' ? (
        <Notice tone="success">
          Payout requested. A steward who is not one of your members approves it; until then the amount is held back from your checkouts.
        </Notice>
      ) : null}
      {balances.length === 0 ? (
        <p className="muted">
          Nothing is owed to {organisation.name}. A credit appears here when access fees it paid come back to it, for example once its commons legal form is
          attested.
        </p>
      ) : (
        <dl className="facts">
          {balances.map((b) => (
            <div key={b.owed.currency}>
              <dt>Owed in {b.owed.currency}</dt>
              <dd>
                <Amount value={b.owed} />
                {b.requested.amount > 0 ? (
                  <span className="muted small">
                    {' '}
                    (<Amount value={b.requested} /> asked to be paid out)
                  </span>
                ) : null}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {payable.length > 0 ? (
        <p>
          It pays {organisation.name}’s next checkout automatically, before any card or transfer: buy for {organisation.name} and the receipt shows it.
        </p>
      ) : null}

      {isAdmin && payable.length > 0 ? (
        <section aria-labelledby="payout-title" className="form-panel">
          <h2 id="payout-title">Ask for it to be paid out instead</h2>
          <Form method="post" className="form">
            <FormError message={actionData?.formError} />
            {payable.length === 1 ? (
              <input type="hidden" name="currency" value={payable[0]!.available.currency} />
            ) : (
              <div className="field">
                <label htmlFor="currency">Currency</label>
                <select id="currency" name="currency" defaultValue={actionData?.values.currency}>
                  {payable.map((b) => (
                    <option key={b.available.currency} value={b.available.currency}>
                      {b.available.currency}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <div className={errors.amount ? 'field field--invalid' : 'field'}>
              <label htmlFor="amount">Amount ({payable.map((b) => b.available.currency).join(' or ')})</label>
              {errors.amount ? <p className="field-error">{errors.amount}</p> : null}
              <input
                id="amount"
                name="amount"
                inputMode="decimal"
                required
                maxLength={20}
                defaultValue={actionData?.values.amount}
                aria-describedby="amount-hint"
              />
              <p id="amount-hint" className="muted small">
                At most{' '}
                {payable.map((b, i) => (
                  <span key={b.available.currency}>
                    {i > 0 ? ' or ' : null}
                    <Amount value={b.available} />
                  </span>
                ))}
                .
              </p>
            </div>
            <div className={errors.payTo ? 'field field--invalid' : 'field'}>
              <label htmlFor="payTo">Pay to (account holder and IBAN or account number)</label>
              {errors.payTo ? <p className="field-error">{errors.payTo}</p> : null}
              <input id="payTo" name="payTo" required minLength={5} maxLength={300} defaultValue={actionData?.values.payTo} />
            </div>
            <button type="submit" className="button">
              Ask a steward to pay it out
            </button>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="payouts-title">
        <h2 id="payouts-title">Payout requests</h2>
        {payouts.length === 0 ? (
          <p className="muted">No payout asked for.</p>
        ) : (
          <ul className="plain-list">
            {payouts.map((p) => (
              <li key={p.id}>
                <Amount value={p.amount} /> to {p.payTo}: <strong>{statusWord[p.status]}</strong> (asked <When iso={p.requestedAt} />
                {p.decidedAt ? (
                  <>
                    , decided <When iso={p.decidedAt} />
                  </>
                ) : null}
                ){p.decisionReason ? <span className="muted"> — {p.decisionReason}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="movements-title">
        <h2 id="movements-title">Why: every movement</h2>
        {movements.length === 0 ? (
          <p className="muted">No movements yet.</p>
        ) : (
          <ul className="plain-list">
            {movements.map((m) => (
              <li key={m.id}>
                <When iso={m.at} /> · {m.reversal ? 'Undone' : (movementWord[m.kind] ?? 'Movement')}: <Amount value={m.change} />{' '}
                <span className="muted">— {m.why}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <p>
        <Link to="/account">← Your account</Link>
      </p>
    </article>
  )
}
