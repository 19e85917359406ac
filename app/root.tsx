import '~/lib/zod-browser'
import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
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
import { useTranslation } from 'react-i18next'
import { useChangeLanguage } from 'remix-i18next/react'
import { fallbackLanguage, languageCookieName, languageNames, languageParam, supportedLanguages, validTimeZone, type Language } from '~/i18n/config'
import { defaultReaderLocale, ReaderLocaleContext } from '~/i18n/format'
import { metaT } from '~/i18n/meta'
import { useMessage } from '~/i18n/messages'
import { cookieValue, languageInUrl, visitorLanguage, visitorTimeZone } from '~/i18n/detect'
import { messagesVersion } from '~/i18n/resources.server'
import { languageCookieHeader } from '~/i18n/cookies.server'
import { getOptionalUser } from '~/lib/session.server'
import { getDb } from '~/lib/db.server'
import { cartCount } from '~/modules/orders/cart.server'
import { useNonce } from '~/lib/nonce'
import styles from '~/styles/app.css'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: '/favicon.ico' },
]

export const meta: MetaFunction<typeof loader> = ({ error, matches }) => {
  const t = metaT(matches)
  if (!error) return [{ title: t('site.name') }]
  const status = isRouteErrorResponse(error) ? error.status : 500
  return [{ title: status === 404 ? t('error.notFoundTitle') : t('error.statusTitle', { status }) }]
}

// Visitors without a session cookie cost no query here, so their public pages stay cacheable
// (the page cache keys them by language too).
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request)
  const locale = visitorLanguage(request, user?.language)
  const url = new URL(request.url)
  url.searchParams.delete(languageParam)
  const body = {
    user,
    cartCount: user ? await cartCount(getDb(), user.id) : 0,
    // `locale` is the name remix-i18next's hooks read.
    locale,
    timeZone: validTimeZone(user?.timeZone) ?? visitorTimeZone(request) ?? 'UTC',
    messagesVersion: messagesVersion(),
    /** this page's address without ?lng=, for the switcher and the hreflang alternates */
    here: { origin: url.origin, path: url.pathname + url.search },
  }
  // A language named in the URL sticks for the pages that follow, as the switcher's choice does.
  const chosen = languageInUrl(request)
  const held = cookieValue(request, languageCookieName)
  if (chosen && chosen !== held) return data(body, { headers: { 'Set-Cookie': languageCookieHeader(chosen) } })
  return body
}

// Pages about logging in do not send people back to themselves after logging in.
const accountPages = /^\/(login|signup|logout|forgot-password|reset-password)(\/|$)/

function AccountNav() {
  const { t } = useTranslation()
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
          <NavLink to={login}>{t('nav.logIn')}</NavLink>
        </li>
        <li>
          <NavLink to="/signup" className="nav-cta">
            {t('nav.signUp')}
          </NavLink>
        </li>
      </>
    )
  }
  return (
    <>
      {user.isSteward ? (
        <li>
          <NavLink to="/steward">{t('nav.stewardDesk')}</NavLink>
        </li>
      ) : null}
      <li>
        <NavLink to="/orders">{t('nav.orders')}</NavLink>
      </li>
      <li>
        <NavLink to="/cart">
          {t('nav.cart')}
          {inCart > 0 ? <span className="cart-count"> ({inCart})</span> : null}
        </NavLink>
      </li>
      <li>
        <NavLink to="/account" end>
          <span className="visually-hidden">{t('nav.yourAccount')} </span>
          {user.displayName}
        </NavLink>
      </li>
      <li>
        <Form method="post" action="/logout" className="nav-form">
          <button type="submit" className="nav-button">
            {t('nav.logOut')}
          </button>
        </Form>
      </li>
    </>
  )
}

/**
 * The language switcher: a plain form, so it works without JavaScript. It posts to /language,
 * which keeps the choice in a cookie (and on the account), then comes back to this page. The
 * browser's time zone rides along in a hidden field that the inline script below fills.
 */
