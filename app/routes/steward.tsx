import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { EvidenceBadge } from '~/components/badges'
import { FormError, Notice } from '~/components/form'
import { TransText } from '~/components/orders'
import { StewardForm } from '~/forms/steward'
import { useFormat } from '~/i18n/format'
import { useLabels } from '~/i18n/labels'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { pendingDisbursements } from '~/modules/funds/disbursements.server'
import { resolveChallenge } from '~/modules/orders/back-charge.server'
import { decideCreditPayout, pendingCreditPayouts } from '~/modules/orders/buyer-credit.server'
import { getStripe } from '~/lib/stripe.server'
import { dispatchForm, formRedirect, readForm, type FormReply } from '~/lib/http.server'
import { requireSteward } from '~/lib/session.server'
import { criteria } from '~/modules/scoring/rules'
import { listRules, publishRules } from '~/modules/scoring/scores.server'
import { reviewEvidence } from '~/modules/orders/reclassification.server'
import { stewardQueue } from '~/modules/verification/evidence-review.server'
import { decideStewardProposal, openStewardProposals, proposeSteward } from '~/modules/accounts/stewards.server'

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'steward')('title'))

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
    { above: 'all' },
  )
}

/** The notices a redirect after a decision names, each with its key under `notices`. */
const noticeKeys: Record<string, string> = {
  reviewed: 'reviewed',
  decided: 'decided',
  proposed: 'proposed',
  appointed: 'appointed',
  'not-appointed': 'notAppointed',
  published: 'published',
  'credit-paid': 'creditPaid',
  'credit-refused': 'creditRefused',
}

