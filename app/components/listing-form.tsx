import type { ListingFields } from '~/modules/listings/listings-queries.server'
import { Form } from '@remix-run/react'
import { useState, useSyncExternalStore, type ReactNode } from 'react'
import { deliveryModes, licenceOpenness, type DeliveryMode, type LicenceOpenness, type OfferKind } from '../../db/schema'
import { Trans, useTranslation } from 'react-i18next'
import { useFormat } from '~/i18n/format'
import { useLabels } from '~/i18n/labels'
import { useMessage } from '~/i18n/messages'
import { parseMinorUnits, toDecimalString } from '~/lib/money'
import { defaultAccessFeeSplit, priceLine, tierPriceProblems, type AccessFeeSplit, type PricedLine } from '~/modules/pricing/pricing'
import { FormError } from './form'
import { basisPointsFrom, percentText } from '~/lib/percent'

// The listing form, used to list a new offer and to edit one. People type prices as decimals
// and the access-fee split as percentages; reading them into minor units and basis points
// happens here, once, for the server (which validates and saves) and for the live preview
// (which prices with the same pure priceLine the checkout uses), so the two never disagree.

export interface ListingFormOptions {
  categories: { slug: string; name: string }[]
  licences: { code: string; name: string; openness: LicenceOpenness }[]
  funds: { slug: string; name: string; currency: string; purpose: string }[]
  bounds: { commonsFundMinBp: number; infrastructureMinBp: number; infrastructureMaxBp: number }
}

/** The form's text, as the browser posts it. */
export type ListingFormValues = Record<string, string>

const shareFields = { producerBp: 'producerPercent', commonsFundBp: 'commonsFundPercent', infrastructureBp: 'infrastructurePercent' } as const

const deliveryFor: Record<OfferKind, readonly DeliveryMode[]> = {
  good: ['shipping', 'pickup', 'shipping_or_pickup'],
  commons: ['download', 'link'],
}

/** A blank form for a new listing of this kind, with the community's default split. */
export function newListingValues(kind: OfferKind = 'good'): ListingFormValues {
  const split = defaultAccessFeeSplit(kind)
  return {
    kind,
    title: '',
    description: '',
    category: '',
    licence: '',
    unit: '',
    delivery: deliveryFor[kind][0]!,
    stock: kind === 'good' ? '0' : '',
    personalUseCap: '',
    commonerPrice: kind === 'commons' ? '0' : '',
    forProfitPrice: '',
    producerPercent: percentText(split.producerBp),
    commonsFundPercent: percentText(split.commonsFundBp),
    infrastructurePercent: percentText(split.infrastructureBp),
    commonsFund: '',
  }
}

/** A saved listing as the form shows it. */
export function listingFormValues(l: ListingFields): ListingFormValues {
  return {
    kind: l.kind,
    title: l.title,
    description: l.description,
    category: l.category,
    licence: l.licence ?? '',
    unit: l.unit,
    delivery: l.delivery,
    commonerPrice: toDecimalString(l.commonerPrice, l.currency),
    forProfitPrice: toDecimalString(l.forProfitPrice, l.currency),
    producerPercent: percentText(l.producerBp),
    commonsFundPercent: percentText(l.commonsFundBp),
    infrastructurePercent: percentText(l.infrastructureBp),
    commonsFund: l.commonsFund,
    personalUseCap: l.personalUseCap === null ? '' : String(l.personalUseCap),
  }
}

/** The currency of the chosen commons fund: prices are in the currency of the fund they feed. */
export function currencyOf(funds: ListingFormOptions['funds'], fundSlug: string | undefined): string {
  return funds.find((f) => f.slug === fundSlug)?.currency ?? funds[0]?.currency ?? 'EUR'
}

function amountProblem(currency: string) {
  const decimals = toDecimalString(0, currency).split('.')[1]?.length ?? 0
  return decimals ? `Enter an amount such as 12 or 12.50 (${currency}, at most ${decimals} decimals).` : `Enter a whole amount in ${currency}, such as 12.`
}