function LanguageSwitcher({ language, path }: { language: Language; path: string }) {
  const { t } = useTranslation()
  return (
    <form method="post" action="/language" className="language-switcher">
      <input type="hidden" name="returnTo" value={path} />
      <input type="hidden" name="timeZone" defaultValue="" data-browser-zone="" />
      <label htmlFor="language-select" className="visually-hidden">
        {t('language.label')}
      </label>
      <select id="language-select" name="lng" defaultValue={language}>
        {supportedLanguages.map((code) => (
          <option key={code} value={code} lang={code}>
            {languageNames[code]}
          </option>
        ))}
      </select>
      <button type="submit" className="button-secondary">
        {t('language.change')}
      </button>
    </form>
  )
}

/** Fills every form's hidden time-zone field with the browser's zone, before anyone submits. */
const browserZoneScript = `document.querySelectorAll('input[data-browser-zone]').forEach(function(i){try{i.value=Intl.DateTimeFormat().resolvedOptions().timeZone}catch(e){}})`

function withLanguage(path: string, language: Language): string {
  const url = new URL(path, 'http://x')
  url.searchParams.set(languageParam, language)
  return url.pathname + url.search
}

export function Layout({ children }: { children: ReactNode }) {
  // The Content-Security-Policy allows inline scripts only with this page's nonce.
  const nonce = useNonce()
  const { t } = useTranslation()
  const rootData = useRouteLoaderData<typeof loader>('root')
  const language = (rootData?.locale as Language | undefined) ?? fallbackLanguage
  const locale = rootData ? { language, timeZone: rootData.timeZone } : defaultReaderLocale
  const here = rootData?.here
  return (
    <html lang={language} data-messages={rootData?.messagesVersion}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        {rootData ? <link rel="preload" as="fetch" crossOrigin="anonymous" href={`/locales/${language}.json?v=${rootData.messagesVersion}`} /> : null}
        {here
          ? [
              ...supportedLanguages.map((code) => <link key={code} rel="alternate" hrefLang={code} href={here.origin + withLanguage(here.path, code)} />),
              <link key="x-default" rel="alternate" hrefLang="x-default" href={here.origin + here.path} />,
            ]
          : null}
        <Links />
      </head>
      <body>
        <ReaderLocaleContext.Provider value={locale}>
          <a className="skip-link" href="#main">
            {t('nav.skip')}
          </a>
          <header className="site-header">
            <div className="wrap site-header__inner">
              <Link to="/" className="brand">
                <span aria-hidden="true" className="brand__mark">
                  ◐
                </span>{' '}
                {t('site.name')}
              </Link>
              <nav aria-label={t('nav.label')}>
                <ul>
                  <li>
                    <NavLink to="/" end>
                      {t('nav.catalog')}
                    </NavLink>
                  </li>
                  <AccountNav />
                </ul>
              </nav>
              {here ? <LanguageSwitcher language={language} path={here.path} /> : null}
            </div>
          </header>
          <main id="main" className="wrap">
            {children}
          </main>
          <footer className="site-footer">
            <div className="wrap">
              <p>{t('site.footer')}</p>
            </div>
          </footer>
        </ReaderLocaleContext.Provider>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: browserZoneScript }} />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  const rootData = useRouteLoaderData<typeof loader>('root')
  // Keeps the browser's i18next on the language the server chose, as remix-i18next advises.
  useChangeLanguage(rootData?.locale ?? fallbackLanguage)
  return <Outlet />
}

// Headings for refusals a person can act on; the message below says what to do.
const errorTitleKeys: Record<number, string> = {
  400: 'error.badRequest',
  403: 'error.forbidden',
  413: 'error.tooLarge',
}

export function ErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation()
  const message = useMessage()
  if (isRouteErrorResponse(error)) {
    const notFound = error.status === 404
    return (
      <section className="error-page" aria-labelledby="error-title">
        <h1 id="error-title">{notFound ? t('error.notFound') : t(errorTitleKeys[error.status] ?? 'error.unexpected')}</h1>
        <p>{typeof error.data === 'string' && error.data ? message(error.data) : error.statusText}</p>
        <p>
          <Link to="/">{t('nav.backToCatalog')}</Link>
        </p>
      </section>
    )
  }
  // Unexpected errors: say so plainly, keep the details in the server log.
  return (
    <section className="error-page" aria-labelledby="error-title">
      <h1 id="error-title">{t('error.unexpected')}</h1>
      <p>{t('error.unexpectedText')}</p>
      <p>
        <Link to="/">{t('nav.backToCatalog')}</Link>
      </p>
    </section>
  )
}
