import type { Transaction } from 'kysely'
import type { DB, Db } from '../../../db/schema'
import type { Money } from '../../lib/money'
import { balanceOf, postEntry, type PostingInput } from '../ledger/ledger.server'
import { commonsLegalForms } from '../reciprocity/reciprocity.server'
import { legalFormEvidence } from '../evidence/legal-form.server'
import { orderReference } from './reference'

// A co-op whose legal form was declared but not yet attested bought as for-profit and paid
// access fees. Once its form is peer-attested or verified it is a commoner, and those fees
// become a credit owed back to it (docs/design.md, "Credits and back-charges"): the shares leave the producer,
// fund and infrastructure accounts for the organisation's buyer-credit account, in one entry
// per order. Only orders placed while the commons form was awaiting verification qualify
// (orders.class_basis): never those placed under a for-profit form, nor under an overturned
// claim. Until then each fund holds those fees back (pendingCreditsOwedBy), so it can always
// pay them: a fund's available balance is its balance less what it may owe.

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
    .where('o.classBasis', '=', 'awaiting_verification')
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
  let credited = 0
  for (const order of orders) {
    const lines = await trx
      .selectFrom('orderLines')
      .select([
        'quantity',
        'unitPrice',
        'commonerPrice',
        'producerAmount',
        'commonsFundId',
        'commonsFundAmount',
        'infrastructureFundId',
        'infrastructureAmount',
      ])
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
    // Every account must be able to pay its part (the ledger refuses an overdraft). A fund that
    // paid out before it held these fees back keeps the credit owed: it is posted on a later
    // evidence decision, once the fund's inflows cover it, and meanwhile shows as owed.
    if (!(await canPay(trx, postings))) continue
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
    credited += 1
  }
  return { orders: credited, amount }
}

/** Whether each debited account holds at least what the postings take from it. */
async function canPay(db: Db, postings: PostingInput[]): Promise<boolean> {
  const taken = new Map<string, { ref: PostingInput['account']; amount: number }>()
  for (const p of postings) {
    const key = JSON.stringify(p.account)
    const t = taken.get(key) ?? { ref: p.account, amount: 0 }
    t.amount += p.amount
    taken.set(key, t)
  }
  for (const { ref, amount } of taken.values()) if (amount > 0 && (await balanceOf(db, ref)) < amount) return false
  return true
}

/**
 * What a fund may have to give back: its shares of access fees paid by organisations whose
 * commons legal form was awaiting verification when they bought, not yet credited, while the
 * organisation still declares a commons form. Disbursements may only ask for the rest.
 */
export async function pendingCreditsOwedBy(db: Db, commonsFundId: number, currency: string): Promise<number> {
  const row = await db
    .selectFrom('orders as o')
    .innerJoin('orderLines as l', 'l.orderId', 'o.id')
    .innerJoin('organisations as b', 'b.id', 'o.buyerOrganisationId')
    .select((eb) =>
      eb.fn
        .coalesce(
          eb.fn.sum<number>(eb.case().when('l.commonsFundId', '=', commonsFundId).then(eb.ref('l.commonsFundAmount')).else(0).end().$castTo<number>()),
          eb.val(0),
        )
        .as('fund'),
    )
    .select((eb) =>
      eb.fn
        .coalesce(
          eb.fn.sum<number>(
            eb.case().when('l.infrastructureFundId', '=', commonsFundId).then(eb.ref('l.infrastructureAmount')).else(0).end().$castTo<number>(),
          ),
          eb.val(0),
        )
        .as('infrastructure'),
    )
    .where('o.classBasis', '=', 'awaiting_verification')
    .where('o.status', 'in', ['paid', 'fulfilled'])
    .where('o.currency', '=', currency)
    .where('b.legalForm', 'in', [...commonsLegalForms])
    .where((eb) => eb.or([eb('l.commonsFundId', '=', commonsFundId), eb('l.infrastructureFundId', '=', commonsFundId)]))
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
    .executeTakeFirstOrThrow()
  return Number(row.fund) + Number(row.infrastructure)
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
