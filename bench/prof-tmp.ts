import { sql } from 'kysely'
import { openDatabase } from '../db/connection'
import { listCatalog } from '../app/modules/catalog/catalog.server'
const db = openDatabase('bench/data/catalog-100000.db')
async function t(name: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 10; i++) await fn()
  const s = performance.now(); for (let i = 0; i < 50; i++) await fn()
  console.log(name, ((performance.now() - s) / 50).toFixed(3), 'ms')
}
await t('listCatalog', () => listCatalog(db, {}))
await t('count capped', () => sql`select count(*) as total from (select 1 from offer_scores s where s.listed = ${1} limit ${10001})`.execute(db))
await t('page', () => sql`select s.offer_id as offer_id, null as view_score from offer_scores s where s.listed = ${1} order by s.score desc, s.offer_id limit ${25} offset ${0}`.execute(db))
const ids = (await sql<{offerId:number}>`select s.offer_id from offer_scores s where s.listed = 1 order by s.score desc, s.offer_id limit 24`.execute(db)).rows.map(r => r.offerId)
await t('cards', () => db.selectFrom('offers as o').innerJoin('offerScores as s', 's.offerId', 'o.id').innerJoin('organisations as org', 'org.id', 'o.organisationId').innerJoin('categories as c', 'c.id', 'o.categoryId').leftJoin('licences as l', 'l.code', 'o.licenceCode').select(['o.id', 'o.title', 's.score']).where('s.listed', '=', 1).where('o.id', 'in', ids).execute())
const c = db.selectFrom('offers as o').innerJoin('offerScores as s', 's.offerId', 'o.id').innerJoin('organisations as org', 'org.id', 'o.organisationId').innerJoin('categories as c', 'c.id', 'o.categoryId').leftJoin('licences as l', 'l.code', 'o.licenceCode').select(['o.id', 'o.title', 's.score']).where('s.listed', '=', 1).where('o.id', 'in', ids).compile()
console.log((await sql.raw(`explain query plan ${c.sql}`).execute(db.withoutPlugins())).rows)
