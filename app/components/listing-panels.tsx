import { Form } from '@remix-run/react'
import type { ReactNode } from 'react'
import { FormError } from './form'
import { fileSize } from './offer-images'
import { When } from './orders'

// The stock and commons-resource panels of a listing's edit page, each with its form.

/** A refused form's reply, when it answers this panel's form. */
interface PanelReply {
  formError: string | null
  fieldErrors: Partial<Record<string, string>>
  values: Record<string, string>
}

const stockReasons = { restock: 'Restock', correction: 'Correction', damaged: 'Damaged or lost', returned: 'Returned' } as const
const historyReason: Record<string, string> = { ...stockReasons, listed: 'Listed', imported: 'Imported' }

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
  return (
    <section aria-labelledby="stock" className="listing-section">
      <h2 id="stock">Stock: {stock}</h2>
      <Form method="post" className="form form--compact">
        <input type="hidden" name="intent" value="stock" />
        <FormError message={reply?.formError} />
        <div className="field-row">
          <PlainField name="delta" label="Change by" error={reply?.fieldErrors.delta} hint="e.g. 10 to add, -2 to take away">
            <input id="field-delta" name="delta" inputMode="numeric" required defaultValue={reply?.values.delta} />
          </PlainField>
          <PlainField name="reason" label="Why" error={reply?.fieldErrors.reason}>
            <select id="field-reason" name="reason" defaultValue={reply?.values.reason ?? 'restock'}>
              {Object.entries(stockReasons).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </PlainField>
          <PlainField name="note" label="Note" optional error={reply?.fieldErrors.note}>
            <input id="field-note" name="note" maxLength={500} defaultValue={reply?.values.note} />
          </PlainField>
        </div>
        <div>
          <button type="submit" className="button">
            Change the stock
          </button>
        </div>
      </Form>
      {history.length ? (
        <div className="table-scroll">
          <table className="stock-history">
            <caption>Stock history, newest first (orders move stock on their own and are not listed here)</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Change</th>
                <th scope="col">After</th>
                <th scope="col">Why</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {history.map((h) => (
                <tr key={h.id}>
                  <td>
                    <When iso={h.createdAt} />
                  </td>
                  <td className="num">{h.delta > 0 ? `+${h.delta}` : h.delta}</td>
                  <td className="num">{h.stockAfter}</td>
                  <td>
                    {historyReason[h.reason] ?? h.reason}
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

interface CommonsResource {
  kind: 'file' | 'link'
  fileName: string | null
  byteSize: number | null
  url: string | null
  updatedAt: string
}

export function ResourcePanel({ resource, maxBytes, reply }: { resource: CommonsResource | null; maxBytes: number; reply: PanelReply | null }) {
  return (
    <section aria-labelledby="resource" className="listing-section">
      <h2 id="resource">Commons resource</h2>
      <p>
        {resource ? (
          resource.kind === 'file' ? (
            <>
              Buyers receive the file <strong>{resource.fileName}</strong>{' '}
              <span className="muted">
                ({fileSize(resource.byteSize ?? 0)}, updated <When iso={resource.updatedAt} />)
              </span>
              .
            </>
          ) : (
            <>
              Buyers receive the link <a href={resource.url ?? '#'}>{resource.url}</a>{' '}
              <span className="muted">
                (updated <When iso={resource.updatedAt} />)
              </span>
              .
            </>
          )
        ) : (
          <strong>Nothing yet: add the file or the link buyers receive.</strong>
        )}
      </p>
      <FormError message={reply?.formError} />
      <div className="resource-forms">
        <Form method="post" encType="multipart/form-data" className="form form--compact">
          <input type="hidden" name="intent" value="resource-file" />
          <PlainField
            name="file"
            label={resource?.kind === 'file' ? 'Replace the file' : 'Upload a file'}
            error={reply?.fieldErrors.file}
            hint={`At most ${fileSize(maxBytes)}.`}
          >
            <input id="field-file" name="file" type="file" required />
          </PlainField>
          <div>
            <button type="submit" className="button">
              Upload
            </button>
          </div>
        </Form>
        <Form method="post" className="form form--compact">
          <input type="hidden" name="intent" value="resource-link" />
          <PlainField name="url" label="Or share a link" error={reply?.fieldErrors.url} hint="Where buyers get it, starting with https://">
            <input
              id="field-url"
              name="url"
              type="url"
              required
              maxLength={2000}
              defaultValue={reply?.values.url ?? (resource?.kind === 'link' ? (resource.url ?? '') : '')}
              placeholder="https://"
            />
          </PlainField>
          <div>
            <button type="submit" className="button">
              Save the link
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
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label htmlFor={`field-${name}`}>
        {label}
        {optional ? <span className="muted"> (optional)</span> : null}
      </label>
      {error ? (
        <p className="field-error" role="alert">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      ) : null}
      {children}
      {hint ? <p className="field-hint">{hint}</p> : null}
    </div>
  )
}
