import { useTranslation } from 'react-i18next'
import { intlLocale, useFormat } from '~/i18n/format'
import type { Money } from '~/lib/money'

// Charts drawn as plain SVG and HTML on the server: they need no JavaScript and no library,
// and each comes with its figures as a table for screen readers and for copying.

export interface ColumnSeries {
  label: string
  className: string
  values: number[]
}

const monthPeriod = /^\d{4}-\d{2}$/
const dayPeriod = /^\d{4}-\d{2}-\d{2}$/

/** A period in the reader's language: a day ("2 Nov" / "2 November 2026") or a month ("Nov" / "November 2026"), as the calendar names it (UTC). */
function usePeriodText(): (period: string, style: 'short' | 'long') => string {
  const f = useFormat()
  const locale = intlLocale(f.locale.language)
  return (period, style) => {
    if (monthPeriod.test(period)) {
      const options: Intl.DateTimeFormatOptions = style === 'short' ? { month: 'short' } : { month: 'long', year: 'numeric' }
      return new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(new Date(`${period}-01T00:00:00Z`))
    }
    if (dayPeriod.test(period)) {
      return style === 'short'
        ? new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${period}T00:00:00Z`))
        : f.date(period)
    }
    return period
  }
}

/** Stacked columns, one per period; amounts in minor units of `currency`. */
export function StackedColumns({
  title,
  periods,
  series,
  currency,
  periodHeading,
}: {
  title: string
  /** calendar days (YYYY-MM-DD, a week's first day) or months (YYYY-MM) */
  periods: string[]
  series: ColumnSeries[]
  currency: string
  /** the heading of the periods' column in the figures table; "Week of" or "Month" by default */
  periodHeading?: string
}) {
  const { t } = useTranslation('organisation')
  const f = useFormat()
  const periodText = usePeriodText()
  const totals = periods.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0))
  const max = Math.max(1, ...totals)
  const width = 640
  const height = 220
  const left = 56
  const bottom = 28
  const plotH = height - bottom - 10
  const step = (width - left - 8) / Math.max(1, periods.length)
  const bar = Math.max(4, step * 0.7)
  const labelEvery = Math.ceil(periods.length / 8)
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={t('charts.figuresBelow', { title })}>
        <line x1={left} y1={10} x2={left} y2={10 + plotH} className="chart__axis" />
        <line x1={left} y1={10 + plotH} x2={width - 4} y2={10 + plotH} className="chart__axis" />
        <text x={left - 6} y={16} textAnchor="end" className="chart__label">
          {f.money(max, currency)}
        </text>
        <text x={left - 6} y={10 + plotH} textAnchor="end" className="chart__label">
          {f.number(0)}
        </text>
        {periods.map((period, i) => {
          let y = 10 + plotH
          const x = left + i * step + (step - bar) / 2
          return (
            <g key={period}>
              {series.map((s) => {
                const h = ((s.values[i] ?? 0) / max) * plotH
                y -= h
                return h > 0 ? (
                  <rect key={s.label} x={x} y={y} width={bar} height={h} className={s.className}>
                    <title>{t('charts.tooltip', { period: periodText(period, 'long'), series: s.label, amount: f.money(s.values[i] ?? 0, currency) })}</title>
                  </rect>
                ) : null
              })}
              {i % labelEvery === 0 ? (
                <text x={x + bar / 2} y={height - 8} textAnchor="middle" className="chart__label">
                  {periodText(period, 'short')}
                </text>
              ) : null}
            </g>
          )
        })}
      </svg>
      <figcaption>
        {t('charts.caption', { title })}{' '}
        {series.map((s) => (
          <span key={s.label} className="chart__legend">
            <span className={`chart__swatch ${s.className}`} aria-hidden="true" /> {s.label}
          </span>
        ))}
      </figcaption>
      <details>
        <summary>{t('charts.showFigures')}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{periodHeading ?? (periods.every((p) => monthPeriod.test(p)) ? t('charts.month') : t('charts.weekOf'))}</th>
              {series.map((s) => (
                <th key={s.label} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {periods.map((p, i) => (
              <tr key={p}>
                <th scope="row">{periodText(p, 'long')}</th>
                {series.map((s) => (
                  <td key={s.label}>{f.money(s.values[i] ?? 0, currency)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}

/** Horizontal bars for a ranking (offers, classes, destinations), the figure beside each bar. */
export function BarList({ items, caption }: { items: { label: React.ReactNode; key: string; value: Money; note?: string }[]; caption: string }) {
  const f = useFormat()
  const max = Math.max(1, ...items.map((i) => i.value.amount))
  return (
    <table className="bar-list">
      <caption className="visually-hidden">{caption}</caption>
      <tbody>
        {items.map((item) => (
          <tr key={item.key}>
            <th scope="row">{item.label}</th>
            <td className="bar-list__bar" aria-hidden="true">
              <span style={{ width: `${Math.max(1, (item.value.amount / max) * 100)}%` }} />
            </td>
            <td className="bar-list__value">
              {f.money(item.value.amount, item.value.currency)}
              {item.note ? <span className="muted small"> {item.note}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
