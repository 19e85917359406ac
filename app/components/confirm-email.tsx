import { Form, useSearchParams } from '@remix-run/react'

/**
 * The "confirm your address" notice, with a button that mails a new link (a plain form post:
 * it works without JavaScript). Shown wherever an unconfirmed account meets something it cannot
 * do yet.
 */
export function ConfirmEmailNotice({ email, redirectTo }: { email: string; redirectTo?: string }) {
  const [params] = useSearchParams()
  const sent = params.get('notice') === 'confirmation-sent'
  return (
    <div className="notice notice--info confirm-email" role="status">
      <p>
        <strong>Confirm your email address.</strong> We sent a link to <strong>{email}</strong>. Until you open it you can browse and buy for yourself, but you
        cannot join an organisation, attest or challenge one, or become a steward.
      </p>
      {sent ? <p>A new link is on its way to {email}; it replaces the ones sent before.</p> : null}
      <Form method="post" action="/confirm-email" className="form--inline">
        <input type="hidden" name="intent" value="resend" />
        {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
        <button type="submit" className="button button--secondary">
          Send me a new link
        </button>
      </Form>
    </div>
  )
}
