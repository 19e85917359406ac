import { beforeEach, describe, expect, it } from 'vitest'
import * as downloads from '../../app/routes/downloads.$offerId'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import { resourceContentType, setCommonsResourceFile } from '../../app/modules/listings/resources.server'
import { useAccountsTestEnv } from '../support/accounts'
import { request, sessionCookieFor } from '../support/auth'
import { useAsAppDb } from '../support/db'
import { asPerson, newKey, smallMarket, type SmallMarket } from '../support/market'

// A commons item's file is served with a type the server decides from its bytes: a file that
// claims to be HTML or SVG must never be handed to a browser as a page of our site.

useAccountsTestEnv()
let m: SmallMarket
let cookie: string

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p)))))
const pdf = bytes('%PDF-1.7\n', [0xe2, 0xe3, 0xcf, 0xd3], '\n1 0 obj\n')
const zip = bytes('PK', [3, 4, 20, 0, 0, 0, 8, 0])
const png = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const jpeg = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF')
const html = bytes('<!doctype html><script>alert(document.cookie)</script>')
const svg = bytes('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
const binary = bytes([0, 1, 2, 3, 0xfe, 0xff, 7, 8])

async function upload(fileName: string, claimed: string, content: Uint8Array) {
  await setCommonsResourceFile(m.db, { personId: m.designer.id, organisationId: m.designers.id }, m.beehive.id, {
    fileName,
    contentType: claimed,
    bytes: content,
  })
}

async function download() {
  return (await downloads.loader({
    request: request(`/downloads/${m.beehive.id}`, { cookie }),
    params: { offerId: String(m.beehive.id) },
    context: {},
  })) as Response
}

beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
  cookie = await sessionCookieFor(m.commoner.id)
  await placeOrder(m.db, {
    buyer: asPerson(m.commoner.id),
    lines: [{ offerId: m.beehive.id, quantity: 1 }],
    idempotencyKey: newKey(),
    paymentProvider: 'invoice',
  })
})

describe('the type of a commons resource file', () => {
  it.each([
    ['plans.pdf', 'text/html', pdf, 'application/pdf'],
    ['plans.zip', 'text/html', zip, 'application/zip'],
    ['hive.png', 'image/svg+xml', png, 'image/png'],
    ['hive.jpg', 'text/html', jpeg, 'image/jpeg'],
    ['hive.html', 'text/html', html, 'text/plain; charset=utf-8'],
    ['hive.svg', 'image/svg+xml', svg, 'text/plain; charset=utf-8'],
    ['notes.md', 'text/html', bytes('# Beehive\n\nCut the boards.\n'), 'text/markdown; charset=utf-8'],
    ['hive.png', 'image/png', binary, 'application/octet-stream'],
    ['plans.pdf', 'application/pdf', bytes('%PD'), 'text/plain; charset=utf-8'],
  ])('%s sent as %s is served as what its bytes are', async (fileName, claimed, content, served) => {
    await upload(fileName, claimed, content)
    const res = await download()
    expect(res.headers.get('Content-Type')).toBe(served)
    expect(res.headers.get('Content-Disposition')).toMatch(/^attachment; /)
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(content)
  })

  it('is stored as the server decided, not as the browser claimed', async () => {
    await upload('hive.html', 'text/html', html)
    const row = await m.db.selectFrom('commonsResources').select('contentType').where('offerId', '=', m.beehive.id).executeTakeFirstOrThrow()
    expect(row.contentType).toBe('text/plain')
  })

  it('is decided again when served, so a file stored with the uploader’s type is served safely', async () => {
    await m.db
      .insertInto('commonsResources')
      .values({ offerId: m.beehive.id, kind: 'file', fileName: 'page.html', contentType: 'text/html', content: Buffer.from(html), byteSize: html.byteLength })
      .execute()
    expect((await download()).headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
  })

  it('reads text only when it is UTF-8 without control characters', () => {
    expect(resourceContentType('a.txt', bytes('caf', [0xc3, 0xa9], '\r\n\tok'))).toBe('text/plain')
    expect(resourceContentType('a.txt', bytes('caf', [0xe9]))).toBe('application/octet-stream')
    expect(resourceContentType('a.csv', bytes('a,b\n1,2\n'))).toBe('text/csv')
    expect(resourceContentType('riff.webp', bytes('RIFX', [0, 0, 0, 0], 'WEBP'))).toBe('application/octet-stream')
  })
})
