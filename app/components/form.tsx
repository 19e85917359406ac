import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { useMessage } from '~/i18n/messages'

// Labelled form fields whose hint and error are tied to the input (aria-describedby), so a
// screen reader announces them with the field, and an invalid field says so (aria-invalid).

export function Field({
  name,
  label,
  type = 'text',
  autoComplete,
  defaultValue,
  error,
  hint,
  required = true,
  maxLength,
  autoFocus,
}: {
  name: string
  label: string
  type?: 'text' | 'email' | 'password'
  autoComplete?: string
  defaultValue?: string
  error?: string | null
  hint?: ReactNode
  required?: boolean
  maxLength?: number
  autoFocus?: boolean
}) {
  const { t } = useTranslation()
  const message = useMessage()
  const id = `field-${name}`
  const hintId = hint ? `${id}-hint` : undefined
  const errorId = error ? `${id}-error` : undefined
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label htmlFor={id}>
        {label}
        {required ? null : <span className="muted"> {t('form.optional')}</span>}
      </label>
      {error ? (
        <p className="field-error" id={errorId}>
          <span aria-hidden="true">⚠ </span>
          {message(error)}
        </p>
      ) : null}
      <input
        id={id}
        name={name}
        type={type}
        autoComplete={autoComplete}
        defaultValue={type === 'password' ? undefined : defaultValue}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        maxLength={maxLength}
        autoFocus={autoFocus}
        spellCheck={type === 'text' ? undefined : false}
        autoCapitalize={type === 'text' ? undefined : 'none'}
      />
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </div>
  )
}

/** A message about the whole form; `alert` for errors, so it is read out when it appears. */
export function Notice({ tone = 'error', children }: { tone?: 'error' | 'success' | 'info'; children: ReactNode }) {
  return (
    <div className={`notice notice--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  )
}

/** The message a refused form submission came back with, if any. */
export function FormError({ message }: { message: string | null | undefined }) {
  const localized = useMessage()
  return message ? <Notice>{localized(message)}</Notice> : null
}
