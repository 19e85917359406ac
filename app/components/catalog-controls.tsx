import { Form, Link } from '@remix-run/react'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { legalForms, offerKinds } from '../../db/schema'
import { intlLocale, useFormat } from '~/i18n/format'
import { useLabels } from '~/i18n/labels'
import type { CatalogFacets } from '~/modules/catalog/catalog.server'
import type { CatalogQuery, RankingView } from '~/modules/catalog/query'
import { criteria, defaultWeights, presetNames } from '~/modules/scoring/rules'

function SelectFilter({
  name,
  label,
  value,
  options,
  any,
}: {
  name: string
  label: string
  value: string | undefined
  options: [string, string][]
  any: string
}) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value ?? ''}>
        <option value="">{any}</option>
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
  const { t } = useTranslation('catalog')
  const labels = useLabels()
  const customWeights = view.name === 'custom' && view.weights ? view.weights : defaultWeights
  const any = t('controls.any')
  const language = useFormat().locale.language
  const countryName = useMemo(() => {
    const names = new Intl.DisplayNames([intlLocale(language)], { type: 'region' })
    return (code: string) => {
      try {
        return names.of(code.toUpperCase()) ?? code
      } catch {
        return code
      }
    }
  }, [language])
  return (
    <Form method="get" className="controls" role="search" aria-label={t('controls.label')}>
      <div className="controls__search">
        <label htmlFor="q">{t('controls.searchLabel')}</label>
        <div className="controls__row">
          <input id="q" name="q" type="search" defaultValue={query.q ?? ''} maxLength={200} placeholder={t('controls.searchPlaceholder')} />
          <button type="submit">{t('controls.search')}</button>
        </div>
      </div>
      <fieldset className="controls__filters">
        <legend>{t('controls.filters')}</legend>
        <SelectFilter name="kind" label={t('controls.kind')} any={any} value={query.kind} options={offerKinds.map((k) => [k, t(`controls.kinds.${k}`)])} />
        <SelectFilter
          name="category"
          label={t('controls.category')}
          any={any}
          value={query.category}
          options={facets.categories.map((c) => [c.slug, t(`categories.${c.slug}`, { defaultValue: c.name })])}
        />
        <SelectFilter
          name="legalForm"
          label={t('controls.legalForm')}
          any={any}
          value={query.legalForm}
          options={legalForms.map((f) => [f, labels.legalForm(f)])}
        />
        <SelectFilter
          name="licence"
          label={t('controls.licence')}
          any={any}
          value={query.licence}
          options={facets.licences.map((l) => [l.code, t(`licences.${l.code}`, { defaultValue: l.name })])}
        />
        <SelectFilter name="country" label={t('controls.country')} any={any} value={query.country} options={facets.countries.map((c) => [c, countryName(c)])} />
        <label>
          {t('controls.minScore')}
          <input name="minScore" type="number" min={0} max={100} step={1} inputMode="numeric" defaultValue={query.minScore ?? ''} />
        </label>
      </fieldset>
      <fieldset className="controls__view">
        <legend>{t('controls.rankBy')}</legend>
        <div className="controls__presets">
          {presetNames.map((name) => (
            <label key={name} className="radio">
              <input type="radio" name="view" value={name} defaultChecked={view.name === name} /> {t(`presets.${name}`)}
            </label>
          ))}
          <label className="radio">
            <input type="radio" name="view" value="custom" defaultChecked={view.name === 'custom'} /> {t('controls.myOwnWeights')}
          </label>
        </div>
        <details open={view.name === 'custom'}>
          <summary>{t('controls.setWeights')}</summary>
          <div className="controls__weights">
            {criteria.map((c) => (
              <label key={c}>
                {t(`criteria.${c}`)}
                <input name={`w_${c}`} type="number" min={0} max={100} step={1} inputMode="numeric" defaultValue={customWeights[c]} />
              </label>
            ))}
          </div>
          <p className="small muted">{t('controls.weightsHint')}</p>
        </details>
      </fieldset>
      <div className="controls__actions">
        <button type="submit">{t('controls.apply')}</button>
        <Link to="/?view=community">{t('controls.clearAll')}</Link>
      </div>
    </Form>
  )
}
