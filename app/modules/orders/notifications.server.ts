import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema'
import type { Mail } from '../../lib/mail.server'
import { formatMoney } from '../../lib/money'
import { paymentWindowMinutes, orderReference } from './place-order.server'

// The confirmation mails of a checkout: one to the buyer, one to each producer's members.
// Built here, sent by the route once the orders are committed (no transaction waits on mail).

const classLabel = { commoner: 'commoner', for_profit: 'for-profit buyer' } as const

export async function orderConfirmationMails(db: Kysely<DB>, checkoutId: number, appUrl: string): Promise<Mail[]> {
  const checkout = await db
    .selectFrom('checkouts as c')
    .innerJoin('people as p', 'p.id', 'c.buyerPersonId')
    .select(['c.id', 'c.provider', 'c.total', 'c.currency', 'c.reciprocityClass', 'c.classReason', 'p.email', 'p.displayName'])
    .where('c.id', '=', checkoutId)
    .executeTakeFirstOrThrow()
  const orders = await db
    .selectFrom('orders as o')
    .innerJoin('organisations as org', 'org.id', 'o.organisationId')
    .select(['o.id', 'o.status', 'o.total', 'o.organisationId', 'org.name', 'org.slug'])
    .where('o.checkoutId', '=', checkoutId)
    .orderBy('o.id')
    .execute()
  const lines = await db
    .selectFrom('orderLines')
    .select(['orderId', 'offerTitle', 'quantity', 'unit', 'unitPrice', 'offerKind'])
    .where(
      'orderId',
      'in',
      orders.map((o) => o.id),
    )
    .orderBy('id')
    .execute()
  const money = (n: number) => formatMoney(n, checkout.currency)
  const describe = (orderId: number) =>
    lines
      .filter((l) => l.orderId === orderId)
      .map((l) => `  ${l.quantity} × ${l.offerTitle} (${l.unit}) at ${l.unitPrice === 0 ? 'no charge' : money(l.unitPrice)}`)
      .join('\n')
  const reference = orderReference(checkout.id)
  const receiptUrl = `${appUrl}/orders/${checkout.id}`
  const unpaid = orders.filter((o) => o.status === 'pending_payment')
  const payment =
    unpaid.length === 0
      ? checkout.total === 0
        ? 'Nothing to pay: commons are free to commoners. Your downloads are on your receipt.'
        : 'Paid in full. Thank you.'
      : checkout.provider === 'invoice'
        ? [
            `To pay: by bank transfer within ${paymentWindowMinutes.invoice / 1440} days, one transfer per producer, quoting the reference:`,
            ...unpaid.map((o) => `  ${money(o.total)} to ${o.name}, reference ${orderReference(checkout.id, o.id)}`),
            'Each producer sends its bank details with its invoice and confirms here when the money arrives.',
          ].join('\n')
        : `To pay: ${money(unpaid.reduce((s, o) => s + o.total, 0))} by card; the payment page is linked from your receipt.`

  const buyerMail: Mail = {
    to: checkout.email,
    subject: `Your order ${reference} at Solidarity Market`,
    text: [
      `Hello ${checkout.displayName},`,
      '',
      `Thank you for your order ${reference}. You bought as a ${classLabel[checkout.reciprocityClass]}: ${checkout.classReason}.`,
      '',
      ...orders.flatMap((o) => [`From ${o.name} (${orderReference(checkout.id, o.id)}), ${money(o.total)}:`, describe(o.id), '']),
      `Total: ${money(checkout.total)}`,
      '',
      payment,
      '',
      `Your receipt: ${receiptUrl}`,
    ].join('\n'),
  }

  const members = await db
    .selectFrom('memberships as m')
    .innerJoin('people as p', 'p.id', 'm.personId')
    .select(['m.organisationId', 'p.email'])
    .where(
      'm.organisationId',
      'in',
      orders.map((o) => o.organisationId),
    )
    .orderBy('p.email')
    .execute()
  const producerMails = orders.flatMap((o) =>
    members
      .filter((m) => m.organisationId === o.organisationId)
      .map(
        (m): Mail => ({
          to: m.email,
          subject: `New order ${orderReference(checkout.id, o.id)} for ${o.name}`,
          text: [
            `${checkout.displayName} ordered from ${o.name}, buying as a ${classLabel[checkout.reciprocityClass]} (${checkout.classReason}):`,
            '',
            describe(o.id),
            '',
            `Total: ${money(o.total)} — ${o.status === 'pending_payment' ? (checkout.provider === 'invoice' ? 'to be paid by bank transfer; mark it received when it arrives' : 'awaiting card payment') : 'paid'}.`,
            '',
            `Your orders: ${appUrl}/organisations/${o.slug}/orders`,
          ].join('\n'),
        }),
      ),
  )
  return [buyerMail, ...producerMails]
}
