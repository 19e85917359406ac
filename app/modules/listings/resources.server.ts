import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB, Db } from '../../../db/schema'
import { AppError } from '../../lib/errors'
import { ownListing, type Actor } from './listings.server'
import { clock } from '../../lib/clock'
import { safeFileName } from '../../lib/file-names'

// What a buyer of a commons item receives: a file (kept in the database, so it travels with
// backups and is served only to those who obtained it, see /downloads/:offerId) or a link.
// One per commons item; setting one replaces the other.

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
  .min(1, 'Enter the address where buyers get it (starting with https://).')
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
  /** what the browser said the file is: not trusted, see resourceContentType */
  contentType?: string
  bytes: Uint8Array
}

/** Magic numbers of the file types a resource is served as; everything else is application/octet-stream. */
const signatures: { type: string; at?: number; bytes: number[] }[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x03, 0x04] }, // PK.. (also docx, odt, epub)
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x05, 0x06] }, // an empty zip
  { type: 'application/gzip', bytes: [0x1f, 0x8b, 0x08] },
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', bytes: [0x47, 0x49, 0x46, 0x38] }, // GIF8
  { type: 'image/webp', at: 8, bytes: [0x57, 0x45, 0x42, 0x50] }, // RIFF....WEBP
]

/** Text subtypes a file name may choose for a text file; HTML, SVG, XML and scripts are plain text. */
const textTypes: Record<string, string> = { md: 'text/markdown', markdown: 'text/markdown', csv: 'text/csv' }

function isPlainText(bytes: Uint8Array): boolean {
  // Control characters other than tab, line feed, form feed and carriage return mean binary.
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return true
  } catch {
    return false
  }
}

/**
 * The content type a resource file is stored and served with, decided from its bytes (and, for
 * UTF-8 text, its name's extension among a few harmless text types), never from what the
 * uploader's browser claimed: a file claiming text/html or image/svg+xml must not run script
 * on our origin. Downloads are attachments with nosniff whatever this says.
 */
export function resourceContentType(fileName: string, bytes: Uint8Array): string {
  const match = signatures.find((s) => s.bytes.every((b, i) => bytes[(s.at ?? 0) + i] === b))
  if (match && (match.type !== 'image/webp' || String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF')) return match.type
  if (bytes.byteLength > 0 && isPlainText(bytes)) return textTypes[fileName.split('.').pop()!.toLowerCase()] ?? 'text/plain'
  return 'application/octet-stream'
}

/** The Content-Type header for a type from resourceContentType: text is UTF-8. */
export const contentTypeHeader = (type: string) => (type.startsWith('text/') ? `${type}; charset=utf-8` : type)

/** Shares the item as a file of at most 20 MB. @throws AppError forbidden, not_found, invalid_input */
export async function setCommonsResourceFile(db: Kysely<DB>, actor: Actor, offerId: number, upload: ResourceUpload, now = clock.now()) {
  await ownCommonsItem(db, actor, offerId)
  const fileName = safeFileName(upload.fileName)
  let problem: string | null = null
  if (upload.bytes.byteLength === 0 || !fileName) problem = 'Choose the file buyers receive.'
  else if (upload.bytes.byteLength > MAX_RESOURCE_BYTES)
    problem = `This file is larger than ${MAX_RESOURCE_BYTES / (1024 * 1024)} MB; share a bigger one through a link.`
  if (problem) throw new AppError('invalid_input', problem, { file: problem })
  const values = {
    kind: 'file' as const,
    url: null,
    fileName,
    contentType: resourceContentType(fileName, upload.bytes),
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
