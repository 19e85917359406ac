import type { LoaderFunctionArgs } from '@remix-run/node'
import type { ComponentType } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Language } from '../../app/i18n/config'
import { ReaderLocaleContext } from '../../app/i18n/format'
import { i18nFor } from '../../app/i18n/translator.server'
import { decideDisbursement, requestDisbursement } from '../../app/modules/funds/disbursements.server'
import { recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import FundPage, { loader as fundLoader } from '../../app/routes/funds.$slug'
import Report, { loader as reportLoader } from '../../app/routes/funds.$slug_.report.$year'
import StewardDesk, { loader as stewardLoader } from '../../app/routes/steward'
import { useAccountsTestEnv } from '../support/accounts'
import { sessionCookieFor } from '../support/auth'
import { useAsAppDb } from '../support/db'
import { unwrap } from '../support/remix'
import { forFirm, newKey, smallMarket, type SmallMarket } from '../support/market'

// The commons fund's pages and the steward desk as the server renders them, in the reader's
// language: the words, the amounts (the fund's own currency) and the dates in the reader's zone.

useAccountsTestEnv()
let m: SmallMarket
let steward: { id: number }
const now = '2026-11-24T10:00:00.000Z'
const later = '2026-11-25T10:00:00.000Z'

beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
  steward = await m.db
    .insertInto('people')
    .values({ email: 's1@test.example.org', displayName: 'Sam Steward', isSteward: 1, emailConfirmedAt: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  const placed = await placeOrder(
    m.db,
    { buyer: forFirm(m), lines: [{ offerId: m.beehive.id, quantity: 1 }], idempotencyKey: newKey(), paymentProvider: 'invoice' },
    now,
  )
  await recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.designer.id }, now)
  await m.db.updateTable('commonsFunds').set({ stewardOrganisationId: m.designers.id }).where('id', '=', m.fund.id).execute()
})

type Loader = (args: LoaderFunctionArgs) => Promise<unknown>

async function render(path: string, params: Record<string, string>, loader: Loader, Component: ComponentType, language: Language, cookie?: string) {
  const request = new Request(new URL(path, 'http://localhost'), { headers: cookie ? { Cookie: cookie } : {} })
  const data = unwrap(await loader({ request, params, context: {} }))
  const handler = createStaticHandler([{ id: 'page', path: path.split('?')[0], loader: () => data as Record<string, unknown>, Component }])
  const context = await handler.query(new Request(new URL(path, 'http://localhost')))
  if (context instanceof Response) throw new Error('unexpected response')
  const router = createStaticRouter(handler.dataRoutes, context)
  const html = renderToString(
    <I18nextProvider i18n={i18nFor(language)}>
      <ReaderLocaleContext.Provider value={{ language, timeZone: 'Europe/Rome' }}>
        <StaticRouterProvider router={router} context={context} hydrate={false} />
      </ReaderLocaleContext.Provider>
    </I18nextProvider>,
  )
  // Intl separates an amount from its currency with a no-break space; readers see a space.
  return html.replace(/[\u00a0\u202f]/g, ' ')
}

const fund = { slug: 'open-design-fund' }

describe('the commons fund in the reader’s language', () => {
  it('writes the fund page’s words, amounts and times as each reader does', async () => {
    const { id } = await requestDisbursement(m.db, m.designer.id, m.fund.id, { amount: 600, recipient: 'Translators', purpose: 'Translating the plans' }, later)
    await decideDisbursement(m.db, steward.id, id, { approve: true, reason: 'Fits the purpose' }, later)
    const english = await render('/funds/open-design-fund', fund, fundLoader, FundPage, 'en')
    expect(english).toContain('Latest movements')
    expect(english).toContain('€30.00')
    expect(english).toContain('bought by a for-profit buyer')
    const italian = await render('/funds/open-design-fund?notice=approved', fund, fundLoader, FundPage, 'it')
    expect(italian).toContain('Ultimi movimenti')
    expect(italian).toContain('30,00 €')
    expect(italian).toContain('acquistato da un acquirente a scopo di lucro')
    expect(italian).toContain('Approvata ed erogata')
    expect(italian).toContain('erogazione approvata')
    // 10:00 UTC is 11:00 in Rome in November.
    expect(italian).toMatch(/25 nov 2026, 11:00/)
    expect(italian).not.toContain('Latest movements')
    const german = await render('/funds/open-design-fund', fund, fundLoader, FundPage, 'de')
    expect(german).toContain('Letzte Bewegungen')
    expect(german).toContain('30,00 €')
  })

  it('writes the annual report in the reader’s language', async () => {
    const french = await render('/funds/open-design-fund/report/2026', { ...fund, year: '2026' }, reportLoader, Report, 'fr')
    expect(french).toContain('rapport annuel 2026')
    expect(french).toContain('Solde au 1er janvier 2026')
    expect(french).toContain('Reçu (1 achat)')
    expect(french).toContain('Acheteurs à but lucratif : <span class="amount">36,00 €</span>')
    const spanish = await render('/funds/open-design-fund/report/2026', { ...fund, year: '2026' }, reportLoader, Report, 'es')
    expect(spanish).toContain('De dónde vino el dinero')
  })

  it('shows the steward desk in the reader’s language', async () => {
    await requestDisbursement(m.db, m.designer.id, m.fund.id, { amount: 1250, recipient: 'Translators', purpose: 'Translating the plans' }, later)
    const cookie = await sessionCookieFor(steward.id)
    const italian = await render('/steward?notice=published', {}, stewardLoader, StewardDesk, 'it', cookie)
    expect(italian).toContain('Scrivania del garante')
    expect(italian).toContain('Nuove regole di punteggio pubblicate')
    expect(italian).toMatch(/Erogazioni da decidere \(1\)/)
    expect(italian).toContain('12,50 € a Translators')
    expect(italian).not.toContain('Steward desk')
  })
})
