import { beforeEach, describe, expect, it } from 'vitest'
import * as movementsCsv from '../../app/routes/funds.$slug_.movements[.]csv'
import * as movementsJson from '../../app/routes/funds.$slug_.movements[.]json'
import * as reportJson from '../../app/routes/funds.$slug_.report[.]json'
import { localized } from '../../app/i18n/translator.server'
import { useAccountsTestEnv } from '../support/accounts'
import { useAsAppDb } from '../support/db'
import { smallMarket } from '../support/market'

useAccountsTestEnv()

beforeEach(async () => {
  const m = await smallMarket()
  useAsAppDb(m.db)
})

const get = (url: string, headers: Record<string, string> = {}) => new Request(new URL(url, 'http://localhost'), { headers })
const params = { slug: 'open-design-fund' }

describe('the fund’s downloads in the reader’s language', () => {
  it('writes the CSV’s headings in the reader’s language and its values as programs read them', async () => {
    const answer = (await movementsCsv.loader({ request: get('/funds/open-design-fund/movements.csv?lng=it'), params, context: {} })) as Response
    const csv = (await answer.text()).replace(/^\uFEFF/, '')
    expect(csv.split('\n')[0]).toBe('voce,data_ora,tipo,storna_voce,importo,valuta,ordine,classe_acquirente,offerte,erogazione,causale')
    expect(answer.headers.get('Vary')).toMatch(/Accept-Language/)
    const german = (await movementsCsv.loader({ request: get('/x', { 'Accept-Language': 'de-DE' }), params, context: {} })) as Response
    expect((await german.text()).replace(/^\uFEFF/, '').split('\n')[0]).toMatch(/^buchung,zeitpunkt,art,/)
  })

  it('keeps the JSON’s field names and says why it refuses in the reader’s language', async () => {
    const refused = (await reportJson.loader({ request: get('/funds/open-design-fund/report.json?year=abc&lng=fr'), params, context: {} })) as Response
    expect(refused.status).toBe(400)
    expect(await refused.json()).toEqual({ error: "year: L'année doit être un nombre, par exemple 2026." })
    const inEnglish = (await reportJson.loader({ request: get('/funds/open-design-fund/report.json?year=1999'), params, context: {} })) as Response
    expect(await inEnglish.json()).toEqual({ error: 'year: The reports start in the year 2000.' })
    const missing = (await movementsJson.loader({ request: get('/x?lng=es'), params: { slug: 'no-such-fund' }, context: {} })) as Response
    expect(missing.status).toBe(404)
    const english = 'There is no commons fund at this address.'
    expect(await missing.json()).toEqual({ error: localized('es', english) })
    expect(localized('es', english)).not.toBe(english)
    const csv = (await movementsCsv.loader({ request: get('/x?lng=de'), params: { slug: 'no-such-fund' }, context: {} })) as Response
    expect(csv.status).toBe(404)
    expect(await csv.text()).toBe(localized('de', english))
  })
})
