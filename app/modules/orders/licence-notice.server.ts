import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { defaultReaderLocale, formatDateIn, type ReaderLocale } from '../../i18n/format'
import { localized, translator } from '../../i18n/translator.server'
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

/** The notice as the LICENCE-NOTICE.txt served with the resource, in the reader's language and zone. */
export function licenceNoticeText(n: LicenceNotice, appUrl: string, locale: ReaderLocale = defaultReaderLocale): string {
  const t = translator(locale.language, 'mail')
  const licensee = { name: n.licensee.name, email: n.licensee.email, organisation: n.buyingFor }
  const rows: [string, string][] = [
    [t('licenceNotice.work'), n.offerTitle],
    [t('licenceNotice.producer'), n.producer],
    [t('licenceNotice.licence'), n.licence ? `${n.licence.name} (${n.licence.code})${n.licence.url ? ` ${n.licence.url}` : ''}` : t('licenceNotice.seeOffer')],
    [t('licenceNotice.licensee'), t(n.buyingFor ? 'licenceNotice.personOnBehalf' : 'licenceNotice.person', licensee)],
    [
      t('licenceNotice.declaredUse'),
      // the words the buyer signed were stored in English; the reader gets them in their language
      n.declaredUse ? t('licenceNotice.signedUse', { use: localized(locale.language, n.declaredUse) }) : t('licenceNotice.useNotRecorded'),
    ],
    [t('licenceNotice.order'), t('licenceNotice.obtained', { reference: n.reference, date: formatDateIn(locale, n.obtainedAt), site: appUrl })],
  ]
  // the values line up two spaces after the longest label, whatever the language's labels
  const width = Math.max(...rows.map(([label]) => label.length)) + 2
  return [
    t('licenceNotice.title'),
    '',
    ...rows.map(([label, value]) => label.padEnd(width) + value),
    '',
    n.declaredUse?.startsWith('for my own') ? t('licenceNotice.personalUse') : t('licenceNotice.organisationUse'),
    '',
  ].join('\n')
}

/** The same in one line of ASCII, for the X-Licence-Notice header of the download. */
export function licenceNoticeHeader(n: LicenceNotice): string {
  const text = `Licensee ${n.licensee.name}${n.buyingFor ? ` for ${n.buyingFor}` : ''}; declared use: ${n.declaredUse ?? 'not recorded'}; order ${n.reference}; licence ${n.licence?.code ?? 'none'}`
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 500)
}
