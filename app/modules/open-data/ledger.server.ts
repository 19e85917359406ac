import { sql } from 'kysely'
import type { Db } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { balanceOf } from '../ledger/ledger.server'
import { orderReference } from '../orders/reference'
import { decodeCursor, encodeCursor, fingerprintOf } from './cursor.server'
import { badParameter } from './http.server'
import { apiMoney } from './offers.server'
import { DEFAULT_LIMIT, type LedgerQuery } from './schema'

// A commons fund's books as open data: its account's postings, oldest first, read by
// (entry id, posting id) through the account's posting index. The ledger is append-only, so a
// walk by that key sees every posting once, and new ones only ever appear after the last page.

async function findFund(db: Db, idOrSlug: string) {
  const q = db.selectFrom('commonsFunds').select(['id', 'slug', 'name', 'kind', 'currency'])
  const fund = await (/^\d+$/.test(idOrSlug) ? q.where('id', '=', Number(idOrSlug)) : q.where('slug', '=', idOrSlug)).executeTakeFirst()
  if (!fund) throw new AppError('not_found', `There is no commons fund "${idOrSlug}".`)
  return fund
}

/** What changes whenever the fund's ledger answer could: its newest posting. @throws AppError('not_found') */
export async function fundLedgerVersion(db: Db, idOrSlug: string): Promise<string> {
  const fund = await findFund(db, idOrSlug)
  const row = await db
    .selectFrom('postings as p')
    .innerJoin('ledgerAccounts as a', 'a.id', 'p.accountId')
    .select(sql<number>`coalesce(max(p.id), 0)`.as('last'))
    .where('a.kind', '=', 'commons_fund')
    .where('a.commonsFundId', '=', fund.id)
    .where('a.currency', '=', fund.currency)
    .executeTakeFirstOrThrow()
  return `${fund.id}.${row.last}`
}

/** @throws AppError not_found (no such fund), invalid_input naming `cursor` */
export async function fundLedger(db: Db, idOrSlug: string, query: LedgerQuery, baseUrl: string) {
  const fund = await findFund(db, idOrSlug)
  const limit = query.limit ?? DEFAULT_LIMIT
  const fingerprint = fingerprintOf({ fund: fund.id })
  const after = query.cursor ? decodeCursor(query.cursor, 'ledger', fingerprint) : null
  if (after && (after.length !== 2 || !after.every(Number.isSafeInteger)))
    throw badParameter('cursor', 'cursor is not a cursor this API gave out; start again without one.')
  const account = await db
    .selectFrom('ledgerAccounts')
    .select('id')
    .where('kind', '=', 'commons_fund')
    .where('commonsFundId', '=', fund.id)
    .where('currency', '=', fund.currency)
    .executeTakeFirst()
  let rows: {
    postingId: number
    entryId: number
    amount: number
    kind: string
    memo: string
    createdAt: string
    checkoutId: number | null
    orderId: number | null
    reversesEntryId: number | null
    reciprocityClass: 'commoner' | 'for_profit' | null
  }[] = []
  if (account) {
    let q = db
      .selectFrom('postings as p')
      .innerJoin('journalEntries as e', 'e.id', 'p.entryId')
      .leftJoin('orders as o', 'o.id', 'e.orderId')
      .select([
        'p.id as postingId',
        'p.entryId',
        'p.amount',
        'e.kind',
        'e.memo',
        'e.createdAt',
        'e.checkoutId',
        'e.orderId',
        'e.reversesEntryId',
        'o.reciprocityClass',
      ])
      .where('p.accountId', '=', account.id)
    if (after) q = q.where('p.entryId', '>=', after[0]!).where((eb) => eb.or([eb('p.entryId', '>', after[0]!), eb('p.id', '>', after[1]!)]))
    rows = await q
      .orderBy('p.entryId')
      .orderBy('p.id')
      .limit(limit + 1)
      .execute()
  }
  const balance = await balanceOf(db, { kind: 'commons_fund', commonsFundId: fund.id, currency: fund.currency })
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return {
    fund: { id: fund.id, slug: fund.slug, name: fund.name, kind: fund.kind, currency: fund.currency, url: `${baseUrl}/funds/${fund.slug}` },
    balance: apiMoney(balance, fund.currency),
    data: page.map((r) => {
      // The fund's account is credit-normal: a credit (negative posting) is money coming in.
      const amount = 0 - r.amount + 0
      return {
        entryId: r.entryId,
        postingId: r.postingId,
        at: r.createdAt,
        direction: amount >= 0 ? ('inflow' as const) : ('outflow' as const),
        ...apiMoney(amount, fund.currency),
        kind: r.kind,
        memo: r.memo,
        orderReference: r.checkoutId !== null && r.orderId !== null ? orderReference(r.checkoutId, r.orderId) : null,
        buyerClass: r.reciprocityClass,
        reversesEntryId: r.reversesEntryId,
      }
    }),
    next_cursor: rows.length > limit && last ? encodeCursor('ledger', fingerprint, [last.entryId, last.postingId]) : null,
  }
}
