import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { ConfirmEmailNotice } from '~/components/confirm-email'
import { FormError } from '~/components/form'
import { getDb } from '~/lib/db.server'
import { domain, parseParams, formDomain } from '~/lib/http.server'
import { getOptionalUser, requireUser } from '~/lib/session.server'
import { acceptInvitation, invitationByToken } from '~/modules/organisations/membership.server'

const Params = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) })

export const meta: MetaFunction = () => [{ title: 'Invitation · Solidarity Market' }]

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
  const failed = useActionData<typeof action>()
  return (
    <article className="narrow" aria-labelledby="inv-title">
      <h1 id="inv-title">Join {invitation.organisationName}</h1>
      {!invitation.usable ? (
        <p>{invitation.used ? 'This invitation has already been used.' : 'This invitation has expired. Ask the organisation for a new one.'}</p>
      ) : user && !user.emailConfirmed && user.email.toLowerCase() === invitation.email.toLowerCase() ? (
        <>
          <p>
            You are invited as {invitation.role === 'admin' ? 'an admin' : 'a member'} ({invitation.email}). Confirm your address first, then come back to this
            page to accept.
          </p>
          <ConfirmEmailNotice email={user.email} redirectTo={path} />
        </>
      ) : user ? (
        <Form method="post" className="form">
          <p>
            You are invited as {invitation.role === 'admin' ? 'an admin' : 'a member'} ({invitation.email}).
          </p>
          <FormError message={failed?.formError} />
          <button type="submit" className="button">
            Accept and join
          </button>
        </Form>
      ) : (
        <p>
          This invitation is for {invitation.email}. <Link to={`/login?redirectTo=${encodeURIComponent(path)}`}>Log in</Link> or{' '}
          <Link to={`/signup?redirectTo=${encodeURIComponent(path)}`}>create an account</Link> with that address to accept it.
        </p>
      )}
      <p>
        <Link to="/">Back to the catalog</Link>
      </p>
    </article>
  )
}
