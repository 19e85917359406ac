import { Form } from '@remix-run/react'
import type { ReactNode } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import { useFormat } from '~/i18n/format'
import { useMessage } from '~/i18n/messages'
import { FormError } from './form'
import { useFileSize } from './offer-images'

// The stock and commons-resource panels of a listing's edit page, each with its form.

/** A refused form's reply, when it answers this panel's form. */
interface PanelReply {
  formError: string | null
  fieldErrors: Partial<Record<string, string>>
  values: Record<string, string>
}

/** The reasons a person gives for a change of stock; a history also shows `listed` and `imported`. */
const stockReasons = ['restock', 'correction', 'damaged', 'returned'] as const
const historyReasons = new Set<string>([...stockReasons, 'listed', 'imported'])

/** An instant in the reader's language and zone. */
function When({ iso }: { iso: string }) {
  const f = useFormat()
  return <time dateTime={iso}>{f.dateTime(iso)}</time>
}

interface StockChange {
  id: number
  createdAt: string
  delta: number
  stockAfter: number
  reason: string
  note: string | null
  by: string | null
}

export function StockPanel({ stock, history, reply }: { stock: number | null; history: StockChange[]; reply: PanelReply | null }) {
  const { t } = useTranslation('listings')
  const f = useFormat()
  return (
    <section aria-labelledby="stock" className="listing-section">
      <h2 id="stock">{t('stock.title', { stock: stock === null ? '—' : f.number(stock) })}</h2>
      <Form method="post" className="form form--compact">
        <input type="hidden" name="intent" value="stock" />
        <FormError message={reply?.formError} />
        <div className="field-row">
          <PlainField name="delta" label={t('stock.changeBy')} error={reply?.fieldErrors.delta} hint={t('stock.changeByHint')}>
            <input id="field-delta" name="delta" inputMode="numeric" required defaultValue={reply?.values.delta} />
          </PlainField>
          <PlainField name="reason" label={t('stock.why')} error={reply?.fieldErrors.reason}>
            <select id="field-reason" name="reason" defaultValue={reply?.values.reason ?? 'restock'}>
              {stockReasons.map((value) => (
                <option key={value} value={value}>
                  {t(`stock.reasons.${value}`)}
                </option>
              ))}
            </select>
          </PlainField>
          <PlainField name="note" label={t('stock.note')} optional error={reply?.fieldErrors.note}>
            <input id="field-note" name="note" maxLength={500} defaultValue={reply?.values.note} />
          </PlainField>
        </div>
        <div>
          <button type="submit" className="button">
            {t('stock.submit')}
          </button>
        </div>
      </Form>
      {history.length ? (
        <div className="table-scroll">
          <table className="stock-history">
            <caption>{t('stock.history')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('stock.when')}</th>
                <th scope="col">{t('stock.change')}</th>
                <th scope="col">{t('stock.after')}</th>
                <th scope="col">{t('stock.why')}</th>
                <th scope="col">{t('stock.by')}</th>
              </tr>
            </thead>
            <tbody>
              {history.map((h) => (
                <tr key={h.id}>
                  <td>
                    <When iso={h.createdAt} />
                  </td>
                  <td className="num">{h.delta > 0 ? `+${f.number(h.delta)}` : f.number(h.delta)}</td>
                  <td className="num">{f.number(h.stockAfter)}</td>
                  <td>
                    {historyReasons.has(h.reason) ? t(`stock.reasons.${h.reason}`) : h.reason}
                    {h.note ? <span className="muted"> · {h.note}</span> : null}
                  </td>
                  <td>{h.by ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  )
}

/** What a link starts with: a code, the same in every language. */
const urlStart = 'https://'

interface CommonsResource {
  kind: 'file' | 'link'
  fileName: string | null
  byteSize: number | null
  url: string | null
  updatedAt: string
}

export function ResourcePanel({ resource, maxBytes, reply }: { resource: CommonsResource | null; maxBytes: number; reply: PanelReply | null }) {
  const { t } = useTranslation('listings')
  const f = useFormat()
  const fileSize = useFileSize()
  const when = resource ? { when: f.dateTime(resource.updatedAt) } : {}
  const time = resource ? <time dateTime={resource.updatedAt} /> : <time />
  return (
    <section aria-labelledby="resource" className="listing-section">
      <h2 id="resource">{t('resource.title')}</h2>
      <p>
        {resource ? (
          resource.kind === 'file' ? (
            <Trans
              t={t}
              i18nKey="resource.file"
              values={{ name: resource.fileName ?? '', size: fileSize(resource.byteSize ?? 0), ...when }}
              components={{ name: <strong />, muted: <span className="muted" />, time }}
            />
          ) : (
            <Trans
              t={t}
              i18nKey="resource.link"
              values={{ url: resource.url ?? '', ...when }}
              components={{ site: <a href={resource.url ?? '#'} />, muted: <span className="muted" />, time }}
            />
          )
        ) : (
          <strong>{t('resource.nothingYet')}</strong>
        )}
      </p>
      <FormError message={reply?.formError} />
      <div className="resource-forms">
        <Form method="post" encType="multipart/form-data" className="form form--compact">
          <input type="hidden" name="intent" value="resource-file" />
          <PlainField
            name="file"
            label={resource?.kind === 'file' ? t('resource.replaceFile') : t('resource.uploadFile')}
            error={reply?.fieldErrors.file}
            hint={t('resource.atMost', { size: fileSize(maxBytes) })}
          >
            <input id="field-file" name="file" type="file" required />
          </PlainField>
          <div>
            <button type="submit" className="button">
              {t('resource.upload')}
            </button>
          </div>
        </Form>
        <Form method="post" className="form form--compact">
          <input type="hidden" name="intent" value="resource-link" />
          <PlainField name="url" label={t('resource.shareLink')} error={reply?.fieldErrors.url} hint={t('resource.shareLinkHint')}>
            <input
              id="field-url"
              name="url"
              type="url"
              required
              maxLength={2000}
              defaultValue={reply?.values.url ?? (resource?.kind === 'link' ? (resource.url ?? '') : '')}
              placeholder={urlStart}
            />
          </PlainField>
          <div>
            <button type="submit" className="button">
              {t('resource.saveLink')}
            </button>
          </div>
        </Form>
      </div>
    </section>
  )
}

function PlainField({
  name,
  label,
  error,
  hint,
  optional,
  children,
}: {
  name: string
  label: string
  error?: string | null
  hint?: string
  optional?: boolean
  children: ReactNode
}) {
  const { t } = useTranslation()
  const message = useMessage()
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label htmlFor={`field-${name}`}>
        {label}
        {optional ? <span className="muted"> {t('form.optional')}</span> : null}
      </label>
      {error ? (
        <p className="field-error" role="alert">
          <span aria-hidden="true">⚠ </span>
          {message(error)}
        </p>
      ) : null}
      {children}
      {hint ? <p className="field-hint">{hint}</p> : null}
    </div>
  )
}
