import type { Kysely, Transaction } from 'kysely'
import { z } from 'zod'
import type { DB } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { ownListing, type Actor } from './listings.server'
import { clock } from '../../lib/clock'

// What a buyer of a commons item receives: a file (kept in the database, so it travels with
// backups and is served only to those who obtained it, see /downloads/:offerId) or a link.
// One per commons item; setting one replaces the other.

type Db = Kysely<DB> | Transaction<DB>

export const MAX_RESOURCE_BYTES = 20 * 1024 * 1024

export interface CommonsResourceSummary {
  kind: 'file' | 'link'
  url: string | null
  fileName: string | null
  contentType: string | null
  byteSize: number | null
  updatedAt: string
}

const ResourceLink = z
  .string()
  .trim()
  .min(1, 'Enter the address where buyers get it, starting with https://')
  .max(2000, 'Keep the address under 2,000 characters.')
  .pipe(z.url({ protocol: /^https?$/, error: 'Use a full web address starting with https:// (or http://).' }))

async function ownCommonsItem(db: Db, actor: Actor, offerId: number) {
  const offer = await ownListing(db, actor, offerId)
  if (offer.kind !== 'commons') throw new AppError('invalid_input', 'Only commons items have a resource to share; a good is shipped or picked up.')
  return offer
}

/** The listing's resource without its content, for the people who edit it. */
export async function commonsResourceSummary(db: Db, offerId: number): Promise<CommonsResourceSummary | null> {
  const row = await db
    .selectFrom('commonsResources')
    .select(['kind', 'url', 'fileName', 'contentType', 'byteSize', 'updatedAt'])
    .where('offerId', '=', offerId)
    .executeTakeFirst()
  return row ?? null
}

/** Shares the item through a link. @throws AppError forbidden, not_found, invalid_input */
export async function setCommonsResourceLink(db: Kysely<DB>, actor: Actor, offerId: number, url: string, now = clock.now()) {
  await ownCommonsItem(db, actor, offerId)
  const parsed = ResourceLink.safeParse(url)
  if (!parsed.success) {
    const message = parsed.error.issues[0]!.message
    throw new AppError('invalid_input', message, { url: message })
  }
  const values = { kind: 'link' as const, url: parsed.data, fileName: null, contentType: null, content: null, byteSize: null, updatedAt: now }
  await db
    .insertInto('commonsResources')
    .values({ offerId, ...values })
    .onConflict((oc) => oc.column('offerId').doUpdateSet(values))
    .execute()
}

export interface ResourceUpload {
  fileName: string
  contentType: string
  bytes: Uint8Array
}

/** A type as a browser reports it, if it looks like one; downloads are served as attachments whatever it says. */
function cleanContentType(type: string): string {
  const bare = type.split(';')[0]!.trim().toLowerCase()
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(bare) ? bare : 'application/octet-stream'
}

function cleanFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? ''
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200)
}

/** Shares the item as a file of at most 20 MB. @throws AppError forbidden, not_found, invalid_input */
export async function setCommonsResourceFile(db: Kysely<DB>, actor: Actor, offerId: number, upload: ResourceUpload, now = clock.now()) {
  await ownCommonsItem(db, actor, offerId)
  const fileName = cleanFileName(upload.fileName)
  let problem: string | null = null
  if (upload.bytes.byteLength === 0 || !fileName) problem = 'Choose the file buyers receive.'
  else if (upload.bytes.byteLength > MAX_RESOURCE_BYTES) problem = `This file is larger than ${MAX_RESOURCE_BYTES / (1024 * 1024)} MB; share a bigger one through a link.`
  if (problem) throw new AppError('invalid_input', problem, { file: problem })
  const values = {
    kind: 'file' as const,
    url: null,
    fileName,
    contentType: cleanContentType(upload.contentType),
    content: Buffer.from(upload.bytes.buffer, upload.bytes.byteOffset, upload.bytes.byteLength),
    byteSize: upload.bytes.byteLength,
    updatedAt: now,
  }
  await db
    .insertInto('commonsResources')
    .values({ offerId, ...values })
    .onConflict((oc) => oc.column('offerId').doUpdateSet(values))
    .execute()
}
