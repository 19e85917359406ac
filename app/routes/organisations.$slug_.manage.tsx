import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { Trans, useTranslation } from 'react-i18next'
import { z } from 'zod'
import { claimKinds, legalForms, surplusPolicies } from '../../db/schema'
import { EvidenceBadge, LegalFormBadge } from '~/components/badges'
import { FormError, Notice } from '~/components/form'
import { ReciprocityBadge, useBecause } from '~/components/reciprocity'
import { getDb } from '~/lib/db.server'
import { useFormat } from '~/i18n/format'
import { useLabels } from '~/i18n/labels'
import { useMessage } from '~/i18n/messages'
import { metaT, pageTitle } from '~/i18n/meta'
import { workspaceForm } from '~/forms/organisations'
import { dispatchForm, domain, formRedirect, parseParams, readForm } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { FactsForm, updateOrganisationFacts } from '~/modules/organisations/facts.server'
import { inviteMember, organisationBySlug } from '~/modules/organisations/membership.server'
import { organisationWorkspace } from '~/modules/organisations/workspace.server'
import { submitEvidence } from '~/modules/orders/reclassification.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches, 'organisation')
  return pageTitle(matches, t('manage.metaTitle', { name: data ? data.organisation.name : t('common.organisation') }))
}

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

const noticeKeys = ['created', 'facts', 'evidence', 'invited'] as const
type NoticeKey = (typeof noticeKeys)[number]
const isNotice = (value: string | null): value is NoticeKey => noticeKeys.includes(value as NoticeKey)