/**
 * Reads the posted form as a listing (prices in minor units, shares in basis points) plus a
 * message for each amount that cannot be read; what remains is for the domain to validate.
 * `checkable` stands in an amount that breaks no rule for each unreadable one, so the other
 * fields can be checked (and explained) in the same reply.
 */
export function readListingForm(
  values: ListingFormValues,
  currency: string,
): { input: Record<string, unknown>; fieldErrors: Record<string, string>; checkable: Record<string, unknown> } {
  const fieldErrors: Record<string, string> = {}
  const input: Record<string, unknown> = {
    kind: values.kind,
    title: values.title,
    description: values.description,
    category: values.category,
    licence: values.licence,
    unit: values.unit,
    delivery: values.delivery,
    commonsFund: values.commonsFund,
  }
  if (values.stock !== undefined && values.stock.trim() !== '') input.stock = values.stock.trim()
  // An empty cap field means no cap; a form without the field leaves the cap as it is.
  if (values.personalUseCap !== undefined) input.personalUseCap = values.personalUseCap.trim() === '' ? null : values.personalUseCap.trim()
  for (const field of ['commonerPrice', 'forProfitPrice'] as const) {
    // A decimal comma too (12,50), as most of the marketplace's languages write amounts.
    const amount = parseMinorUnits(values[field] ?? '', currency, { decimalComma: true })
    if (amount === null) fieldErrors[field] = (values[field] ?? '').trim() === '' ? 'Enter a price (0 for free).' : amountProblem(currency)
    else input[field] = amount
  }
  const typed = Object.values(shareFields).some((f) => (values[f] ?? '').trim() !== '')
  if (typed) {
    for (const [key, field] of Object.entries(shareFields)) {
      const bp = basisPointsFrom(values[field] ?? '')
      if (bp === null) fieldErrors[field] = 'Enter a percentage such as 45 or 12.5.'
      else input[key] = bp
    }
  }
  const checkable = { ...input }
  if (checkable.commonerPrice === undefined) checkable.commonerPrice = 0
  if (checkable.forProfitPrice === undefined) checkable.forProfitPrice = checkable.commonerPrice
  if (Object.values(shareFields).some((f) => fieldErrors[f])) for (const key of Object.keys(shareFields)) delete checkable[key]
  return { input, fieldErrors, checkable }
}

export type PricePreview = { ok: true; commoner: PricedLine; forProfit: PricedLine; split: AccessFeeSplit } | { ok: false; problems: string[] }

/** What each class pays for one unit and where the access fee goes, or why that cannot be said yet. */
export function pricePreview(values: ListingFormValues, currency: string): PricePreview {
  const kind: OfferKind = values.kind === 'commons' ? 'commons' : 'good'
  if (!(values.forProfitPrice ?? '').trim()) return { ok: false, problems: ['Type the prices to see what each buyer pays and where the access fee goes.'] }
  const { input, fieldErrors } = readListingForm(values, currency)
  const problems = Object.values(fieldErrors)
  if (problems.length) return { ok: false, problems: [...new Set(problems)] }
  const split: AccessFeeSplit =
    input.producerBp === undefined
      ? defaultAccessFeeSplit(kind)
      : { producerBp: input.producerBp as number, commonsFundBp: input.commonsFundBp as number, infrastructureBp: input.infrastructureBp as number }
  const offer = { kind, commonerPrice: input.commonerPrice as number, forProfitPrice: input.forProfitPrice as number, ...split }
  const tierProblems = Object.values(tierPriceProblems(offer))
  if (tierProblems.length) return { ok: false, problems: tierProblems }
  return { ok: true, commoner: priceLine(offer, 'commoner', 1), forProfit: priceLine(offer, 'for_profit', 1), split }
}

