import type { LinksFunction, MetaFunction } from '@remix-run/node'
import { Link, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useRouteError } from '@remix-run/react'
import type { ReactNode } from 'react'
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

export function Layout({ children }: { children: ReactNode }) {
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
              <span aria-hidden="true" className="brand__mark">◐</span> Solidarity Market
            </Link>
            <nav aria-label="Main">
              <ul>
                <li>
                  <NavLink to="/" end>
                    Catalog
                  </NavLink>
                </li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" className="wrap">
          {children}
        </main>
        <footer className="site-footer">
          <div className="wrap">
            <p>
              Solidarity Market: commons are free to commoners; for-profit buyers pay an access fee that flows into
              commons funds.
            </p>
          </div>
        </footer>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  )
}

export default function App() {
  return <Outlet />
}

export function ErrorBoundary() {
  const error = useRouteError()
  if (isRouteErrorResponse(error)) {
    const notFound = error.status === 404
    return (
      <section className="error-page" aria-labelledby="error-title">
        <h1 id="error-title">{notFound ? 'Page not found' : error.status === 400 ? 'That request did not make sense' : 'Something went wrong'}</h1>
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
