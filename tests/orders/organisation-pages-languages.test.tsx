import type { ComponentType } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Language } from '../../app/i18n/config'
import { ReaderLocaleContext } from '../../app/i18n/format'
import { i18nFor } from '../../app/i18n/translator.server'
import { recordInvoicePayment } from '../../app/modules/orders/order-actions.server'
import { placeOrder } from '../../app/modules/orders/place-order.server'
import Attest, { loader as attestLoader } from '../../app/routes/organisations.$slug_.attest'
import Credit, { loader as creditLoader } from '../../app/routes/organisations.$slug_.credit'
import Dashboard, { loader as dashboardLoader } from '../../app/routes/organisations.$slug_.dashboard'
import Workspace, { loader as manageLoader } from '../../app/routes/organisations.$slug_.manage'
import Orders, { loader as ordersLoader } from '../../app/routes/organisations.$slug_.orders'
import * as salesCsv from '../../app/routes/organisations.$slug_.sales[.]csv'
import NewOrganisation, { loader as newLoader } from '../../app/routes/organisations.new'
import { useAccountsTestEnv } from '../support/accounts'
import { request, sessionCookieFor } from '../support/auth'
import { useAsAppDb } from '../support/db'
import { unwrap } from '../support/remix'
import { asPerson, forFirm, newKey, smallMarket, type SmallMarket } from '../support/market'

// The organisation's own pages as the server renders them, in the reader's language: the words,
// the amounts, the chart and the CSV header. English stays as it was (the other tests read it).

useAccountsTestEnv()
let m: SmallMarket
let cookie: string

beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
  cookie = await sessionCookieFor(m.weaver.id)
})

type Loader = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>

async function render(path: string, loader: Loader, Component: ComponentType, language: Language): Promise<string> {
  const params = { slug: 'weavers' }
  const request = new Request(new URL(path, 'http://localhost'), { headers: { Cookie: cookie } })
  const data = unwrap(await loader({ request, params, context: {} }))
  const handler = createStaticHandler([{ id: 'page', path: path.split('?')[0], loader: () => data as Record<string, unknown>, Component }])
  const context = await handler.query(new Request(new URL(path, 'http://localhost')))
  if (context instanceof Response) throw new Error('unexpected response')
  const router = createStaticRouter(handler.dataRoutes, context)
  return renderToString(
    <I18nextProvider i18n={i18nFor(language)}>
      <ReaderLocaleContext.Provider value={{ language, timeZone: 'Europe/Rome' }}>
        <StaticRouterProvider router={router} context={context} hydrate={false} />
      </ReaderLocaleContext.Provider>
    </I18nextProvider>,
  )
}

async function orders() {
  const placed = await placeOrder(m.db, {
    buyer: forFirm(m),
    lines: [{ offerId: m.towel.id, quantity: 2 }],
    idempotencyKey: newKey(),
    paymentProvider: 'invoice',
  })
  await recordInvoicePayment(m.db, { orderId: placed.orderIds[0]!, personId: m.weaver.id })
  await placeOrder(m.db, {
    buyer: asPerson(m.commoner.id),
    lines: [{ offerId: m.towel.id, quantity: 1 }],
    idempotencyKey: newKey(),
    paymentProvider: 'invoice',
  })
}

describe('the organisation pages in the reader’s language', () => {
  it('registering an organisation', async () => {
    const french = await render('/organisations/new', newLoader as Loader, NewOrganisation, 'fr')
    expect(french).toContain('Enregistrer une organisation')
    expect(french).not.toContain('Register an organisation')
    const english = await render('/organisations/new', newLoader as Loader, NewOrganisation, 'en')
    expect(english).toContain('Register an organisation')
  })

  it('the workspace', async () => {
    const german = await render('/organisations/weavers/manage?notice=facts', manageLoader as Loader, Workspace, 'de')
    expect(german).toContain('Governance-Angaben gespeichert')
    expect(german).toContain('Änderungsprotokoll')
    expect(german).not.toContain('Audit trail')
    const english = await render('/organisations/weavers/manage', manageLoader as Loader, Workspace, 'en')
    expect(english).toContain('Governance facts')
    expect(english).toContain('Audit trail')
  })

  it('attesting', async () => {
    const spanish = await render('/organisations/weavers/attest', attestLoader as Loader, Attest, 'es')
    expect(spanish).toContain('Certificar a Weavers Co-op')
    expect(spanish).not.toContain('You vouch')
  })

  it('the credit page', async () => {
    const italian = await render('/organisations/weavers/credit', creditLoader as Loader, Credit, 'it')
    expect(italian).toContain('Quanto il mercato deve a Weavers Co-op')
    expect(italian).toContain('Richieste di pagamento')
  })

  it('the sales dashboard and its chart', async () => {
    await orders()
    const italian = await render('/organisations/weavers/dashboard', dashboardLoader as Loader, Dashboard, 'it')
    expect(italian).toContain('Vendite di Weavers Co-op')
    expect(italian).toContain('Settimana del')
    expect(italian).toContain('Mostra i dati')
    expect(italian).toContain('1 ordine')
    expect(italian).toMatch(/\d+,\d{2}\s€/)
    expect(italian).not.toContain('Week of')
    const english = await render('/organisations/weavers/dashboard', dashboardLoader as Loader, Dashboard, 'en')
    expect(english).toContain('Week of')
    expect(english).toMatch(/€\d+\.\d{2}/)
  })

  it('the incoming orders', async () => {
    await orders()
    const french = await render('/organisations/weavers/orders', ordersLoader as Loader, Orders, 'fr')
    expect(french).toContain('Commandes pour Weavers Co-op')
    expect(french).toContain('Marquer le paiement comme reçu')
    expect(french).toContain('2 au total.')
    expect(french).not.toContain('Mark payment received')
    const english = await render('/organisations/weavers/orders', ordersLoader as Loader, Orders, 'en')
    expect(english).toContain('Mark payment received')
    expect(english).toContain('2 in all.')
  })

  it('the CSV header', async () => {
    await orders()
    const csvOf = async (url: string) =>
      (await (salesCsv.loader({ request: request(url, { cookie }), params: { slug: 'weavers' }, context: {} }) as Promise<Response>)).text()
    const italian = await csvOf('/organisations/weavers/sales.csv?lng=it')
    expect(italian.split(/\r?\n/)[0]).toMatch(/^\uFEFF?Ordine,Effettuato il,Pagato il,Stato,/)
    const english = await csvOf('/organisations/weavers/sales.csv?lng=en')
    expect(english.split(/\r?\n/)[0]).toMatch(/^\uFEFF?order,placed_at,paid_at,status,/)
  })
})
