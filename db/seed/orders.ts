import { sql, type Transaction } from 'kysely'
import { placeOrderIn } from '../../app/modules/orders/place-order.server.js'
import { orderReference } from '../../app/modules/orders/reference.js'
import { applyPayment } from '../../app/modules/orders/settlement.server.js'
import type { DB } from '../schema.js'
import type { SeedTimeShift } from './time-shift.js'

// The demo's commons resources and a short purchase history, so receipts, sales lists and
// commons funds have something true to show on a first `npm start`. Orders go through the
// same domain functions as real ones (prices, stock, ledger), at fixed times before the demo's
// reference time, moved to the seeding day like every other seed timestamp.

/** The text of a commons item's resource: a README that says what it is and how it may be used. */
function resourceReadme(offer: { title: string; description: string; licenceName: string | null; producer: string }): string {
  return [
    `# ${offer.title}`,
    '',
    `By ${offer.producer}.`,
    '',
    offer.description,
    '',
    `## Licence`,
    '',
    `${offer.licenceName ?? 'See the offer page'}. Share alike where the licence says so, and credit ${offer.producer}.`,
    '',
    'Obtained through Solidarity Market: commons are free to commoners; for-profit users pay an access fee that flows back into commons funds.',
    '',
  ].join('\n')
}

export async function seedCommonsResources(trx: Transaction<DB>): Promise<number> {
  const offers = await trx
    .selectFrom('offers as o')
    .innerJoin('organisations as org', 'org.id', 'o.organisationId')
    .leftJoin('licences as l', 'l.code', 'o.licenceCode')
    .select([
      'o.id',
      'o.slug',
      'o.title',
      'o.description',
      'o.delivery',
      'o.createdAt',
      'org.name as producer',
      'org.slug as producerSlug',
      'l.name as licenceName',
    ])
    .where('o.kind', '=', 'commons')
    .orderBy('o.id')
    .execute()
  for (const o of offers) {
    if (o.delivery === 'link') {
      await trx
        .insertInto('commonsResources')
        .values({ offerId: o.id, kind: 'link', url: `https://commons.example.org/${o.producerSlug}/${o.slug}`, updatedAt: o.createdAt })
        .execute()
      continue
    }
    const content = Buffer.from(resourceReadme(o), 'utf8')
    await trx
      .insertInto('commonsResources')
      // Uploaded with the listing: its time, not SQLite's clock (the column's default).
      .values({
        offerId: o.id,
        kind: 'file',
        fileName: `${o.slug}.md`,
        contentType: 'text/markdown; charset=utf-8',
        content,
        byteSize: content.length,
        updatedAt: o.createdAt,
      })
      .execute()
  }
  return offers.length
}

interface DemoPurchase {
  buyer: string
  /** organisation slug the purchase is declared for, or null for personal use */
  for: string | null
  at: string
  /** how many goods and commons items to pick, deterministically, from the listed offers */
  goods: number
  commons: number
}

const purchases: DemoPurchase[] = [
  { buyer: 'tom.hartley@example.org', for: 'northmoor-retail', at: '2026-10-03T10:12:00.000Z', goods: 2, commons: 0 },
  { buyer: 'noor.haddad@example.org', for: null, at: '2026-10-09T18:40:00.000Z', goods: 1, commons: 1 },
  { buyer: 'claire.moreau@example.org', for: 'cloudvale-analytics', at: '2026-10-15T09:05:00.000Z', goods: 0, commons: 2 },
  { buyer: 'tom.hartley@example.org', for: 'northmoor-retail', at: '2026-10-28T14:30:00.000Z', goods: 3, commons: 1 },
  { buyer: 'noor.haddad@example.org', for: null, at: '2026-11-06T08:15:00.000Z', goods: 2, commons: 0 },
  { buyer: 'claire.moreau@example.org', for: 'cloudvale-analytics', at: '2026-11-12T16:20:00.000Z', goods: 1, commons: 1 },
  { buyer: 'tom.hartley@example.org', for: 'northmoor-retail', at: '2026-11-18T11:45:00.000Z', goods: 1, commons: 1 },
]

/**
 * Places and pays the demo purchases, at their times moved by `asOf` to the seeding day.
 * Returns how many producer orders were written.
 */
export async function seedDemoOrders(trx: Transaction<DB>, asOf: SeedTimeShift): Promise<number> {
  const listed = await trx
    .selectFrom('offers as o')
    .innerJoin('offerScores as s', 's.offerId', 'o.id')
    .select(['o.id', 'o.kind', 'o.stock'])
    .where('o.status', '=', 'active')
    .where('s.listed', '=', 1)
    .orderBy('s.score', 'desc')
    .orderBy('o.id')
    .execute()
  const goods = listed.filter((o) => o.kind === 'good' && (o.stock ?? 0) >= 5)
  const commons = listed.filter((o) => o.kind === 'commons')
  let nextGood = 0
  let nextCommons = 0
  let orders = 0
  for (const [index, p] of purchases.entries()) {
    const person = await trx.selectFrom('people').select('id').where('email', '=', p.buyer).executeTakeFirstOrThrow()
    const organisation = p.for ? await trx.selectFrom('organisations').select('id').where('slug', '=', p.for).executeTakeFirstOrThrow() : null
    // Every seventh good and fifth commons item: a spread of producers, not only the top ones.
    const lines = [
      ...Array.from({ length: p.goods }, (_, i) => ({ offerId: goods[(nextGood++ * 7) % goods.length]!.id, quantity: 1 + ((index + i) % 3) })),
      ...Array.from({ length: p.commons }, () => ({ offerId: commons[(nextCommons++ * 5) % commons.length]!.id, quantity: 1 })),
    ]
    const placedAt = asOf(p.at)
    const placed = await placeOrderIn(
      trx,
      {
        buyer: { personId: person.id, use: organisation ? { kind: 'organisation', organisationId: organisation.id } : { kind: 'personal' } },
        lines,
        idempotencyKey: `demo-purchase-${index + 1}`,
        paymentProvider: 'invoice',
      },
      placedAt,
    )
    orders += placed.orderIds.length
    const paidAt = new Date(Date.parse(placedAt) + 2 * 86_400_000).toISOString()
    const unpaid = await trx
      .selectFrom('orders')
      .select(['id', 'total'])
      .where('checkoutId', '=', placed.checkoutId)
      .where('status', '=', 'pending_payment')
      .execute()
    for (const order of unpaid) {
      await applyPayment(
        trx,
        {
          checkoutId: placed.checkoutId,
          provider: 'invoice',
          providerReference: `invoice:${orderReference(placed.checkoutId, order.id)}`,
          amount: order.total,
          currency: placed.currency,
          orderIds: [order.id],
        },
        paidAt,
      )
    }
  }
  // The ledger opens an account on first use with SQLite's clock (the column's default), which
  // would stamp the demo's accounts with the seeding run's second; they were opened by the demo's
  // purchases, so they carry the time of their first entry.
  await sql`update ledger_accounts set created_at = (
      select min(e.created_at) from postings p join journal_entries e on e.id = p.entry_id where p.account_id = ledger_accounts.id)
    where exists (select 1 from postings p where p.account_id = ledger_accounts.id)`.execute(trx)
  return orders
}
