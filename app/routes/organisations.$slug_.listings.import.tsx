import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { clock } from '~/lib/clock'
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from '@remix-run/react'
import { Trans, useTranslation } from 'react-i18next'
import { z } from 'zod'
import { FormError, Notice } from '~/components/form'
import { getDb } from '~/lib/db.server'
import { useFormat } from '~/i18n/format'
import { useMessage } from '~/i18n/messages'
import { metaT, pageTitle } from '~/i18n/meta'
import { ImportListingsForm } from '~/forms/listings'
import { domain, parseForm, parseParams, parseQuery, readForm } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { CSV_COLUMNS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, MAX_REPORTED_PROBLEMS, type CsvColumn, type ImportProblem } from '~/modules/listings/csv-format.server'
import { importListingsCsv } from '~/modules/listings/csv.server'
import { listingFormOptions } from '~/modules/listings/listings.server'
import { organisationBySlug, requireMembership } from '~/modules/organisations/membership.server'

const Params = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,200}$/) })
// The counts an import redirects with; a number, nothing more, is ever shown from the URL.
const count = z.coerce.number().int().min(0).max(1_000_000).optional()
const Query = z.object({ created: count, updated: count, stockIgnored: count })

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches, 'listings')
  return pageTitle(matches, t('meta.import', { organisation: data ? data.organisation.name : t('meta.organisation') }))
}

async function memberOrganisation(request: Request, params: unknown) {
  const user = await requireUser(request)
  const { slug } = parseParams(params, Params)
  const db = getDb()
  const organisation = await domain(() => organisationBySlug(db, slug))
  await domain(() => requireMembership(db, user.id, organisation.id))
  return { db, user, organisation }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, organisation } = await memberOrganisation(request, params)
  const query = parseQuery(request, Query)
  const options = await listingFormOptions(db)
  const imported =
    query.created !== undefined && query.updated !== undefined
      ? { created: query.created, updated: query.updated, stockIgnored: query.stockIgnored ?? 0 }
      : null
  return {
    organisation: { name: organisation.name, slug: organisation.slug },
    columns: [...CSV_COLUMNS],
    limits: { maxRows: MAX_IMPORT_ROWS, maxProblems: MAX_REPORTED_PROBLEMS },
    options,
    imported,
  }
}

interface ImportReply {
  formError: string | null
  problems: ImportProblem[]
  more: number
}
const reply = (r: Partial<ImportReply>, status: number) => data<ImportReply>({ formError: null, problems: [], more: 0, ...r }, { status })
const tooLarge = () =>
  reply({ formError: 'This file is larger than 5 MB, so nothing was imported. Split it into several files and import them one after another.' }, 413)

export async function action({ request, params }: ActionFunctionArgs) {
  // Membership first, so a stranger's 5 MB is never read into memory.
  const { db, user, organisation } = await memberOrganisation(request, params)
  let form: FormData
  try {
    // The multipart envelope around the file adds a little to its size.
    form = await readForm(request, MAX_IMPORT_BYTES + 64 * 1024)
  } catch (error) {
    if ((error as { init?: { status?: number } | null }).init?.status === 413) return tooLarge()
    throw error
  }
  const parsed = parseForm(form, ImportListingsForm)
  if (!parsed.ok) return reply({ formError: 'Choose a CSV file to import.' }, 400)
  const { file } = parsed.data
  if (file.size > MAX_IMPORT_BYTES) return tooLarge()
  const bytes = new Uint8Array(await file.arrayBuffer())
  const result = await domain(() => importListingsCsv(db, { personId: user.id, organisationId: organisation.id }, bytes, clock.now()))
  if (!result.ok) {
    const fileLevel = result.problems.length === 1 && result.problems[0]!.row === null
    return reply(
      fileLevel
        ? { formError: result.problems[0]!.message }
        : { formError: 'Nothing was imported: fix the rows below and import the whole file again.', problems: result.problems, more: result.more },
      400,
    )
  }
  const counts = new URLSearchParams({ created: String(result.created), updated: String(result.updated), stockIgnored: String(result.stockIgnored) })
  return redirect(`/organisations/${organisation.slug}/listings/import?${counts}`)
}

