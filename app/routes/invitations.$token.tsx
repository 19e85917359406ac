import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { ConfirmEmailNotice } from '~/components/confirm-email'
import { FormError } from '~/components/form'
import { useTranslation } from 'react-i18next'
import { TransText } from '~/components/orders'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { domain, parseParams, formDomain } from '~/lib/http.server'
import { getOptionalUser, requireUser } from '~/lib/session.server'
import { acceptInvitation, invitationByToken } from '~/modules/organisations/membership.server'

const Params = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) })

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'account')('invitation.metaTitle'))

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = parseParams(params, Params)
  const [user, invitation] = await Promise.all([getOptionalUser(request), domain(() => invitationByToken(getDb(), token))])
  return {
    user: user ? { email: user.email, emailConfirmed: user.emailConfirmed } : null,
    invitation: {
      organisationName: invitation.organisationName,
      role: invitation.role,
      email: invitation.email,
      usable: invitation.usable,
      used: invitation.acceptedAt !== null,
    },
    path: new URL(request.url).pathname,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const { token } = parseParams(params, Params)
  const result = await formDomain({}, () => acceptInvitation(getDb(), user.id, token))
  if (!result.ok) return result.reply
  return redirect(`/organisations/${result.value.organisationSlug}/manage?notice=joined`)
}

export default function Invitation() {
  const { user, invitation, path } = useLoaderData<typeof loader>()
  const { t } = useTranslation('account')
  const failed = useActionData<typeof action>()
  const invited =
    invitation.role === 'admin' ? t('invitation.invitedAdmin', { email: invitation.email }) : t('invitation.invitedMember', { email: invitation.email })
  return (
    <article className="narrow" aria-labelledby="inv-title">
      <h1 id="inv-title">{t('invitation.title', { organisation: invitation.organisationName })}</h1>
      {!invitation.usable ? (
        <p>{invitation.used ? t('invitation.used') : t('invitation.expired')}</p>
      ) : user && !user.emailConfirmed && user.email.toLowerCase() === invitation.email.toLowerCase() ? (
        <>
          <p>
            {invited} {t('invitation.confirmFirst')}
          </p>
          <ConfirmEmailNotice email={user.email} redirectTo={path} />
        </>
      ) : user ? (
        <Form method="post" className="form">
          <p>{invited}</p>
          <FormError message={failed?.formError} />
          <button type="submit" className="button">
            {t('invitation.accept')}
          </button>
        </Form>
      ) : (
        <p>
          <TransText
            i18nKey="invitation.logInFirst"
            t={t}
            values={{ email: invitation.email }}
            components={{
              login: <Link to={`/login?redirectTo=${encodeURIComponent(path)}`} />,
              signup: <Link to={`/signup?redirectTo=${encodeURIComponent(path)}`} />,
            }}
          />
        </p>
      )}
      <p>
        <Link to="/">{t('common:nav.backToCatalog')}</Link>
      </p>
    </article>
  )
}