export default function Workspace() {
  const { t } = useTranslation('organisation')
  const labels = useLabels()
  const f = useFormat()
  const message = useMessage()
  const because = useBecause()
  const w = useLoaderData<typeof loader>()
  const failed = useActionData<typeof action>()
  const [search] = useSearchParams()
  const noticeKey = search.get('created') ? 'created' : search.get('notice')
  const notice = isNotice(noticeKey) ? t(`manage.notices.${noticeKey}`) : null
  const org = w.organisation
  const admin = w.role === 'admin'
  const errorFor = (intent: string) => (failed?.values.intent === intent ? failed.formError : null)
  const v = failed?.values ?? {}
  const yesNo = (flag: 0 | 1 | null) => (flag === null ? '' : flag ? 'yes' : 'no')
  const roleWord = (role: string) => (role === 'admin' || role === 'member' ? t(`manage.members.role.${role}`) : role)
  return (
    <article aria-labelledby="ws-title">
      <nav aria-label={t('common.breadcrumb')} className="breadcrumb">
        <Link to="/account">{t('common.yourAccount')}</Link> <span aria-hidden="true">›</span> <span>{org.name}</span>
      </nav>
      <h1 id="ws-title">{org.name}</h1>
      <p>
        <LegalFormBadge legalForm={org.legalForm} />{' '}
        <span className="muted">
          <Trans
            t={t}
            i18nKey="manage.status"
            values={{
              evidence: w.legalFormEvidence ? labels.evidenceLevel(w.legalFormEvidence) : t('manage.notEvidenced'),
              role: w.role === 'admin' ? t('manage.anAdmin') : t('manage.aMember'),
            }}
            components={{
              public: <Link to={`/organisations/${org.slug}`} />,
              listings: <Link to={`/organisations/${org.slug}/listings`} />,
              orders: <Link to={`/organisations/${org.slug}/orders`} />,
              sales: <Link to={`/organisations/${org.slug}/dashboard`} />,
              credit: <Link to={`/organisations/${org.slug}/credit`} />,
            }}
          />
        </span>
      </p>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <p>
        <Trans
          t={t}
          i18nKey="manage.buyingAs"
          values={{ name: org.name, because: because(w.buyingAs.reason) }}
          components={{ badge: <ReciprocityBadge decision={w.buyingAs} /> }}
        />
      </p>

      {admin ? (
        <section aria-labelledby="facts-title">
          <h2 id="facts-title">{t('manage.facts.title')}</h2>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="facts" />
            <FormError message={errorFor('facts')} />
            <div className="field-row">
              <label className="field">
                {t('manage.facts.legalForm')}
                <select name="legalForm" defaultValue={v.legalForm ?? org.legalForm}>
                  {legalForms.map((form) => (
                    <option key={form} value={form}>
                      {labels.legalForm(form)}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                {t('manage.facts.oneMemberOneVote')}
                <select name="oneMemberOneVote" defaultValue={v.oneMemberOneVote ?? yesNo(org.oneMemberOneVote)}>
                  <option value="">{t('manage.facts.notStated')}</option>
                  <option value="yes">{t('manage.facts.yes')}</option>
                  <option value="no">{t('manage.facts.no')}</option>
                </select>
              </label>
              <label className="field">
                {t('manage.facts.members')}
                <input name="memberCount" inputMode="numeric" defaultValue={v.memberCount ?? org.memberCount ?? ''} />
              </label>
            </div>
            <div className="field-row">
              <label className="field">
                {t('manage.facts.surplus')}
                <select name="surplusPolicy" defaultValue={v.surplusPolicy ?? org.surplusPolicy ?? ''}>
                  <option value="">{t('manage.facts.notStated')}</option>
                  {surplusPolicies.map((p) => (
                    <option key={p} value={p}>
                      {labels.surplusPolicy(p)}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                {t('manage.facts.payRatio')}
                <input
                  name="payRatio"
                  inputMode="decimal"
                  defaultValue={v.payRatio ?? org.payRatio ?? ''}
                  placeholder={t('manage.facts.payRatioPlaceholder')}
                />
              </label>
              <label className="field">
                {t('manage.facts.openBooks')}
                <select name="openBooks" defaultValue={v.openBooks ?? yesNo(org.openBooks)}>
                  <option value="">{t('manage.facts.notStated')}</option>
                  <option value="yes">{t('manage.facts.yes')}</option>
                  <option value="no">{t('manage.facts.no')}</option>
                </select>
              </label>
            </div>
            <p className="muted small">{t('manage.facts.hint')}</p>
            <button type="submit" className="button">
              {t('manage.facts.save')}
            </button>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="claims-title">
        <h2 id="claims-title">{t('manage.claims.title')}</h2>
        {admin ? (
          <details className="form-panel" open={failed?.values.intent === 'evidence'}>
            <summary>{t('manage.claims.submitSummary')}</summary>
            <Form method="post" className="form">
              <input type="hidden" name="intent" value="evidence" />
              <FormError message={errorFor('evidence')} />
              <div className="field-row">
                <label className="field">
                  {t('manage.claims.whatYouClaim')}
                  <select name="claim" defaultValue={v.claim ?? 'legal_form'}>
                    {claimKinds
                      .filter((c) => c !== 'forced_labour_finding')
                      .map((c) => (
                        <option key={c} value={c}>
                          {labels.claim(c)}
                        </option>
                      ))}
                  </select>
                </label>
                <label className="field">
                  {t('manage.claims.value')}
                  <input name="value" required maxLength={200} defaultValue={v.value ?? org.legalForm} />
                </label>
              </div>
              <label className="field">
                {t('manage.claims.source')}
                <input name="source" required maxLength={500} defaultValue={v.source} placeholder={t('manage.claims.sourcePlaceholder')} />
              </label>
              <div className="field-row">
                <label className="field">
                  {t('manage.claims.link')} <span className="muted">{t('common.optional')}</span>
                  <input name="sourceUrl" type="url" maxLength={500} defaultValue={v.sourceUrl} placeholder={t('manage.claims.linkPlaceholder')} />
                </label>
                <label className="field">
                  {t('manage.claims.validUntil')} <span className="muted">{t('manage.claims.validUntilHint')}</span>
                  <input name="expiresOn" type="date" defaultValue={v.expiresOn} />
                </label>
              </div>
              <button type="submit" className="button">
                {t('manage.claims.submit')}
              </button>
            </Form>
          </details>
        ) : null}
        {w.claims.length === 0 ? (
          <p className="muted">{t('manage.claims.none')}</p>
        ) : (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('manage.claims.claim')}</th>
                  <th scope="col">{t('manage.claims.evidence')}</th>
                  <th scope="col">{t('manage.claims.sourceColumn')}</th>
                  <th scope="col">{t('manage.claims.status')}</th>
                </tr>
              </thead>
              <tbody>
                {w.claims.map((c) => (
                  <tr key={c.id} id={`evidence-${c.id}`}>
                    <th scope="row">{t('manage.claims.claimWithValue', { claim: labels.claim(c.claim), value: labels.claimValue(c.claim, c.value) })}</th>
                    <td>
                      <EvidenceBadge level={c.effectiveLevel} expired={c.effectiveLevel !== c.evidenceLevel} />
                    </td>
                    <td>{c.source}</td>
                    <td>
                      {c.status === 'overturned'
                        ? t('manage.claims.overturned')
                        : c.reviewStatus === 'requested'
                          ? t('manage.claims.awaitingReview')
                          : c.reviewStatus === 'rejected'
                            ? t('manage.claims.reviewRejected')
                            : t('manage.claims.active')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="attest-title">
        <h2 id="attest-title">{t('manage.attestations.title')}</h2>
        <p className="muted small">{t('manage.attestations.intro')}</p>
        {w.attestations.length === 0 ? (
          <p className="muted">{t('manage.attestations.none')}</p>
        ) : (
          <ul className="plain-list">
            {w.attestations.map((a) => (
              <li key={a.id}>
                <Link to={`/organisations/${a.attesterSlug}`}>{a.attesterName}</Link>
                {t('manage.attestations.statement', { statement: a.statement })}{' '}
                <span className="muted">
                  {a.current
                    ? t('manage.attestations.validUntil', { date: f.date(a.expiresAt) })
                    : a.retiredReason
                      ? t(`manage.attestations.retired.${a.retiredReason}`)
                      : t('manage.attestations.expired')}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="members-title">
        <h2 id="members-title">{t('manage.members.title')}</h2>
        <ul className="plain-list">
          {w.members.map((m) => (
            <li key={m.id}>
              <Trans
                t={t}
                i18nKey="manage.members.withRole"
                values={{ name: m.displayName, role: roleWord(m.role) }}
                components={{ muted: <span className="muted" /> }}
              />
            </li>
          ))}
        </ul>
        {admin ? (
          <>
            {w.invitations.length ? (
              <p className="muted small">
                {t('manage.members.invited', {
                  list: w.invitations.map((i) => t('manage.members.invitation', { email: i.email, role: roleWord(i.role) })).join(', '),
                })}
              </p>
            ) : null}
            <Form method="post" className="form form--inline">
              <input type="hidden" name="intent" value="invite" />
              <FormError message={errorFor('invite')} />
              <label className="field">
                {t('manage.members.inviteByEmail')}
                <input name="email" type="email" required maxLength={254} defaultValue={v.email} />
              </label>
              <label className="field">
                {t('manage.members.roleLabel')}
                <select name="role" defaultValue={v.role ?? 'member'}>
                  <option value="member">{t('manage.members.roleMember')}</option>
                  <option value="admin">{t('manage.members.roleAdmin')}</option>
                </select>
              </label>
              <button type="submit" className="button">
                {t('manage.members.send')}
              </button>
            </Form>
          </>
        ) : null}
      </section>

      <section aria-labelledby="audit-title">
        <h2 id="audit-title">{t('manage.audit.title')}</h2>
        {w.audit.length === 0 ? (
          <p className="muted">{t('manage.audit.none')}</p>
        ) : (
          <ol className="audit">
            {w.audit.map((e) => (
              <li key={e.id}>
                <time dateTime={e.createdAt}>{f.dateTime(e.createdAt)}</time> <strong>{t(`manage.audit.action.${e.action}`, { defaultValue: e.label })}</strong>
                {e.actorName ? <span className="muted">{t('manage.audit.by', { name: e.actorName })}</span> : null}
                {e.detail ? <span>: {message(e.detail)}</span> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </article>
  )
}
