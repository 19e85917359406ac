import i18next, { type i18n as I18n, type TFunction } from 'i18next'
import { defaultNamespace, fallbackLanguage, isLanguage, supportedLanguages, type Language } from './config'
import { localizeMessage } from './messages'
import { namespaces, resources } from './resources.server'

// The translations the server writes with: pages, mails, CSV headers, API messages. Knows nothing
// of requests, so domain modules that write mails can use it.

const instances = new Map<Language, I18n>()

/**
 * One initialised i18next per language, shared by every request in it: rendering never changes
 * an instance's language, so sharing is safe, and a page costs no initialisation.
 */
export function i18nFor(language: Language): I18n {
  let instance = instances.get(language)
  if (!instance) {
    instance = i18next.createInstance()
    void instance.init(options(language))
    instances.set(language, instance)
  }
  // Route `meta` functions ask the shared instance (see meta.ts): it holds every language here.
  if (!i18next.isInitialized) void i18next.init(options(fallbackLanguage))
  return instance
}

function options(language: Language) {
  return {
    lng: language,
    fallbackLng: fallbackLanguage,
    supportedLngs: [...supportedLanguages],
    ns: namespaces(),
    defaultNS: defaultNamespace,
    resources: resources(),
    // React escapes what it renders; mails and CSV are plain text.
    interpolation: { escapeValue: false },
    initImmediate: false,
  }
}

/** A `t` in one language, for mails, CSV headers and API messages written on the server. */
export function translator(language: Language, namespace: string = defaultNamespace): TFunction {
  return i18nFor(language).getFixedT(language, namespace)
}

/** An English message from the domain, in `language`. */
export function localized(language: Language, english: string): string {
  return localizeMessage(i18nFor(language), english)
}

/** A person's saved language, or English when they never chose one we speak: for mails. */
export function languageOrDefault(value: string | null | undefined): Language {
  return isLanguage(value) ? value : fallbackLanguage
}