function Decision({ intent, id, options, failed }: { intent: string; id: number; options: [string, string][]; failed: FormReply | undefined }) {
  const { t } = useTranslation('steward')
  const mine = failed?.values.intent === intent && failed.values.id === String(id)
  return (
    <Form method="post" className="form form--inline">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      {mine ? <FormError message={failed.formError} /> : null}
      <label className="field">
        {t('decision.reason')}
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
  const { t } = useTranslation('steward')
  const f = useFormat()
  const labels = useLabels()
  const queue = useLoaderData<typeof loader>()
  const failed = useActionData<typeof action>()
  const [search] = useSearchParams()
  const noticeKey = noticeKeys[search.get('notice') ?? '']
  return (
    <article aria-labelledby="desk-title">
      <h1 id="desk-title">{t('title')}</h1>
      {noticeKey ? <Notice tone="success">{t(`notices.${noticeKey}`)}</Notice> : null}
      <section aria-labelledby="disbursements-title">
        <h2 id="disbursements-title">{t('payouts.title', { count: queue.disbursements.length })}</h2>
        {queue.disbursements.length === 0 ? (
          <p className="muted">{t('payouts.empty')}</p>
        ) : (
          <ul className="queue">
            {queue.disbursements.map((d) => (
              <li key={d.id}>
                <Link to={`/funds/${d.fundSlug}#disbursements`}>
                  {t('payouts.item', { fund: d.fund, amount: f.money(d.amount, d.currency), recipient: d.recipient })}
                </Link>{' '}
                <span className="muted small">{t('payouts.askedBy', { name: d.requester })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="credit-payouts-title">
        <h2 id="credit-payouts-title">{t('credits.title', { count: queue.creditPayouts.length })}</h2>
        {queue.creditPayouts.length === 0 ? (
          <p className="muted">{t('credits.empty')}</p>
        ) : (
          <ul className="queue">
            {queue.creditPayouts.map((c) => (
              <li key={c.id} className="card">
                <p>
                  <TransText
                    i18nKey="credits.asks"
                    t={t}
                    values={{ organisation: c.organisation, amount: f.money(c.amount.amount, c.amount.currency), payTo: c.payTo }}
                    components={{ organisation: <Link to={`/organisations/${c.organisationSlug}/credit`} />, strong: <strong /> }}
                  />
                </p>
                <p className="muted small">{t('credits.askedBy', { name: c.requester })}</p>
                {c.requestedBy === queue.me ? null : (
                  <Decision
                    intent="credit-payout"
                    id={c.id}
                    options={[
                      ['approve', t('credits.approve')],
                      ['reject', t('decision.reject')],
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
        <h2 id="evidence-title">{t('evidence.title', { count: queue.evidence.length })}</h2>
        {queue.evidence.length === 0 ? (
          <p className="muted">{t('evidence.empty')}</p>
        ) : (
          <ul className="queue">
            {queue.evidence.map((e) => (
              <li key={e.id} className="card">
                <p>
                  <TransText
                    i18nKey="evidence.claims"
                    t={t}
                    values={{ organisation: e.organisationName, claim: labels.claim(e.claim), value: labels.claimValue(e.claim, e.value) }}
                    components={{ organisation: <Link to={`/organisations/${e.organisationSlug}`} />, strong: <strong /> }}
                  />
                </p>
                <p className="small">
                  <TransText
                    i18nKey="evidence.source"
                    t={t}
                    values={{ source: e.source, date: f.date(e.createdAt) }}
                    components={{ origin: e.sourceUrl ? <a href={e.sourceUrl} rel="nofollow noopener" /> : <span /> }}
                  />
                </p>
                <Decision
                  intent="review"
                  id={e.id}
                  options={[
                    ['approve', t('evidence.verify')],
                    ['reject', t('decision.reject')],
                  ]}
                  failed={failed}
                />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="challenges-title">
        <h2 id="challenges-title">{t('challenges.title', { count: queue.challenges.length })}</h2>
        {queue.challenges.length === 0 ? (
          <p className="muted">{t('challenges.empty')}</p>
        ) : (
          <ul className="queue">
            {queue.challenges.map((c) => (
              <li key={c.id} className="card">
                <p>
                  <TransText
                    i18nKey="challenges.item"
                    t={t}
                    values={{
                      challenger: c.challengerName,
                      organisation: c.organisationName,
                      claim: labels.claim(c.claim),
                      value: labels.claimValue(c.claim, c.value),
                    }}
                    components={{ organisation: <Link to={`/organisations/${c.organisationSlug}`} />, strong: <strong /> }}
                  />{' '}
                  <EvidenceBadge level={c.evidenceLevel} />
                </p>
                <blockquote>{c.reason}</blockquote>
                <Decision
                  intent="challenge"
                  id={c.id}
                  options={[
                    ['uphold', t('challenges.uphold')],
                    ['dismiss', t('challenges.dismiss')],
                  ]}
                  failed={failed}
                />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="rules-title">
        <h2 id="rules-title">{t('rules.title')}</h2>
        <p className="muted small">{t('rules.intro')}</p>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('rules.version')}</th>
                {criteria.map((c) => (
                  <th key={c} scope="col">
                    {t(`catalog:criteria.${c}`)}
                  </th>
                ))}
                <th scope="col">{t('rules.published')}</th>
              </tr>
            </thead>
            <tbody>
              {queue.rules.map((r) => (
                <tr key={r.version}>
                  <th scope="row">{t('rules.versionNumber', { version: r.version })}</th>
                  {criteria.map((c) => (
                    <td key={c} className="num">
                      {r.weights[c]}
                    </td>
                  ))}
                  <td>
                    {t('rules.publishedBy', { date: f.date(r.publishedAt), name: r.publishedBy })}
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
                {t(`catalog:criteria.${c}`)}
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
            {t('rules.note')}
            <input name="note" maxLength={500} defaultValue={failed?.values.intent === 'rules' ? failed.values.note : ''} />
          </label>
          <p className="muted small">{t('rules.hint')}</p>
          <button type="submit" className="button">
            {t('rules.publish')}
          </button>
        </Form>
      </section>
      <section aria-labelledby="grant-title">
        <h2 id="grant-title">{t('appoint.title')}</h2>
        <p className="muted small">{t('appoint.intro')}</p>
        {queue.proposals.length === 0 ? (
          <p className="muted">{t('appoint.empty')}</p>
        ) : (
          <ul className="queue">
            {queue.proposals.map((p) => {
              const mine = failed?.values.intent === 'appoint' && failed.values.id === String(p.id)
              return (
                <li key={p.id} className="card">
                  <p>
                    <TransText
                      i18nKey="appoint.proposal"
                      t={t}
                      values={{ name: p.displayName, email: p.email, proposer: p.proposerName, date: f.date(p.proposedAt) }}
                      components={{ strong: <strong /> }}
                    />
                  </p>
                  <blockquote>{p.reason}</blockquote>
                  {p.proposedBy === queue.me ? (
                    <p className="muted small">{t('appoint.yours')}</p>
                  ) : (
                    <Form method="post" className="form form--inline">
                      <input type="hidden" name="intent" value="appoint" />
                      <input type="hidden" name="id" value={p.id} />
                      {mine ? <FormError message={failed.formError} /> : null}
                      <button type="submit" name="decision" value="approve" className="button">
                        {t('appoint.approve')}
                      </button>
                      <button type="submit" name="decision" value="reject" className="button button--secondary">
                        {t('decision.reject')}
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
            {t('appoint.email')}
            <input
              name="email"
              type="email"
              required
              maxLength={254}
              defaultValue={failed?.values.intent === 'propose-steward' ? failed.values.email : undefined}
            />
          </label>
          <label className="field">
            {t('appoint.reason')}
            <input
              name="reason"
              required
              minLength={5}
              maxLength={1000}
              defaultValue={failed?.values.intent === 'propose-steward' ? failed.values.reason : undefined}
            />
          </label>
          <button type="submit" className="button">
            {t('appoint.propose')}
          </button>
        </Form>
      </section>
    </article>
  )
}
