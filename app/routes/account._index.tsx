import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { LegalFormBadge } from '~/components/badges'
import { BuyingAs } from '~/components/reciprocity'
import { ConfirmEmailNotice } from '~/components/confirm-email'
import { getDb } from '~/lib/db.server'
import { requireUser } from '~/lib/session.server'
import { Amount } from '~/components/prices'
import { accountOverview } from '~/modules/orders/account-overview.server'

export const meta: MetaFunction = () => [{ title: 'Your account · Solidarity Market' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  return { user, ...(await accountOverview(getDb(), user.id)) }
}

export default function Account() {
  const { user, buyingAs, organisations, credits, backCharges } = useLoaderData<typeof loader>()
  return (
    <article aria-labelledby="account-title" className="narrow">
      <h1 id="account-title">Hello, {user.displayName}</h1>
      {user.emailConfirmed ? null : <ConfirmEmailNotice email={user.email} redirectTo="/account" />}
      <section aria-labelledby="class-title">
        <h2 id="class-title">How you buy</h2>
        <p className="muted">
          The marketplace decides your reciprocity class from stored facts and the use you declare when you buy. Nothing you type into a form can change it.
        </p>
        <BuyingAs options={buyingAs} />
        {credits.map((c) => (
          <p key={`${c.organisation.slug}-${c.credit.currency}`} className="notice notice--success">
            <Amount value={c.credit} /> is owed back to <Link to={`/organisations/${c.organisation.slug}`}>{c.organisation.name}</Link>: access fees it paid
            before its legal form was attested, now that it buys as a commoner. It pays its next checkout automatically, or an admin can ask for it to be paid
            out. <Link to={`/organisations/${c.organisation.slug}/credit`}>See why, and what it has paid</Link>
          </p>
        ))}
        {backCharges.map((b) => (
          <p key={b.reference} className="notice notice--error">
            <Link to={`/organisations/${b.organisation.slug}`}>{b.organisation.name}</Link> owes <Amount value={b.amount} />: {b.reason}.{' '}
            <Link to={`/orders/${b.checkoutId}`}>Pay back-charge {b.reference}</Link> by card or invoice.
          </p>
        ))}
        <p>
          <Link to="/orders">Your orders and receipts</Link>
        </p>
      </section>
      <section aria-labelledby="orgs-title">
        <h2 id="orgs-title">Your organisations</h2>
        {organisations.length === 0 ? (
          <p className="muted">You are not a member of any organisation yet. Accept an invitation, or register yours.</p>
        ) : (
          <ul className="plain-list">
            {organisations.map((o) => (
              <li key={o.slug}>
                <Link to={`/organisations/${o.slug}/manage`}>{o.name}</Link> <LegalFormBadge legalForm={o.legalForm} />{' '}
                <span className="muted">({o.role})</span>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to="/organisations/new" className="button">
            Register an organisation
          </Link>
        </p>
      </section>
      <section aria-labelledby="security-title">
        <h2 id="security-title">Security</h2>
        <p>
          Signed in as {user.email}. <Link to="/account/password">Change your password</Link>
        </p>
      </section>
    </article>
  )
}
