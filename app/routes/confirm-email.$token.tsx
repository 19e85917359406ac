import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { Notice } from '~/components/form'
import { getDb } from '~/lib/db.server'
import { domain } from '~/lib/http.server'
import { getOptionalUser } from '~/lib/session.server'
import { confirmEmail } from '~/modules/accounts/accounts.server'

export const meta: MetaFunction = () => [{ title: 'Confirm your email address · Solidarity Market' }]

/** A confirmation token: 32 random bytes, base64url. Anything else cannot be one. */
const Token = z.string().regex(/^[A-Za-z0-9_-]{43}$/)

const statusOf = { confirmed: 200, already_used: 409, expired: 410 } as const

// The link in the mail: opening it confirms the address (no log-in needed; the token is the proof).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const token = Token.safeParse(params.token)
  if (!token.success) throw data('This confirmation link is not one we sent. Check that you copied all of it.', { status: 404 })
  const result = await domain(() => confirmEmail(getDb(), token.data))
  const user = await getOptionalUser(request)
  return data({ ...result, signedIn: user !== null }, { status: statusOf[result.outcome] })
}

export default function ConfirmEmailLink() {
  const { outcome, email, signedIn } = useLoaderData<typeof loader>()
  return (
    <section className="form-page" aria-labelledby="confirmed-title">
      {outcome === 'confirmed' ? (
        <>
          <h1 id="confirmed-title">Your address is confirmed</h1>
          <Notice tone="success">Thank you: {email} is confirmed.</Notice>
          <p>You can now accept invitations to join an organisation, attest and challenge organisations, and be appointed a steward.</p>
        </>
      ) : outcome === 'already_used' ? (
        <>
          <h1 id="confirmed-title">This link was already used</h1>
          <Notice tone="info">This confirmation link has been used before; a link works once. If it was you, {email} is confirmed already.</Notice>
        </>
      ) : (
        <>
          <h1 id="confirmed-title">This link has expired</h1>
          <Notice>This confirmation link for {email} has expired. Ask for a new one: it arrives in a minute.</Notice>
          <p>
            <Link to={signedIn ? '/confirm-email' : '/login?redirectTo=%2Fconfirm-email'} className="button">
              Send me a new link
            </Link>
          </p>
        </>
      )}
      <p>
        <Link to={signedIn ? '/account' : '/login'}>{signedIn ? 'Your account' : 'Log in'}</Link> · <Link to="/">Back to the catalog</Link>
      </p>
    </section>
  )
}
