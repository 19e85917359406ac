import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { Trans, useTranslation } from 'react-i18next'
import { z } from 'zod'
import { FormError, Notice } from '~/components/form'
import { When } from '~/components/orders'
import { Amount } from '~/components/prices'
import { CreditPayoutForm } from '~/forms/orders'
import { getDb } from '~/lib/db.server'
import { useMessage } from '~/i18n/messages'
import { metaT, pageTitle } from '~/i18n/meta'
import { domain, formRedirect, parseForm, parseParams, readForm } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { creditStatement, requestCreditPayout } from '~/modules/orders/buyer-credit.server'
import { membershipRole, organisationBySlug } from '~/modules/organisations/membership.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches, 'organisation')
  return pageTitle(matches, t('credit.metaTitle', { name: data ? data.organisation.name : t('common.organisation') }))
}

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

const movementKinds = ['reciprocity_credit', 'credit_applied', 'credit_paid_out'] as const
type MovementKind = (typeof movementKinds)[number]
const isMovementKind = (kind: string): kind is MovementKind => movementKinds.includes(kind as MovementKind)

export default function OrganisationCredit() {
  const { t } = useTranslation('organisation')
  const message = useMessage()
  const { organisation, isAdmin, balances, movements, payouts } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const errors: Partial<Record<string, string>> = actionData?.fieldErrors ?? {}
  const payable = balances.filter((b) => b.available.amount > 0)
  const name = organisation.name
  return (
    <article aria-labelledby="credit-title" className="narrow">
      <nav aria-label={t('common.breadcrumb')} className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}/manage`}>{name}</Link> <span aria-hidden="true">›</span> <span>{t('credit.crumb')}</span>
      </nav>
      <h1 id="credit-title">{t('credit.title', { name })}</h1>
      {params.get('notice') === 'requested' ? <Notice tone="success">{t('credit.requested')}</Notice> : null}
      {balances.length === 0 ? (
        <p className="muted">{t('credit.nothingOwed', { name })}</p>
      ) : (
        <dl className="facts">
          {balances.map((b) => (
            <div key={b.owed.currency}>
              <dt>{t('credit.owedIn', { currency: b.owed.currency })}</dt>
              <dd>
                <Amount value={b.owed} />
                {b.requested.amount > 0 ? (
                  <span className="muted small">
                    {' '}
                    <Trans t={t} i18nKey="credit.askedToBePaidOut" components={{ amount: <Amount value={b.requested} /> }} />
                  </span>
                ) : null}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {payable.length > 0 ? <p>{t('credit.paysNextCheckout', { name })}</p> : null}

      {isAdmin && payable.length > 0 ? (
        <section aria-labelledby="payout-title" className="form-panel">
          <h2 id="payout-title">{t('credit.payoutTitle')}</h2>
          <Form method="post" className="form">
            <FormError message={actionData?.formError} />
            {payable.length === 1 ? (
              <input type="hidden" name="currency" value={payable[0]!.available.currency} />
            ) : (
              <div className="field">
                <label htmlFor="currency">{t('credit.currency')}</label>
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
              <label htmlFor="amount">{t('credit.amount', { currencies: payable.map((b) => b.available.currency).join(t('credit.or')) })}</label>
              {errors.amount ? <p className="field-error">{message(errors.amount)}</p> : null}
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
                <Trans
                  t={t}
                  i18nKey="credit.atMost"
                  components={{
                    amounts: (
                      <>
                        {payable.map((b, i) => (
                          <span key={b.available.currency}>
                            {i > 0 ? t('credit.or') : null}
                            <Amount value={b.available} />
                          </span>
                        ))}
                      </>
                    ),
                  }}
                />
              </p>
            </div>
            <div className={errors.payTo ? 'field field--invalid' : 'field'}>
              <label htmlFor="payTo">{t('credit.payTo')}</label>
              {errors.payTo ? <p className="field-error">{message(errors.payTo)}</p> : null}
              <input id="payTo" name="payTo" required minLength={5} maxLength={300} defaultValue={actionData?.values.payTo} />
            </div>
            <button type="submit" className="button">
              {t('credit.submit')}
            </button>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="payouts-title">
        <h2 id="payouts-title">{t('credit.payoutsTitle')}</h2>
        {payouts.length === 0 ? (
          <p className="muted">{t('credit.noPayouts')}</p>
        ) : (
          <ul className="plain-list">
            {payouts.map((p) => (
              <li key={p.id}>
                <Trans
                  t={t}
                  i18nKey={p.decidedAt ? 'credit.payoutDecided' : 'credit.payout'}
                  values={{ payTo: p.payTo, status: t(`credit.payoutStatus.${p.status}`) }}
                  components={{
                    amount: <Amount value={p.amount} />,
                    status: <strong />,
                    asked: <When iso={p.requestedAt} />,
                    decided: p.decidedAt ? <When iso={p.decidedAt} /> : <></>,
                  }}
                />
                {p.decisionReason ? <span className="muted"> — {message(p.decisionReason)}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="movements-title">
        <h2 id="movements-title">{t('credit.movementsTitle')}</h2>
        {movements.length === 0 ? (
          <p className="muted">{t('credit.noMovements')}</p>
        ) : (
          <ul className="plain-list">
            {movements.map((m) => (
              <li key={m.id}>
                <When iso={m.at} /> ·{' '}
                {m.reversal ? t('credit.movement.undone') : isMovementKind(m.kind) ? t(`credit.movement.${m.kind}`) : t('credit.movement.other')}:{' '}
                <Amount value={m.change} /> <span className="muted">— {message(m.why)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <p>
        <Link to="/account">{t('credit.backToAccount')}</Link>
      </p>
    </article>
  )
}
