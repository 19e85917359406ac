import { createCookie } from '@remix-run/node'

/** The buyer's chosen catalog ranking, kept across visits; it never changes a public score. */
export const catalogViewCookie = createCookie('catalog_view', {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
})
