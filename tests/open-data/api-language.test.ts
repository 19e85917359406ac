import { beforeAll, describe, expect, it } from 'vitest'
import { loader as offersLoader, action as offersAction } from '../../app/routes/api.v1.offers'
import { loader as unknownLoader } from '../../app/routes/api.v1.$'
import { parameterNames } from '../../app/modules/open-data/schema'
import { seededDb, useAsAppDb } from '../support/db'
import { call } from './support'

// The open-data API answers errors in the caller's language: ?lng= first, then Accept-Language
// (the API has no session or cookie of its own). Codes and parameter names stay English, so
// scripts keep working whatever language a person's browser asks for.

beforeAll(async () => {
  useAsAppDb(await seededDb())
})

const takes = parameterNames.offers.join(', ')

describe('open-data API errors in the request’s language', () => {
  it('answers in English when nothing names a language', async () => {
    const r = await call(offersLoader, '/api/v1/offers?bogus=1')
    expect(r.status).toBe(400)
    expect(r.json.error).toEqual({ code: 'invalid_parameter', parameter: 'bogus', message: `Unknown parameter "bogus". This endpoint takes: ${takes}.` })
  })

  it('writes the message in Italian for Accept-Language: it, with the English code', async () => {
    const r = await call(offersLoader, '/api/v1/offers?bogus=1', {}, { headers: { 'Accept-Language': 'it-IT,it;q=0.9,en;q=0.5' } })
    expect(r.status).toBe(400)
    expect(r.json.error).toEqual({
      code: 'invalid_parameter',
      parameter: 'bogus',
      message: `Parametro sconosciuto "bogus". Questo endpoint accetta: ${takes}.`,
    })
  })

  it('writes the message in German for ?lng=de, which wins over the header and is no unknown parameter', async () => {
    const r = await call(offersLoader, '/api/v1/offers?bogus=1&lng=de', {}, { headers: { 'Accept-Language': 'it' } })
    expect(r.status).toBe(400)
    expect(r.json.error).toEqual({ code: 'invalid_parameter', parameter: 'bogus', message: `Unbekannter Parameter „bogus“. Dieser Endpunkt nimmt: ${takes}.` })
    expect((await call(offersLoader, '/api/v1/offers?lng=de')).status).toBe(200)
  })

  it('translates the 404 of an unknown endpoint and the 405 of a write', async () => {
    const missing = await call(unknownLoader, '/api/v1/nothing?lng=de', { '*': 'nothing' })
    expect(missing.status).toBe(404)
    expect(missing.json.error).toEqual({ code: 'not_found', message: 'Unter dieser Adresse gibt es keinen Endpunkt; GET /api/v1 listet sie auf.' })
    const write = await call(offersAction, '/api/v1/offers', {}, { method: 'POST', headers: { 'Accept-Language': 'it' } })
    expect(write.status).toBe(405)
    expect(write.json.error).toEqual({ code: 'method_not_allowed', message: 'L’API open data è di sola lettura; POST non è consentito. Usa GET.' })
  })

  it('keeps a message it has no template for in English', async () => {
    const r = await call(offersLoader, '/api/v1/offers?limit=0', {}, { headers: { 'Accept-Language': 'it' } })
    expect(r.status).toBe(400)
    expect(r.json.error.code).toBe('invalid_parameter')
    expect(r.json.error.message).toBe('limit must be at least 1')
  })
})
