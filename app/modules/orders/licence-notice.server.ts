import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { orderReference } from './reference'

// A commons resource travels with its licence notice: who the licensee is, the use they signed
// at checkout and the order that granted it. The notice is served beside the file (and linked
// from the download itself), so a copy found later can be traced to the grant it came with.

export interface LicenceNotice {
  offerTitle: string
  producer: string
  licence: { code: string; name: string; url: string | null } | null
  licensee: { name: string; email: string }
  buyingFor: string | null
  /** the words the buyer signed; null for orders placed before buyers signed one */
  declaredUse: string | null
  reference: string
  obtainedAt: string
}

/**
 * The notice of the person's latest paid or fulfilled order of this commons item.
 * @throws AppError forbidden (they did not obtain it)
 */
export async function licenceNotice(db: Kysely<DB>, personId: number, offerId: number): Promise<LicenceNotice> {
  const row = await db
    .selectFrom('orderLines as l')
    .innerJoin('orders as o', 'o.id', 'l.orderId')
    .innerJoin('checkouts as c', 'c.id', 'o.checkoutId')
    .innerJoin('people as p', 'p.id', 'o.buyerPersonId')
    .innerJoin('organisations as producer', 'producer.id', 'o.organisationId')
    .leftJoin('organisations as bo', 'bo.id', 'o.buyerOrganisationId')
    .leftJoin('licences as lic', 'lic.code', 'l.licenceCode')
    .select([
      'l.offerTitle',
      'l.licenceCode',
      'lic.name as licenceName',
      'lic.url as licenceUrl',
      'o.id as orderId',
      'o.checkoutId',
      'o.paidAt',
      'o.createdAt',
      'c.declaredUse',
      'p.displayName',
      'p.email',
      'producer.name as producer',
      'bo.name as buyingFor',
    ])
    .where('l.offerId', '=', offerId)
    .where('l.offerKind', '=', 'commons')
    .where('o.buyerPersonId', '=', personId)
    .where('o.status', 'in', ['paid', 'fulfilled'])
    .orderBy('o.id', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (!row) throw new AppError('forbidden', 'Only people who obtained this commons item have a licence notice for it: get it from its offer page first.')
  return {
    offerTitle: row.offerTitle,
    producer: row.producer,
    licence: row.licenceCode ? { code: row.licenceCode, name: row.licenceName ?? row.licenceCode, url: row.licenceUrl } : null,
    licensee: { name: row.displayName, email: row.email },
    buyingFor: row.buyingFor,
    declaredUse: row.declaredUse,
    reference: orderReference(row.checkoutId, row.orderId),
    obtainedAt: row.paidAt ?? row.createdAt,
  }
}

/** The notice as the LICENCE-NOTICE.txt served with the resource. */
export function licenceNoticeText(n: LicenceNotice, appUrl: string): string {
  return [
    'LICENCE NOTICE',
    '',
    `Work:          ${n.offerTitle}`,
    `Producer:      ${n.producer}`,
    `Licence:       ${n.licence ? `${n.licence.name} (${n.licence.code})${n.licence.url ? ` ${n.licence.url}` : ''}` : 'see the offer page'}`,
    `Licensee:      ${n.licensee.name} <${n.licensee.email}>${n.buyingFor ? `, on behalf of ${n.buyingFor}` : ''}`,
    `Declared use:  ${n.declaredUse ? `“${n.declaredUse}”, as the licensee signed at checkout` : 'not recorded (obtained before buyers signed their use)'}`,
    `Order:         ${n.reference}, obtained ${n.obtainedAt.slice(0, 10)} on ${appUrl}`,
    '',
    n.declaredUse?.startsWith('for my own')
      ? 'This copy was obtained at the commoner price for the licensee’s own non-commercial use. Using it in the work of a\n' +
        'business, reselling it or passing it on for commercial use is not covered by this grant: an organisation obtains\n' +
        'it on its own behalf, at its price.'
      : 'This copy was obtained for the work of the organisation named above, under the licence named above.',
    '',
  ].join('\n')
}

/** The same in one line of ASCII, for the X-Licence-Notice header of the download. */
export function licenceNoticeHeader(n: LicenceNotice): string {
  const text = `Licensee ${n.licensee.name}${n.buyingFor ? ` for ${n.buyingFor}` : ''}; declared use: ${n.declaredUse ?? 'not recorded'}; order ${n.reference}; licence ${n.licence?.code ?? 'none'}`
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 500)
}