/** True once React runs in the browser: what only works with JavaScript waits for it. */
function useHydrated() {
  // false on the server and in the first render that hydrates its HTML, true after: React's own
  // way to tell them apart without an effect that renders twice.
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  )
}
const noSubscription = () => () => {}

function Slot({
  name,
  label,
  error,
  hint,
  optional,
  children,
}: {
  name: string
  label: ReactNode
  error?: string | null
  hint?: ReactNode
  optional?: boolean
  children: (aria: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode
}) {
  const { t } = useTranslation()
  const message = useMessage()
  const id = `field-${name}`
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label htmlFor={id}>
        {label}
        {optional ? <span className="muted"> {t('form.optional')}</span> : null}
      </label>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {message(error)}
        </p>
      ) : null}
      {children({ id, ...(error ? { 'aria-invalid': true as const } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  )
}

export function ListingForm({
  mode,
  options,
  values: initial,
  fieldErrors = {},
  formError,
}: {
  mode: 'new' | 'edit'
  options: ListingFormOptions
  values: ListingFormValues
  fieldErrors?: Partial<Record<string, string>>
  formError?: string | null
}) {
  const hydrated = useHydrated()
  const { t } = useTranslation('listings')
  const f = useFormat()
  const labels = useLabels()
  const message = useMessage()
  const percent = (bp: number) => f.number(bp / 100, { maximumFractionDigits: 2 })
  const [values, setValues] = useState(initial)
  const [sharesTouched, setSharesTouched] = useState(false)
  const kind: OfferKind = values.kind === 'commons' ? 'commons' : 'good'
  const currency = currencyOf(options.funds, values.commonsFund)
  const fund = options.funds.find((f) => f.slug === values.commonsFund)
  const set = (field: string) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [field]: event.target.value }))
  const error = (...fields: string[]) => fields.map((f) => fieldErrors[f]).find(Boolean) ?? null
  const { bounds } = options

  const chooseKind = (next: OfferKind) =>
    setValues((v) => ({
      ...v,
      kind: next,
      delivery: deliveryFor[next].includes(v.delivery as DeliveryMode) ? v.delivery! : deliveryFor[next][0]!,
      // A commons item is free to commoners, always.
      commonerPrice: next === 'commons' ? '0' : v.commonerPrice === '0' && v.kind === 'commons' ? '' : v.commonerPrice!,
      ...(sharesTouched
        ? {}
        : {
            producerPercent: percentText(defaultAccessFeeSplit(next).producerBp),
            commonsFundPercent: percentText(defaultAccessFeeSplit(next).commonsFundBp),
            infrastructurePercent: percentText(defaultAccessFeeSplit(next).infrastructureBp),
          }),
    }))
  const setShare = (field: string) => (event: { target: { value: string } }) => {
    setSharesTouched(true)
    set(field)(event)
  }
  // Without JavaScript nothing can appear or hide as choices change, so everything shows.
  const showStock = mode === 'new' && (!hydrated || kind === 'good')
  const deliveries = hydrated ? deliveryFor[kind] : deliveryModes
  const shareSum = Object.values(shareFields).reduce<number | null>((sum, f) => {
    const bp = basisPointsFrom(values[f] ?? '')
    return sum === null || bp === null ? null : sum + bp
  }, 0)
  const shareBounds = {
    min: percent(bounds.commonsFundMinBp),
    infraMin: percent(bounds.infrastructureMinBp),
    infraMax: percent(bounds.infrastructureMaxBp),
  }
  const shareError = error('producerPercent', 'commonsFundPercent', 'infrastructurePercent', 'producerBp', 'commonsFundBp', 'infrastructureBp')

  return (
    <Form method="post" className="form listing-form">
      <FormError message={formError} />
      <fieldset className="listing-form__section">
        <legend>{t('form.whatYouOffer')}</legend>
        <div
          className={error('kind') ? 'field field--invalid' : 'field'}
          role="radiogroup"
          aria-labelledby="kind-label"
          aria-describedby={error('kind') ? 'field-kind-error' : undefined}
        >
          <span id="kind-label" className="field__label">
            {t('form.kind')}
          </span>
          {error('kind') ? (
            <p className="field-error" id="field-kind-error">
              <span aria-hidden="true">⚠ </span>
              {message(error('kind'))}
            </p>
          ) : null}
          <div className="kind-choice">
            <label className="kind-choice__option">
              <input type="radio" name="kind" value="good" checked={kind === 'good'} onChange={() => chooseKind('good')} />
              <span>
                <strong>{t('form.good')}</strong>
                <span className="muted small"> {t('form.goodText')}</span>
              </span>
            </label>
            <label className="kind-choice__option">
              <input type="radio" name="kind" value="commons" checked={kind === 'commons'} onChange={() => chooseKind('commons')} />
              <span>
                <strong>{t('form.commons')}</strong>
                <span className="muted small"> {t('form.commonsText')}</span>
              </span>
            </label>
          </div>
        </div>
        <Slot name="title" label={t('form.title')} error={error('title')}>
          {(aria) => <input {...aria} name="title" required minLength={3} maxLength={200} value={values.title ?? ''} onChange={set('title')} />}
        </Slot>
        <Slot name="description" label={t('form.description')} optional error={error('description')} hint={t('form.descriptionHint')}>
          {(aria) => <textarea {...aria} name="description" rows={5} maxLength={5000} value={values.description ?? ''} onChange={set('description')} />}
        </Slot>
        <div className="field-row">
          <Slot name="category" label={t('form.category')} error={error('category')}>
            {(aria) => (
              <select {...aria} name="category" required value={values.category ?? ''} onChange={set('category')}>
                <option value="">{t('form.chooseCategory')}</option>
                {options.categories.map((c) => (
                  <option key={c.slug} value={c.slug}>
                    {t(`catalog:categories.${c.slug}`, { defaultValue: c.name })}
                  </option>
                ))}
              </select>
            )}
          </Slot>
          <Slot
            name="licence"
            label={t('form.licence')}
            optional={kind === 'good'}
            error={error('licence')}
            hint={kind === 'commons' ? t('form.licenceHintCommons') : t('form.licenceHintGood')}
          >
            {(aria) => (
              <select {...aria} name="licence" value={values.licence ?? ''} onChange={set('licence')}>
                <option value="">{t('form.noLicence')}</option>
                {licenceOpenness.map((openness) => {
                  const group = options.licences.filter((l) => l.openness === openness)
                  return group.length ? (
                    <optgroup key={openness} label={labels.openness(openness).replace(/^./, (c) => c.toLocaleUpperCase())}>
                      {group.map((l) => (
                        <option key={l.code} value={l.code}>
                          {l.name}
                        </option>
                      ))}
                    </optgroup>
                  ) : null
                })}
              </select>
            )}
          </Slot>
        </div>
      </fieldset>

      <fieldset className="listing-form__section">
        <legend>{t('form.howBuyersGetIt')}</legend>
        <div className="field-row">
          <Slot name="unit" label={t('form.unit')} error={error('unit')} hint={t('form.unitHint')}>
            {(aria) => <input {...aria} name="unit" required maxLength={40} value={values.unit ?? ''} onChange={set('unit')} />}
          </Slot>
          <Slot name="delivery" label={t('form.delivery')} error={error('delivery')}>
            {(aria) => (
              <select {...aria} name="delivery" value={values.delivery ?? ''} onChange={set('delivery')}>
                {deliveries.map((d) => (
                  <option key={d} value={d}>
                    {labels.delivery(d)}
                  </option>
                ))}
              </select>
            )}
          </Slot>
          {showStock ? (
            <Slot
              name="stock"
              label={t('form.initialStock')}
              error={error('stock')}
              hint={hydrated ? t('form.initialStockHint') : t('form.initialStockHintGoods')}
            >
              {(aria) => <input {...aria} name="stock" inputMode="numeric" value={values.stock ?? ''} onChange={set('stock')} />}
            </Slot>
          ) : null}
          {!hydrated || kind === 'good' ? (
            <Slot name="personalUseCap" optional label={t('form.personalUseCap')} error={error('personalUseCap')} hint={t('form.personalUseCapHint')}>
              {(aria) => <input {...aria} name="personalUseCap" inputMode="numeric" value={values.personalUseCap ?? ''} onChange={set('personalUseCap')} />}
            </Slot>
          ) : null}
        </div>
      </fieldset>

      <fieldset className="listing-form__section">
        <legend>{t('form.prices')}</legend>
        <div className="listing-form__prices">
          <div className="listing-form__price-fields">
            <Slot name="commonsFund" label={t('form.commonsFund')} error={error('commonsFund')} hint={fund ? fund.purpose : t('form.commonsFundHint')}>
              {(aria) => (
                <select {...aria} name="commonsFund" required value={values.commonsFund ?? ''} onChange={set('commonsFund')}>
                  <option value="">{t('form.chooseCommonsFund')}</option>
                  {options.funds.map((f) => (
                    <option key={f.slug} value={f.slug}>
                      {f.name}
                    </option>
                  ))}
                </select>
              )}
            </Slot>
            <div className="field-row">
              <Slot
                name="commonerPrice"
                label={t('form.commonerPrice', { currency })}
                error={error('commonerPrice')}
                hint={kind === 'commons' ? t('form.commonerPriceHintCommons') : t('form.commonerPriceHint')}
              >
                {(aria) => (
                  <input
                    {...aria}
                    name="commonerPrice"
                    inputMode="decimal"
                    autoComplete="off"
                    required
                    readOnly={hydrated && kind === 'commons'}
                    value={values.commonerPrice ?? ''}
                    onChange={set('commonerPrice')}
                  />
                )}
              </Slot>
              <Slot name="forProfitPrice" label={t('form.forProfitPrice', { currency })} error={error('forProfitPrice')} hint={t('form.forProfitPriceHint')}>
                {(aria) => (
                  <input
                    {...aria}
                    name="forProfitPrice"
                    inputMode="decimal"
                    autoComplete="off"
                    required
                    value={values.forProfitPrice ?? ''}
                    onChange={set('forProfitPrice')}
                  />
                )}
              </Slot>
            </div>
            <fieldset className={shareError ? 'shares field--invalid' : 'shares'} aria-describedby={`shares-hint${shareError ? ' shares-error' : ''}`}>
              <legend>{t('form.shares')}</legend>
              {shareError ? (
                <p className="field-error" id="shares-error">
                  <span aria-hidden="true">⚠ </span>
                  {message(shareError)}
                </p>
              ) : null}
              <div className="shares__inputs">
                {(
                  [
                    ['producerPercent', t('form.toProducer')],
                    ['commonsFundPercent', t('form.toCommonsFund')],
                    ['infrastructurePercent', t('form.toInfrastructure')],
                  ] as const
                ).map(([field, label]) => (
                  <label key={field} className="share">
                    <span>{label}</span>
                    <span className="share__input">
                      <input
                        name={field}
                        inputMode="decimal"
                        autoComplete="off"
                        value={values[field] ?? ''}
                        onChange={setShare(field)}
                        aria-invalid={shareError ? true : undefined}
                      />
                      <span aria-hidden="true">%</span>
                    </span>
                  </label>
                ))}
              </div>
              <p className="field-hint" id="shares-hint">
                {shareSum !== null && shareSum !== 10_000 ? (
                  <Trans t={t} i18nKey="form.sharesHintNow" values={{ ...shareBounds, sum: percent(shareSum) }} components={{ strong: <strong /> }} />
                ) : (
                  t('form.sharesHint', shareBounds)
                )}
              </p>
            </fieldset>
          </div>
          <PricePreviewPanel values={values} currency={currency} unit={values.unit ?? ''} fundName={fund?.name ?? null}>
            {hydrated ? null : (
              <button type="submit" name="intent" value="preview" className="button button--secondary" formNoValidate>
                {t('form.updatePreview')}
              </button>
            )}
          </PricePreviewPanel>
        </div>
      </fieldset>

      <div className="form__actions">
        <button type="submit" name="intent" value="save" className="button">
          {mode === 'new' ? t('form.listIt') : t('form.saveChanges')}
        </button>
        <span className="muted small">{t('form.scoredAtOnce')}</span>
      </div>
    </Form>
  )
}

