import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema'
import type { Mail } from '../../lib/mail.server'
import type { Language } from '../../i18n/config'
import { formatMoneyIn } from '../../i18n/format'
import { languageOrDefault, localized, translator } from '../../i18n/translator.server'
import { paymentWindowMinutes } from './place-order.server'
import { orderReference } from './reference'

// The confirmation mails of a checkout: one to the buyer, one to each producer's members.
// Built here, sent by the route once the orders are committed (no transaction waits on mail).
// Each mail is written in its reader's language (their account's, English when they chose none),
// the buyer's in the buyer's, each member's in that member's: one order can go out in several.

export async function orderConfirmationMails(db: Kysely<DB>, checkoutId: number, appUrl: string): Promise<Mail[]> {
  const checkout = await db
    .selectFrom('checkouts as c')
    .innerJoin('people as p', 'p.id', 'c.buyerPersonId')
    .select(['c.id', 'c.provider', 'c.total', 'c.currency', 'c.reciprocityClass', 'c.classReason', 'p.email', 'p.displayName', 'p.language'])
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
  const reference = orderReference(checkout.id)
  const receiptUrl = `${appUrl}/orders/${checkout.id}`
  const unpaid = orders.filter((o) => o.status === 'pending_payment')
  // what is still to pay once the buyer organisation's credit has paid its part
  const due = (o: (typeof orders)[number]) => o.total - o.creditApplied
  const credit = orders.reduce((s, o) => s + o.creditApplied, 0)
  const forProfit = checkout.reciprocityClass === 'for_profit'

  /** What every mail of this checkout needs, in one reader's language. */
  const writer = (language: Language) => {
    const t = translator(language, 'mail')
    const money = (n: number) => formatMoneyIn(language, n, checkout.currency)
    const describe = (orderId: number) =>
      lines
        .filter((l) => l.orderId === orderId)
        .map((l) => {
          const values = { quantity: l.quantity, title: l.offerTitle, unit: l.unit }
          return l.unitPrice === 0 ? t('order.lineFree', values) : t('order.line', { ...values, price: money(l.unitPrice) })
        })
        .join('\n')
    // why the buyer bought at their price: the domain's English, in the reader's language
    return { t, money, describe, reason: localized(language, checkout.classReason) }
  }

  type Writer = ReturnType<typeof writer>
  const writers = new Map<Language, Writer>()
  const writerIn = (language: string | null): Writer => {
    const lng = languageOrDefault(language)
    let w = writers.get(lng)
    if (!w) writers.set(lng, (w = writer(lng)))
    return w
  }

  /** What is left to pay and how, for the buyer. */
  const payment = ({ t, money }: Writer) =>
    unpaid.length === 0
      ? checkout.total === 0
        ? t('order.buyer.free')
        : credit > 0
          ? t('order.buyer.paidWithCredit', { amount: money(credit) })
          : t('order.buyer.paid')
      : checkout.provider === 'invoice'
        ? [
            t('order.buyer.invoice', { count: paymentWindowMinutes.invoice / 1440 }),
            ...unpaid.map((o) => t('order.buyer.invoiceLine', { amount: money(due(o)), producer: o.name, reference: orderReference(checkout.id, o.id) })),
            t('order.buyer.bankDetails'),
          ].join('\n')
        : t('order.buyer.card', { amount: money(unpaid.reduce((s, o) => s + due(o), 0)) })

  const buyer = writerIn(checkout.language)

  const buyerMail: Mail = {
    to: checkout.email,
    subject: buyer.t('order.buyer.subject', { reference }),
    text: [
      buyer.t('greeting', { name: checkout.displayName }),
      '',
      buyer.t(forProfit ? 'order.buyer.thanksForProfit' : 'order.buyer.thanksCommoner', { reference, reason: buyer.reason }),
      '',
      ...orders.flatMap((o) => [
        buyer.t('order.buyer.fromProducer', { producer: o.name, reference: orderReference(checkout.id, o.id), total: buyer.money(o.total) }),
        buyer.describe(o.id),
        '',
      ]),
      buyer.t('order.total', { amount: buyer.money(checkout.total) }),
      ...(credit > 0 && unpaid.length > 0 ? [buyer.t('order.buyer.creditUsed', { amount: buyer.money(credit) })] : []),
      '',
      payment(buyer),
      '',
      buyer.t('order.buyer.receipt', { url: receiptUrl }),
    ].join('\n'),
  }

  const members = await db
    .selectFrom('memberships as m')
    .innerJoin('people as p', 'p.id', 'm.personId')
    .select(['m.organisationId', 'p.email', 'p.language'])
    .where(
      'm.organisationId',
      'in',
      orders.map((o) => o.organisationId),
    )
    .orderBy('p.email')
    .execute()
  /** Where the producer's order stands, for its members. */
  const standing = ({ t, money }: Writer, o: (typeof orders)[number]) => {
    const total = money(o.total)
    if (o.status === 'pending_payment') {
      const invoice = checkout.provider === 'invoice'
      if (o.creditApplied === 0) return t(invoice ? 'order.producer.invoice' : 'order.producer.card', { total })
      const values = { total, credit: money(o.creditApplied), due: money(due(o)) }
      return t(invoice ? 'order.producer.invoiceAfterCredit' : 'order.producer.cardAfterCredit', values)
    }
    if (o.creditApplied === 0) return t('order.producer.paid', { total })
    return t(o.creditApplied === o.total ? 'order.producer.paidFromCredit' : 'order.producer.paidPartlyFromCredit', { total })
  }
  const producerMails = orders.flatMap((o) =>
    members
      .filter((m) => m.organisationId === o.organisationId)
      .map((m): Mail => {
        const w = writerIn(m.language)
        const values = { buyer: checkout.displayName, organisation: o.name, reason: w.reason }
        return {
          to: m.email,
          subject: w.t('order.producer.subject', { reference: orderReference(checkout.id, o.id), organisation: o.name }),
          text: [
            w.t(forProfit ? 'order.producer.introForProfit' : 'order.producer.introCommoner', values),
            '',
            w.describe(o.id),
            '',
            standing(w, o),
            '',
            w.t('order.producer.orders', { url: `${appUrl}/organisations/${o.slug}/orders` }),
          ].join('\n'),
        }
      }),
  )
  return [buyerMail, ...producerMails]
}
