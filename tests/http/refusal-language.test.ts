import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import type { ServerBuild } from '@remix-run/node'
import { afterEach, describe, expect, it } from 'vitest'
import { createHttpApp } from '../../app/lib/http-app.server'

// The refusals the HTTP layer makes before Remix renders (a form from another site, a malformed
// address) are pages a person reads: in the language the request asks for (?lng=, the lng
// cookie, Accept-Language), English otherwise.

let server: Server | undefined
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

async function start(): Promise<string> {
  const app = createHttpApp({} as ServerBuild, 'production', 'public', async () => new Response('page'), {})
  server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server!.once('listening', resolve))
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`
}

describe('refusal pages before Remix', () => {
  it('refuses a form from another site in Italian for Accept-Language: it', async () => {
    const url = await start()
    const res = await fetch(`${url}/login`, { method: 'POST', body: 'a=1', headers: { Origin: 'https://evil.example', 'Accept-Language': 'it,en;q=0.5' } })
    expect(res.status).toBe(403)
    const page = await res.text()
    expect(page).toContain('<html lang="it">')
    expect(page).toContain('<h1>Questo modulo proviene da un altro sito</h1>')
    expect(page).toContain('Per la tua sicurezza accettiamo solo moduli inviati dalle pagine di questo sito.')
  })

  it('answers a malformed address in German for ?lng=de, and in English without a language', async () => {
    const url = await start()
    const german = await (await fetch(`${url}/%ZZ?lng=de`)).text()
    expect(german).toContain('<html lang="de">')
    expect(german).toContain('<h1>Diese Adresse ist ungültig</h1>')
    const english = await fetch(`${url}/%ZZ`)
    expect(english.status).toBe(400)
    const text = await english.text()
    expect(text).toContain('<html lang="en">')
    expect(text).toContain('<h1>That address is not valid</h1>')
    expect(text).toContain('The address contains a malformed %-escape, so it names no page here. Check the link and try again.')
  })
})
