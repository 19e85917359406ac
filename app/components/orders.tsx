import type { ComponentProps } from 'react'
import { Trans } from 'react-i18next'
import type { OrderStatus } from '../../db/schema'
import { useFormat } from '~/i18n/format'
import { useLabels } from '~/i18n/labels'

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  const labels = useLabels()
  return <span className={`status status--${status}`}>{labels.orderStatus(status)}</span>
}

/** UTC ISO text shown as a date and time a person reads: in the reader's zone, with the zone named. */
export function When({ iso }: { iso: string }) {
  const f = useFormat()
  return <time dateTime={iso}>{f.dateTime(iso)}</time>
}

/**
 * `<Trans>` for sentences whose values are names people typed: the values are escaped before the
 * sentence's tags are read, and unescaped in the text, so "Tomato <seeds>" stays as it was written
 * instead of being read as a tag.
 */
export function TransText(props: ComponentProps<typeof Trans>) {
  return <Trans {...props} tOptions={{ ...props.tOptions, interpolation: { ...props.tOptions?.interpolation, escapeValue: true } }} shouldUnescape />
}
