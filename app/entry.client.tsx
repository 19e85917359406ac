import { RemixBrowser } from '@remix-run/react'
import i18next, { type Resource } from 'i18next'
import { startTransition, StrictMode } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { defaultNamespace, fallbackLanguage } from '~/i18n/config'

// The page arrives rendered in the reader's language. Before React takes it over, the browser
// fetches the same messages (one file per language and version, kept by the browser), so the
// first client render says exactly what the server did.

async function messages(language: string, version: string | undefined): Promise<Resource> {
  try {
    const response = await fetch(`/locales/${language}.json?v=${version ?? ''}`)
    if (response.ok) return (await response.json()) as Resource
  } catch {
    // Offline or refused: the page still works as the server rendered it, and forms still post.
  }
  return {}
}

async function hydrate() {
  const root = document.documentElement
  const language = root.lang || fallbackLanguage
  const resources = await messages(language, root.dataset.messages)
  await i18next.use(initReactI18next).init({
    lng: language,
    fallbackLng: fallbackLanguage,
    defaultNS: defaultNamespace,
    ns: Object.keys(resources[language] ?? {}),
    resources,
    interpolation: { escapeValue: false },
    react: { useSuspense: false },
  })
  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <RemixBrowser />
        </StrictMode>
      </I18nextProvider>,
    )
  })
}

void hydrate()