function PricePreviewPanel({
  values,
  currency,
  unit,
  fundName,
  children,
}: {
  values: ListingFormValues
  currency: string
  unit: string
  fundName: string | null
  children?: ReactNode
}) {
  const { t } = useTranslation('listings')
  const f = useFormat()
  const message = useMessage()
  const percent = (bp: number) => f.number(bp / 100, { maximumFractionDigits: 2 })
  const preview = pricePreview(values, currency)
  const pays = (amount: number) => (amount === 0 ? t('preview.free') : f.money(amount, currency))
  const receives = (amount: number) => (amount === 0 ? '–' : f.money(amount, currency))
  const perUnit = unit.trim()
  return (
    <aside className="price-preview" aria-labelledby="preview-title">
      <h3 id="preview-title">{perUnit ? t('preview.titlePer', { unit: perUnit }) : t('preview.title')}</h3>
      <div aria-live="polite">
        {preview.ok ? (
          <>
            <table>
              <caption className="visually-hidden">{t('preview.caption')}</caption>
              <thead>
                <tr>
                  <td />
                  <th scope="col">{t('preview.commoner')}</th>
                  <th scope="col">{t('preview.forProfit')}</th>
                </tr>
              </thead>
              <tbody>
                <tr className="price-preview__pays">
                  <th scope="row">{t('preview.pays')}</th>
                  <td data-testid="preview-commoner-pays">{pays(preview.commoner.lineTotal)}</td>
                  <td data-testid="preview-for-profit-pays">{pays(preview.forProfit.lineTotal)}</td>
                </tr>
                <tr>
                  <th scope="row">{t('preview.producerReceives')}</th>
                  <td>{receives(preview.commoner.producerAmount)}</td>
                  <td data-testid="preview-producer">{receives(preview.forProfit.producerAmount)}</td>
                </tr>
                <tr>
                  <th scope="row">{fundName ?? t('preview.commonsFund')}</th>
                  <td>{receives(preview.commoner.commonsFundAmount)}</td>
                  <td data-testid="preview-fund">{receives(preview.forProfit.commonsFundAmount)}</td>
                </tr>
                <tr>
                  <th scope="row">{t('preview.infrastructureFund')}</th>
                  <td>{receives(preview.commoner.infrastructureAmount)}</td>
                  <td data-testid="preview-infrastructure">{receives(preview.forProfit.infrastructureAmount)}</td>
                </tr>
              </tbody>
            </table>
            <p className="muted small">
              {preview.forProfit.accessFee > 0
                ? t(perUnit ? 'preview.accessFeePer' : 'preview.accessFee', {
                    fee: f.money(preview.forProfit.accessFee, currency),
                    unit: perUnit,
                    producer: percent(preview.split.producerBp),
                    fund: percent(preview.split.commonsFundBp),
                    fundName: fundName ?? t('preview.theCommonsFund'),
                    infrastructure: percent(preview.split.infrastructureBp),
                  })
                : t('preview.noAccessFee')}
            </p>
          </>
        ) : (
          <ul className="price-preview__problems">
            {preview.problems.map((p) => (
              <li key={p}>{message(p)}</li>
            ))}
          </ul>
        )}
      </div>
      {children}
    </aside>
  )
}
