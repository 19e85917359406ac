import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { isLanguage, languageNames } from '~/i18n/config'

/**
 * "Shown in the original language: Italiano", under a title the reader gets in another language
 * than theirs because the listing has no translation into it. Nothing otherwise.
 */
export function OriginalLanguageNote({ text, className = 'muted small' }: { text: { language: string; untranslated: boolean }; className?: string }) {
  const { t } = useTranslation('translations')
  if (!text.untranslated) return null
  const name = isLanguage(text.language) ? languageNames[text.language] : text.language
  return (
    <p className={`original-language ${className}`} data-testid="original-language">
      {t('originalNote', { language: name })}
    </p>
  )
}

/** The link from a listing's edit page to its translations page. */
export function ListingTranslationsLink({ to }: { to: string }) {
  const { t } = useTranslation('translations')
  return <Link to={to}>{t('link')}</Link>
}
