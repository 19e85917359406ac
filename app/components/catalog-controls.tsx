import { Form, Link } from '@remix-run/react'
import { legalForms, offerKinds } from '../../db/schema'
import { legalFormLabel } from '~/lib/labels'
import type { CatalogFacets } from '~/modules/catalog/catalog.server'
import type { CatalogQuery, RankingView } from '~/modules/catalog/query'
import { criteria, criterionLabel, defaultWeights, presetNames, presets } from '~/modules/scoring/rules'

const kindLabel = { good: 'Goods', commons: 'Commons items' } as const

function SelectFilter({ name, label, value, options }: { name: string; label: string; value: string | undefined; options: [string, string][] }) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value ?? ''}>
        <option value="">Any</option>
        {options.map(([code, text]) => (
          <option key={code} value={code}>
            {text}
          </option>
        ))}
      </select>
    </label>
  )
}

/** Search, filters and the buyer's ranking in one GET form: every state is a shareable URL. */
export function CatalogControls({ query, facets, view }: { query: CatalogQuery; facets: CatalogFacets; view: RankingView }) {
  const customWeights = view.name === 'custom' && view.weights ? view.weights : defaultWeights
  return (
    <Form method="get" className="controls" role="search" aria-label="Search and filter the catalog">
      <div className="controls__search">
        <label htmlFor="q">Search offers and producers</label>
        <div className="controls__row">
          <input id="q" name="q" type="search" defaultValue={query.q ?? ''} maxLength={200} placeholder="e.g. beehive, pasta, bookkeeping" />
          <button type="submit">Search</button>
        </div>
      </div>
      <fieldset className="controls__filters">
        <legend>Filters</legend>
        <SelectFilter name="kind" label="Kind" value={query.kind} options={offerKinds.map((k) => [k, kindLabel[k]])} />
        <SelectFilter name="category" label="Category" value={query.category} options={facets.categories.map((c) => [c.slug, c.name])} />
        <SelectFilter name="legalForm" label="Legal form" value={query.legalForm} options={legalForms.map((f) => [f, legalFormLabel[f]])} />
        <SelectFilter name="licence" label="Licence" value={query.licence} options={facets.licences.map((l) => [l.code, l.name])} />
        <SelectFilter name="country" label="Country" value={query.country} options={facets.countries.map((c) => [c, c])} />
        <label>
          Minimum score
          <input name="minScore" type="number" min={0} max={100} step={1} inputMode="numeric" defaultValue={query.minScore ?? ''} />
        </label>
      </fieldset>
      <fieldset className="controls__view">
        <legend>Rank by</legend>
        <div className="controls__presets">
          {presetNames.map((name) => (
            <label key={name} className="radio">
              <input type="radio" name="view" value={name} defaultChecked={view.name === name} /> {presets[name].label}
            </label>
          ))}
          <label className="radio">
            <input type="radio" name="view" value="custom" defaultChecked={view.name === 'custom'} /> My own weights
          </label>
        </div>
        <details open={view.name === 'custom'}>
          <summary>Set my own weights (0–100 each)</summary>
          <div className="controls__weights">
            {criteria.map((c) => (
              <label key={c}>
                {criterionLabel[c]}
                <input name={`w_${c}`} type="number" min={0} max={100} step={1} inputMode="numeric" defaultValue={customWeights[c]} />
              </label>
            ))}
          </div>
          <p className="small muted">Your weights only reorder your own view; every public badge shows the community score.</p>
        </details>
      </fieldset>
      <div className="controls__actions">
        <button type="submit">Apply</button>
        <Link to="/?view=community">Clear all</Link>
      </div>
    </Form>
  )
}
