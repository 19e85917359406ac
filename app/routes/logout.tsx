import type { ActionFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useRouteLoaderData } from '@remix-run/react'
import { endUserSession } from '~/lib/session.server'
import type { loader as rootLoader } from '~/root'

export const meta: MetaFunction = () => [{ title: 'Log out · Solidarity Market' }]

// Logging out changes state, so it is a POST: a link or an image on another page cannot do it.
export async function action({ request }: ActionFunctionArgs) {
  return endUserSession(request)
}

export default function LogOut() {
  const user = useRouteLoaderData<typeof rootLoader>('root')?.user
  return (
    <section className="form-page" aria-labelledby="logout-title">
      <h1 id="logout-title">Log out</h1>
      {user ? (
        <Form method="post" className="form" aria-labelledby="logout-title">
          <p>
            You are logged in as <strong>{user.displayName}</strong> ({user.email}).
          </p>
          <div className="form__actions">
            <button type="submit" className="button">
              Log out
            </button>
            <Link to="/">Stay logged in and go back to the catalog</Link>
          </div>
        </Form>
      ) : (
        <p>
          You are not logged in. <Link to="/login">Log in</Link> or <Link to="/">go back to the catalog</Link>.
        </p>
      )}
    </section>
  )
}
