import '~/lib/zod-browser'
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react'
import type { ReactNode } from 'react'
import { getOptionalUser, type CurrentUser } from '~/lib/session.server'
import { getDb } from '~/lib/db.server'
import { cartCount } from '~/modules/orders/cart.server'
import { useNonce } from '~/lib/nonce'
import styles from '~/styles/app.css'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: '/favicon.ico' },
]

export const meta: MetaFunction = ({ error }) => {
  if (!error) return [{ title: 'Solidarity Market' }]
  const status = isRouteErrorResponse(error) ? error.status : 500
  return [{ title: status === 404 ? 'Page not found · Solidarity Market' : `Error ${status} · Solidarity Market` }]
}

// Visitors without a session cookie cost no query here, so their public pages stay cacheable.
export async function loader({ request }: LoaderFunctionArgs): Promise<{ user: CurrentUser | null; cartCount: number }> {
  const user = await getOptionalUser(request)
  return { user, cartCount: user ? await cartCount(getDb(), user.id) : 0 }
}

// Pages about logging in do not send people back to themselves after logging in.
const accountPages = /^\/(login|signup|logout|forgot-password|reset-password)(\/|$)/

function AccountNav() {
  // Also rendered by the error boundary, where the root loader may not have run.
  const rootData = useRouteLoaderData<typeof loader>('root')
  const user = rootData?.user ?? null
  const inCart = rootData?.cartCount ?? 0
  const location = useLocation()
  if (!user) {
    const here = location.pathname + location.search
    const login = accountPages.test(location.pathname) || here === '/' ? '/login' : `/login?${new URLSearchParams({ redirectTo: here })}`
    return (
      <>
        <li>
          <NavLink to={login}>Log in</NavLink>
        </li>
        <li>
          <NavLink to="/signup" className="nav-cta">
            Sign up
          </NavLink>
        </li>
      </>
    )
  }
  return (
    <>
      {user.isSteward ? (
        <li>
          <NavLink to="/steward">Steward desk</NavLink>
        </li>
      ) : null}
      <li>
        <NavLink to="/orders">Orders</NavLink>
      </li>
      <li>
        <NavLink to="/cart">Cart{inCart > 0 ? <span className="cart-count"> ({inCart})</span> : null}</NavLink>
      </li>
      <li>
        <NavLink to="/account" end>
          <span className="visually-hidden">Your account: </span>
          {user.displayName}
        </NavLink>
      </li>
      <li>
        <Form method="post" action="/logout" className="nav-form">
          <button type="submit" className="nav-button">
            Log out
          </button>
        </Form>
      </li>
    </>
  )
}

export function Layout({ children }: { children: ReactNode }) {
  // The Content-Security-Policy allows inline scripts only with this page's nonce.
  const nonce = useNonce()
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="wrap site-header__inner">
            <Link to="/" className="brand">
              <span aria-hidden="true" className="brand__mark">
                ◐
              </span>{' '}
              Solidarity Market
            </Link>
            <nav aria-label="Main">
              <ul>
                <li>
                  <NavLink to="/" end>
                    Catalog
                  </NavLink>
                </li>
                <AccountNav />
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" className="wrap">
          {children}
        </main>
        <footer className="site-footer">
          <div className="wrap">
            <p>Solidarity Market: commons are free to commoners; for-profit buyers pay an access fee that flows into commons funds.</p>
          </div>
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  return <Outlet />
}

// Headings for refusals a person can act on; the message below says what to do.
const errorTitles: Record<number, string> = {
  400: 'That request did not make sense',
  403: 'You cannot do that here',
  413: 'That was more than we accept',
}

export function ErrorBoundary() {
  const error = useRouteError()
  if (isRouteErrorResponse(error)) {
    const notFound = error.status === 404
    return (
      <section className="error-page" aria-labelledby="error-title">
        <h1 id="error-title">{notFound ? 'Page not found' : (errorTitles[error.status] ?? 'Something went wrong')}</h1>
        <p>{typeof error.data === 'string' && error.data ? error.data : error.statusText}</p>
        <p>
          <Link to="/">Back to the catalog</Link>
        </p>
      </section>
    )
  }
  // Unexpected errors: say so plainly, keep the details in the server log.
  return (
    <section className="error-page" aria-labelledby="error-title">
      <h1 id="error-title">Something went wrong</h1>
      <p>We could not show this page. The error has been logged; please try again in a moment.</p>
      <p>
        <Link to="/">Back to the catalog</Link>
      </p>
    </section>
  )
}
