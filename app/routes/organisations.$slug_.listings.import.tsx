import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { clock } from '~/lib/clock'
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from '@remix-run/react'
import type { ReactNode } from 'react'
import { z } from 'zod'
import { FormError, Notice } from '~/components/form'
import { getDb } from '~/lib/db.server'
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

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Import listings · ${data ? data.organisation.name : 'Organisation'} · Solidarity Market` },
]

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

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`

export default function ImportListings() {
  const { organisation, columns, limits, options, imported } = useLoaderData<typeof loader>()
  const failed = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  // A fresh form after each import, so the file just imported is not sent twice by mistake.
  const formKey = useLocation().key
  const exportHref = `/organisations/${organisation.slug}/listings.csv`
  const { bounds } = options
  const help: Record<CsvColumn, ReactNode> = {
    slug: 'Empty for a new listing. The slug of one of your listings (as the export writes it) updates that listing. The column may be left out.',
    kind: (
      <>
        <code>good</code> or <code>commons</code>.
      </>
    ),
    title: '3 to 200 characters.',
    description: 'Optional, up to 5,000 characters; line breaks are kept.',
    category: 'The category’s code (see below).',
    licence: 'The licence’s code (see below); required for a commons item.',
    unit: 'What one unit is: a piece, a kilo, a download …',
    delivery: (
      <>
        Goods: <code>shipping</code>, <code>pickup</code> or <code>shipping_or_pickup</code>. Commons items: <code>download</code> or <code>link</code>.
      </>
    ),
    stock:
      'Goods only: how many you have, for a new listing. An update never changes stock (buyers may have taken some since the export): adjust it on the listing, where every change keeps its reason.',
    currency: 'The commons fund’s currency, such as EUR; may be left empty.',
    commoner_price: (
      <>
        An amount such as <code>12.50</code>, without a currency sign. <code>0</code> for a commons item: commoners get it free.
      </>
    ),
    for_profit_price: 'An amount such as 18.00; never below the commoner price.',
    producer_share_pct: 'Your share of the access fee, as a percentage (up to 2 decimals).',
    commons_fund_share_pct: `The commons fund’s share: at least ${bounds.commonsFundMinBp / 100}%.`,
    infrastructure_share_pct: `The infrastructure fund’s share: ${bounds.infrastructureMinBp / 100}% to ${bounds.infrastructureMaxBp / 100}%. The three shares add up to 100; leave all three empty for the usual split.`,
    commons_fund: 'The code of the commons fund that receives the access fee (see below).',
    status: (
      <>
        <code>active</code> or <code>archived</code>; empty keeps an existing listing’s status, and a new one is active.
      </>
    ),
  }
  return (
    <section aria-labelledby="import-title" className="csv-import">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}/manage`}>{organisation.name} workspace</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={`/organisations/${organisation.slug}/listings`}>Listings</Link> <span aria-hidden="true">›</span> <span>Import</span>
      </nav>
      <h1 id="import-title">Import listings from CSV</h1>
      {imported ? (
        <Notice tone="success">
          {plural(imported.created, 'listing')} created, {imported.updated.toLocaleString('en')} updated; your listings were rescored.
          {imported.stockIgnored > 0
            ? ` The stock of ${plural(imported.stockIgnored, 'good')} in the file differs from what is stored and was left as it is: adjust stock on each listing.`
            : ''}
        </Notice>
      ) : null}
      <p>
        Edit many listings at once in a spreadsheet:{' '}
        <a href={exportHref} download>
          download your listings as CSV
        </a>{' '}
        (every listing, archived ones too), change them, add rows for new ones, and import the file here. Save it as <strong>CSV UTF-8</strong>.
      </p>
      <p className="csv-import__rule">
        <strong>All or nothing.</strong> Every row is checked before anything is saved. If any row is wrong, nothing is imported and this page lists each
        problem with its row number (as your spreadsheet shows it) and column. If every row is right, all of them are saved together: rows without a slug become
        new listings, rows with one of your slugs update that listing.
      </p>

      <Form key={formKey} method="post" encType="multipart/form-data" className="form">
        <FormError message={failed?.formError} />
        <div className="field">
          <label htmlFor="field-file">CSV file</label>
          <input id="field-file" name="file" type="file" accept=".csv,text/csv" required aria-describedby="field-file-hint" />
          <p className="field-hint" id="field-file-hint">
            At most 5 MB and {limits.maxRows.toLocaleString('en')} rows per import.
          </p>
        </div>
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </Form>

      {failed && failed.problems.length > 0 ? (
        <section aria-labelledby="report-title" className="csv-report">
          <h2 id="report-title">{plural(failed.problems.length + failed.more, 'problem')} to fix</h2>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Column</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {failed.problems.map((p, i) => (
                  <tr key={i}>
                    <td className="num">{p.row ?? '—'}</td>
                    <td>{p.column ? <code>{p.column}</code> : '—'}</td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {failed.more > 0 ? (
            <p className="muted">
              … and {plural(failed.more, 'more problem')}, not shown: the first {limits.maxProblems} are listed. Fix these and import again to see the rest.
            </p>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="columns-title">
        <h2 id="columns-title">Columns</h2>
        <p>
          The first row names the columns, in any order; they are the ones the export writes. Rows that are entirely empty are skipped. A cell that starts with
          an apostrophe followed by = + - or @ is read without the apostrophe (the export adds it so spreadsheets do not run the cell as a formula).
        </p>
        <div className="table-scroll">
          <table className="csv-columns">
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">What to write</th>
              </tr>
            </thead>
            <tbody>
              {columns.map((c) => (
                <tr key={c}>
                  <th scope="row">
                    <code>{c}</code>
                  </th>
                  <td>{help[c]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <details className="csv-codes">
          <summary>Codes for category, licence and commons_fund</summary>
          <h3>Categories</h3>
          <ul>
            {options.categories.map((c) => (
              <li key={c.slug}>
                <code>{c.slug}</code> — {c.name}
              </li>
            ))}
          </ul>
          <h3>Licences</h3>
          <ul>
            {options.licences.map((l) => (
              <li key={l.code}>
                <code>{l.code}</code> — {l.name}
              </li>
            ))}
          </ul>
          <h3>Commons funds</h3>
          <ul>
            {options.funds.map((f) => (
              <li key={f.slug}>
                <code>{f.slug}</code> — {f.name} ({f.currency})
              </li>
            ))}
          </ul>
        </details>
      </section>
    </section>
  )
}