export default function ImportListings() {
  const { organisation, columns, limits, options, imported } = useLoaderData<typeof loader>()
  const failed = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const { t } = useTranslation('listings')
  const f = useFormat()
  const message = useMessage()
  // A fresh form after each import, so the file just imported is not sent twice by mistake.
  const formKey = useLocation().key
  const exportHref = `/organisations/${organisation.slug}/listings.csv`
  const { bounds } = options
  const column = (c: CsvColumn) => t(`csv.columns.${c}`)
  const percent = (bp: number) => f.number(bp / 100, { maximumFractionDigits: 2 })
  const code = <code />
  return (
    <section aria-labelledby="import-title" className="csv-import">
      <nav aria-label={t('breadcrumb.label')} className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}/manage`}>{t('breadcrumb.workspace', { organisation: organisation.name })}</Link>{' '}
        <span aria-hidden="true">›</span> <Link to={`/organisations/${organisation.slug}/listings`}>{t('breadcrumb.listings')}</Link>{' '}
        <span aria-hidden="true">›</span> <span>{t('breadcrumb.import')}</span>
      </nav>
      <h1 id="import-title">{t('import.title')}</h1>
      {imported ? (
        <Notice tone="success">
          {t('import.done', { count: imported.created, created: f.number(imported.created), updated: f.number(imported.updated) })}
          {imported.stockIgnored > 0 ? ' ' + t('import.stockIgnored', { count: imported.stockIgnored, n: f.number(imported.stockIgnored) }) : null}
        </Notice>
      ) : null}
      <p>
        <Trans
          t={t}
          i18nKey="import.intro"
          components={{
            download: <a href={exportHref} download />,
            strong: <strong />,
          }}
        />
      </p>
      <p className="csv-import__rule">
        <Trans t={t} i18nKey="import.allOrNothing" components={{ strong: <strong /> }} />
      </p>

      <Form key={formKey} method="post" encType="multipart/form-data" className="form">
        <FormError message={failed?.formError} />
        <div className="field">
          <label htmlFor="field-file">{t('import.file')}</label>
          <input id="field-file" name="file" type="file" accept=".csv,text/csv" required aria-describedby="field-file-hint" />
          <p className="field-hint" id="field-file-hint">
            {t('import.fileHint', { rows: f.number(limits.maxRows) })}
          </p>
        </div>
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('import.importing') : t('import.submit')}
          </button>
        </div>
      </Form>

      {failed && failed.problems.length > 0 ? (
        <section aria-labelledby="report-title" className="csv-report">
          <h2 id="report-title">
            {t('import.problemsTitle', { count: failed.problems.length + failed.more, n: f.number(failed.problems.length + failed.more) })}
          </h2>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('import.row')}</th>
                  <th scope="col">{t('import.column')}</th>
                  <th scope="col">{t('import.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {failed.problems.map((p, i) => (
                  <tr key={i}>
                    <td className="num">{p.row ?? '—'}</td>
                    <td>{p.column ? <code>{column(p.column)}</code> : '—'}</td>
                    <td>{message(p.message)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {failed.more > 0 ? (
            <p className="muted">{t('import.more', { count: failed.more, n: f.number(failed.more), max: f.number(limits.maxProblems) })}</p>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="columns-title">
        <h2 id="columns-title">{t('import.columnsTitle')}</h2>
        <p>
          {t('import.columnsIntro')} {t('import.columnsLanguages')}
        </p>
        <div className="table-scroll">
          <table className="csv-columns">
            <thead>
              <tr>
                <th scope="col">{t('import.column')}</th>
                <th scope="col">{t('import.whatToWrite')}</th>
              </tr>
            </thead>
            <tbody>
              {columns.map((c) => (
                <tr key={c}>
                  <th scope="row">
                    <code>{column(c)}</code>
                    {column(c) === c ? null : (
                      <span className="muted small">
                        {' '}
                        (<code>{c}</code>)
                      </span>
                    )}
                  </th>
                  <td>
                    <Trans
                      t={t}
                      i18nKey={`import.help.${c}`}
                      values={{
                        min: percent(bounds.commonsFundMinBp),
                        infraMin: percent(bounds.infrastructureMinBp),
                        infraMax: percent(bounds.infrastructureMaxBp),
                      }}
                      components={{ code }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <details className="csv-codes">
          <summary>{t('import.codes', { category: column('category'), licence: column('licence'), fund: column('commons_fund') })}</summary>
          <h3>{t('import.categories')}</h3>
          <ul>
            {options.categories.map((c) => (
              <li key={c.slug}>
                <code>{c.slug}</code> — {t(`catalog:categories.${c.slug}`, { defaultValue: c.name })}
              </li>
            ))}
          </ul>
          <h3>{t('import.licences')}</h3>
          <ul>
            {options.licences.map((l) => (
              <li key={l.code}>
                <code>{l.code}</code> — {l.name}
              </li>
            ))}
          </ul>
          <h3>{t('import.funds')}</h3>
          <ul>
            {options.funds.map((fund) => (
              <li key={fund.slug}>
                <code>{fund.slug}</code> — {fund.name} ({fund.currency})
              </li>
            ))}
          </ul>
        </details>
      </section>
    </section>
  )
}
