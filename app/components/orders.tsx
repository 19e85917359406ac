import type { OrderStatus } from '../../db/schema'
import { orderStatusLabel } from '~/lib/labels'

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  return <span className={`status status--${status}`}>{orderStatusLabel[status]}</span>
}

/** UTC ISO text shown as a date and time a person reads, in UTC so every reader sees the same. */
export function When({ iso }: { iso: string }) {
  const d = new Date(iso)
  const text = `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`
  return <time dateTime={iso}>{text}</time>
}
