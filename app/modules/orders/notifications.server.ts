import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema'
import type { Mail } from '../../lib/mail.server'
import { formatMoney } from '../../lib/money'
import { paymentWindowMinutes } from './place-order.server'
import { orderReference } from './reference'

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
    .select(['o.id', 'o.status', 'o.total', 'o.creditApplied', 'o.organisationId', 'org.name', 'org.slug'])
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
  // what is still to pay once the buyer organisation's credit has paid its part
  const due = (o: (typeof orders)[number]) => o.total - o.creditApplied
  const credit = orders.reduce((s, o) => s + o.creditApplied, 0)
  const payment =
    unpaid.length === 0
      ? checkout.total === 0
        ? 'Nothing to pay: commons are free to commoners. Your downloads are on your receipt.'
        : credit > 0
          ? `Paid in full, ${money(credit)} of it from the credit the marketplace owed your organisation. Thank you.`
          : 'Paid in full. Thank you.'
      : checkout.provider === 'invoice'
        ? [
            `To pay: by bank transfer within ${paymentWindowMinutes.invoice / 1440} days, one transfer per producer, quoting the reference:`,
            ...unpaid.map((o) => `  ${money(due(o))} to ${o.name}, reference ${orderReference(checkout.id, o.id)}`),
            'Each producer sends its bank details with its invoice and confirms here when the money arrives.',
          ].join('\n')
        : `To pay: ${money(unpaid.reduce((s, o) => s + due(o), 0))} by card; the payment page is linked from your receipt.`

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
      ...(credit > 0 && unpaid.length > 0 ? [`Paid from your organisation's credit: ${money(credit)}`] : []),
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
      .map((m): Mail => ({
        to: m.email,
        subject: `New order ${orderReference(checkout.id, o.id)} for ${o.name}`,
        text: [
          `${checkout.displayName} ordered from ${o.name}, buying as a ${classLabel[checkout.reciprocityClass]} (${checkout.classReason}):`,
          '',
          describe(o.id),
          '',
          `Total: ${money(o.total)} — ${
            o.status === 'pending_payment'
              ? `${o.creditApplied > 0 ? `${money(o.creditApplied)} paid from the buyer's credit, ${money(due(o))} ` : ''}${checkout.provider === 'invoice' ? 'to be paid by bank transfer; mark it received when it arrives' : 'awaiting card payment'}`
              : o.creditApplied > 0
                ? `paid${o.creditApplied === o.total ? '' : ' in part'} from the buyer's credit; you are paid it all the same`
                : 'paid'
          }.`,
          '',
          `Your orders: ${appUrl}/organisations/${o.slug}/orders`,
        ].join('\n'),
      })),
  )
  return [buyerMail, ...producerMails]
}
