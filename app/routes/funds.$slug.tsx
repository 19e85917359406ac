import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { clock } from '~/lib/clock'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { StackedColumns } from '~/components/charts'
import { FormError, Notice } from '~/components/form'
import { TransText, When } from '~/components/orders'
import { useMessage } from '~/i18n/messages'
import { metaT, pageTitle } from '~/i18n/meta'
import { humanize } from '~/lib/labels'
import { Amount } from '~/components/prices'
import { fundForm } from '~/forms/funds'
import { getDb } from '~/lib/db.server'
import { dispatchForm, domain, formRedirect, parseParams, readForm } from '~/lib/http.server'
import { getOptionalUser, requireUser } from '~/lib/session.server'
import { decideDisbursement, isFundAdmin, requestDisbursement } from '~/modules/funds/disbursements.server'
import { fundActivity, fundBySlug, getFundSummary } from '~/modules/funds/funds.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, data ? data.fund.name : metaT(matches, 'funds')('fund.metaTitle'))

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

/** The notices a redirect after a decision names; each has a key under `notices`. */
const noticeKeys = new Set(['requested', 'approved', 'rejected'])

export default function FundPage() {
  const { t } = useTranslation('funds')
  const message = useMessage()
  const { fund, balance, inflow, outflow, movements, disbursements, audit, months, viewer, year } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const noticeKey = params.get('notice') ?? ''
  const errors = actionData?.fieldErrors ?? {}
  return (
    <article aria-labelledby="fund-title">
      <h1 id="fund-title">{fund.name}</h1>
      <p>{fund.purpose}</p>
      {fund.steward ? (
        <p className="muted">
          <TransText
            i18nKey="fund.stewardedBy"
            t={t}
            values={{ name: fund.steward.name }}
            components={{ organisation: <Link to={`/organisations/${fund.steward.slug}`} /> }}
          />
        </p>
      ) : (
        <p className="muted">{t('fund.stewardedByMarketplace')}</p>
      )}
      {noticeKeys.has(noticeKey) ? <Notice tone="success">{t(`notices.${noticeKey}`)}</Notice> : null}
      <FormError message={actionData?.formError} />
      <dl className="kpis fund-totals">
        <div>
          <dt>{t('fund.balance')}</dt>
          <dd data-testid="fund-balance">
            <Amount value={balance} />
          </dd>
        </div>
        <div>
          <dt>{t('fund.received')}</dt>
          <dd>
            <Amount value={inflow} />
          </dd>
        </div>
        <div>
          <dt>{t('fund.paidOut')}</dt>
          <dd>
            <Amount value={outflow} />
          </dd>
        </div>
      </dl>
      <p className="small">
        <TransText
          i18nKey="fund.downloads"
          t={t}
          values={{ year }}
          components={{
            csv: <a href={`/funds/${fund.slug}/movements.csv`} />,
            json: <a href={`/funds/${fund.slug}/movements.json`} />,
            report: <Link to={`/funds/${fund.slug}/report/${year}`} />,
          }}
        />
      </p>
      <div className="dashboard-grid">
        <StackedColumns
          title={t('fund.chartIn')}
          currency={fund.currency}
          periods={months.map((m) => m.month)}
          series={[{ label: t('fund.seriesIn'), className: 'series--commoner', values: months.map((m) => m.inflow) }]}
        />
        <StackedColumns
          title={t('fund.chartOut')}
          currency={fund.currency}
          periods={months.map((m) => m.month)}
          series={[{ label: t('fund.seriesOut'), className: 'series--for-profit', values: months.map((m) => m.outflow) }]}
        />
      </div>

      <section aria-labelledby="movements-title">
        <h2 id="movements-title">{t('movements.title')}</h2>
        {movements.length === 0 ? (
          <p className="empty">{t('movements.empty')}</p>
        ) : (
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">{t('movements.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('movements.when')}</th>
                  <th scope="col">{t('movements.what')}</th>
                  <th scope="col">{t('movements.amount')}</th>
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
                          {m.buyerClass
                            ? t(`movements.boughtBy.${m.buyerClass}`, { reference: m.orderReference })
                            : t('movements.order', { reference: m.orderReference })}
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
        <h2 id="disbursements">{t('disbursements.title')}</h2>
        {disbursements.length === 0 ? <p className="empty">{t('disbursements.empty')}</p> : null}
        <ul className="order-list">
          {disbursements.map((d) => (
            <li key={d.id} className="order-list__item">
              <div>
                <strong>
                  <TransText i18nKey="disbursements.to" t={t} values={{ recipient: d.recipient }} components={{ amount: <Amount value={d.amount} /> }} />
                </strong>{' '}
                <span className={`status status--${d.status === 'approved' ? 'paid' : d.status === 'requested' ? 'pending_payment' : 'cancelled'}`}>
                  {t(`disbursements.status.${d.status}`)}
                </span>
                <p className="small">{d.purpose}</p>
                <p className="muted small">
                  <TransText i18nKey="disbursements.askedBy" t={t} values={{ name: d.requestedBy.name }} components={{ when: <When iso={d.requestedAt} /> }} />
                  {d.decidedBy && d.decidedAt ? (
                    <>
                      {' · '}
                      <TransText
                        i18nKey="disbursements.decidedBy"
                        t={t}
                        values={{ name: d.decidedBy, reason: d.decisionReason ?? '' }}
                        components={{ when: <When iso={d.decidedAt} /> }}
                      />
                    </>
                  ) : null}
                </p>
              </div>
              {d.status === 'requested' && viewer?.isSteward && viewer.id !== d.requestedBy.id ? (
                <Form method="post" className="order-actions">
                  <input type="hidden" name="disbursementId" value={d.id} />
                  <label htmlFor={`reason-${d.id}`}>{t('disbursements.reason')}</label>
                  <input id={`reason-${d.id}`} name="reason" required minLength={5} maxLength={1000} />
                  <button type="submit" name="intent" value="approve" className="button">
                    {t('disbursements.approve')}
                  </button>
                  <button type="submit" name="intent" value="reject" className="button button--secondary">
                    {t('disbursements.reject')}
                  </button>
                </Form>
              ) : d.status === 'requested' && viewer?.id === d.requestedBy.id ? (
                <p className="muted small">{t('disbursements.anotherSteward')}</p>
              ) : null}
            </li>
          ))}
        </ul>
        {viewer?.isFundAdmin ? (
          <details className="form-panel" open={Boolean(actionData)}>
            <summary>{t('request.title')}</summary>
            <Form method="post" className="form">
              <input type="hidden" name="intent" value="request" />
              <div className={errors.amount ? 'field field--invalid' : 'field'}>
                <label htmlFor="amount">{t('request.amount', { currency: fund.currency })}</label>
                {errors.amount ? <p className="field-error">{message(errors.amount)}</p> : null}
                <input id="amount" name="amount" inputMode="decimal" required defaultValue={actionData?.values.amount} />
              </div>
              <div className={errors.recipient ? 'field field--invalid' : 'field'}>
                <label htmlFor="recipient">{t('request.recipient')}</label>
                {errors.recipient ? <p className="field-error">{message(errors.recipient)}</p> : null}
                <input id="recipient" name="recipient" required maxLength={200} defaultValue={actionData?.values.recipient} />
              </div>
              <div className={errors.purpose ? 'field field--invalid' : 'field'}>
                <label htmlFor="purpose">{t('request.purpose')}</label>
                {errors.purpose ? <p className="field-error">{message(errors.purpose)}</p> : null}
                <textarea id="purpose" name="purpose" required minLength={10} maxLength={2000} rows={3} defaultValue={actionData?.values.purpose} />
              </div>
              <button type="submit" className="button">
                {t('request.submit')}
              </button>
            </Form>
          </details>
        ) : null}
      </section>

      <section aria-labelledby="audit-title">
        <h2 id="audit-title">{t('audit.title')}</h2>
        {audit.length === 0 ? (
          <p className="muted">{t('audit.empty')}</p>
        ) : (
          <ul className="audit">
            {audit.map((a) => (
              <li key={a.id}>
                <When iso={a.createdAt} /> —{' '}
                {t('audit.entry', {
                  actor: a.actor ?? t('audit.marketplace'),
                  action: t(`audit.action.${a.action}`, { defaultValue: humanize(a.action).toLowerCase() }),
                })}{' '}
                <span className="muted">{a.detail}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <p>
        <Link to="/">← {t('common:nav.backToCatalog')}</Link>
      </p>
    </article>
  )
}
