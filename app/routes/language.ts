import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { languageCookieHeader, timeZoneCookieHeader } from '~/i18n/cookies.server'
import { LanguageChoice } from '~/forms/language'
import { getDb } from '~/lib/db.server'
import { parseForm, readForm } from '~/lib/http.server'
import { getOptionalUser, safeRedirect } from '~/lib/session.server'
import { setReaderPreferences } from '~/modules/accounts/accounts.server'

// The header's language switcher posts here (a form, so it works without JavaScript). The choice
// is kept in a cookie for this browser and, for a logged-in person, on the account, so mails
// follow it too; the browser's time zone, sent along, is kept where none was chosen yet.

export async function loader() {
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  const form = parseForm(await readForm(request), LanguageChoice)
  // A malformed switch (no JavaScript can send one) changes nothing and goes back home.
  if (!form.ok) return redirect('/')
  const { lng, timeZone, returnTo } = form.data
  const headers = new Headers({ 'Set-Cookie': languageCookieHeader(lng) })
  if (timeZone) headers.append('Set-Cookie', timeZoneCookieHeader(timeZone))
  const user = await getOptionalUser(request)
  if (user) await setReaderPreferences(getDb(), user.id, { language: lng, ...(user.timeZone || !timeZone ? {} : { timeZone }) })
  return redirect(safeRedirect(returnTo), { headers })
}
