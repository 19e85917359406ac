import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../../db/schema'
import type { Money } from '../../lib/money'
import { postEntry, type PostingInput } from '../ledger/ledger.server'
import { commonsLegalForms } from '../reciprocity/reciprocity.server'
import { legalFormEvidence } from '../verification/verification.server'
import { orderReference } from './place-order.server'

// A co-op whose legal form was not yet attested bought as for-profit and paid access fees.
// Once its form is peer-attested or verified it is a commoner, and those fees become a credit
// owed back to it (DESIGN.md, "Verification"): the shares leave the producer, fund and
// infrastructure accounts for the organisation's buyer-credit account, in one entry per order.

type Db = Kysely<DB> | Transaction<DB>

/**
 * Credits the access fees of an organisation's paid for-profit orders once it buys as a
 * commoner; does nothing otherwise, and never credits an order twice.
 * Call it inside the transaction that changed the organisation's evidence.
 */
export async function creditReclassifiedOrders(trx: Transaction<DB>, organisationId: number, now: string): Promise<{ orders: number; amount: number }> {
  const org = await trx.selectFrom('organisations').select(['legalForm', 'name']).where('id', '=', organisationId).executeTakeFirst()
  if (!org || !commonsLegalForms.has(org.legalForm)) return { orders: 0, amount: 0 }
  const level = await legalFormEvidence(trx, organisationId, now)
  if (level !== 'peer_attested' && level !== 'verified') return { orders: 0, amount: 0 }

  const orders = await trx
    .selectFrom('orders as o')
    .select(['o.id', 'o.checkoutId', 'o.organisationId', 'o.currency'])
    .where('o.buyerOrganisationId', '=', organisationId)
    .where('o.reciprocityClass', '=', 'for_profit')
    .where('o.status', 'in', ['paid', 'fulfilled'])
    .where('o.accessFeeTotal', '>', 0)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('journalEntries as e')
            .select('e.id')
            .whereRef('e.orderId', '=', 'o.id')
            .where('e.kind', '=', 'reciprocity_credit')
            .where('e.reversesEntryId', 'is', null),
        ),
      ),
    )
    .orderBy('o.id')
    .execute()
  let amount = 0
  for (const order of orders) {
    const lines = await trx
      .selectFrom('orderLines')
      .select(['quantity', 'unitPrice', 'commonerPrice', 'producerAmount', 'commonsFundId', 'commonsFundAmount', 'infrastructureFundId', 'infrastructureAmount'])
      .where('orderId', '=', order.id)
      .execute()
    const currency = order.currency
    const postings: PostingInput[] = []
    let fee = 0
    for (const l of lines) {
      const lineFee = (l.unitPrice - l.commonerPrice) * l.quantity
      if (lineFee === 0) continue
      fee += lineFee
      postings.push(
        { account: { kind: 'producer_payable', organisationId: order.organisationId, currency }, amount: l.producerAmount - l.commonerPrice * l.quantity },
        { account: { kind: 'commons_fund', commonsFundId: l.commonsFundId, currency }, amount: l.commonsFundAmount },
        { account: { kind: 'commons_fund', commonsFundId: l.infrastructureFundId, currency }, amount: l.infrastructureAmount },
      )
    }
    postings.push({ account: { kind: 'buyer_credit', organisationId, currency }, amount: -fee })
    await postEntry(
      trx,
      {
        kind: 'reciprocity_credit',
        memo: `${org.name} is now a commoner (${level.replace('_', ' ')}): the access fee of ${orderReference(order.checkoutId, order.id)} is credited back`,
        checkoutId: order.checkoutId,
        orderId: order.id,
        postings,
      },
      now,
    )
    amount += fee
  }
  return { orders: orders.length, amount }
}

/** What the marketplace owes back to each organisation this person belongs to (non-zero only). */
export async function reciprocityCredits(db: Db, personId: number): Promise<{ organisation: { name: string; slug: string }; credit: Money }[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisationId')
    .innerJoin('ledgerAccounts as a', (j) => j.onRef('a.organisationId', '=', 'o.id').on('a.kind', '=', 'buyer_credit'))
    .innerJoin('postings as p', 'p.accountId', 'a.id')
    .select(['o.name', 'o.slug', 'a.currency', (eb) => eb.fn.sum<number>('p.amount').as('sum')])
    .where('m.personId', '=', personId)
    .groupBy(['o.id', 'a.currency'])
    .orderBy('o.name')
    .execute()
  return rows
    .filter((r) => Number(r.sum) !== 0)
    .map((r) => ({ organisation: { name: r.name, slug: r.slug }, credit: { amount: -Number(r.sum), currency: r.currency } }))
}
