import { beforeEach, describe, expect, it } from 'vitest'
import { newestMailTo } from '../../app/lib/mail.server'
import { requestPasswordReset, resendEmailConfirmation } from '../../app/modules/accounts/accounts.server'
import { addToCart } from '../../app/modules/orders/cart.server'
import { inviteMember } from '../../app/modules/organisations/membership.server'
import * as checkout from '../../app/routes/checkout'
import * as notice from '../../app/routes/downloads.$offerId_.licence-notice[.]txt'
import { useAccountsTestEnv } from '../support/accounts'
import { insertPerson, request, sessionCookieFor, statusOf } from '../support/auth'
import { useAsAppDb } from '../support/db'
import { newKey, smallMarket, type SmallMarket } from '../support/market'

/** The newest mail to `to`, with the no-break spaces Intl writes in "12,50 €" as plain ones. */
function mailTo(to: string) {
  const mail = newestMailTo(to, outbox)!
  return { ...mail, subject: mail.subject.replace(/[\u00a0\u202f]/g, ' '), text: mail.text.replace(/[\u00a0\u202f]/g, ' ') }
}

// Issue 16: every mail goes out in its recipient's language (their account's; English when they
// chose none), not the sender's. One order can be mailed in three languages at once.

const { outbox } = useAccountsTestEnv()
process.env.APP_URL = 'http://market.test'
let m: SmallMarket
let hans: { id: number; email: string }

const checkOut = (cookie: string) =>
  statusOf(() =>
    checkout.action({
      request: request('/checkout', { cookie, form: { idempotencyKey: newKey(), declaredUse: 'personal', confirmUse: 'yes' } }),
      params: {},
      context: {},
    }),
  )

/** The commoner (no language chosen) buys two towels at 12.50 from the Weavers, who have an Italian and a German member. */
beforeEach(async () => {
  m = await smallMarket()
  useAsAppDb(m.db)
  await m.db.updateTable('people').set({ language: 'it', timeZone: 'Europe/Rome' }).where('id', '=', m.weaver.id).execute()
  hans = await insertPerson(m.db, 'Hans Weber')
  await m.db.updateTable('people').set({ language: 'de', timeZone: 'Europe/Berlin' }).where('id', '=', hans.id).execute()
  await m.db.insertInto('memberships').values({ organisationId: m.weavers.id, personId: hans.id, role: 'member' }).execute()
  await m.db.updateTable('offers').set({ commonerPrice: 1250 }).where('id', '=', m.towel.id).execute()
})

describe('mails in the recipient’s language', () => {
  it('writes the new-order mail to each producer member in their language and the confirmation to the buyer in English', async () => {
    await addToCart(m.db, m.commoner.id, { offerId: m.towel.id, quantity: 2 })
    expect((await checkOut(await sessionCookieFor(m.commoner.id))).status).toBe(302)
    const { id: checkoutId } = await m.db.selectFrom('checkouts').select('id').executeTakeFirstOrThrow()
    const { id: orderId } = await m.db.selectFrom('orders').select('id').executeTakeFirstOrThrow()
    const reference = `SM-${checkoutId}-${orderId}`

    const italian = mailTo(m.weaver.email)
    expect(italian.subject).toBe(`Nuovo ordine ${reference} per Weavers Co-op`)
    expect(italian.text).toContain('Noor Commoner ha ordinato da Weavers Co-op, acquistando come commoner')
    expect(italian.text).toContain('  2 × Linen tea towel (piece) a 12,50 €')
    expect(italian.text).toContain('Totale: 25,00 € — da pagare con bonifico bancario')
    expect(italian.text).not.toMatch(/€\d|Total:|ordered from/)

    const german = mailTo(hans.email)
    expect(german.subject).toBe(`Neue Bestellung ${reference} für Weavers Co-op`)
    expect(german.text).toContain('Noor Commoner hat bei Weavers Co-op bestellt, als Commoner')
    expect(german.text).toContain('  2 × Linen tea towel (piece) zu 12,50 €')
    expect(german.text).toContain('Gesamt: 25,00 € — per Überweisung zu zahlen')
    expect(german.text).not.toMatch(/€\d|Total:|ordered from/)

    const english = mailTo(m.commoner.email)
    expect(english.subject).toBe(`Your order SM-${checkoutId} at Solidarity Market`)
    expect(english.text).toContain('Hello Noor Commoner,')
    expect(english.text).toContain('  2 × Linen tea towel (piece) at €12.50')
    expect(english.text).toContain('Total: €25.00')
    expect(english.text).toContain(`  €25.00 to Weavers Co-op, reference ${reference}`)
  })

  it('follows a buyer’s own language rather than the producer’s', async () => {
    await m.db.updateTable('people').set({ language: 'fr' }).where('id', '=', m.commoner.id).execute()
    await addToCart(m.db, m.commoner.id, { offerId: m.towel.id, quantity: 1 })
    expect((await checkOut(await sessionCookieFor(m.commoner.id))).status).toBe(302)
    const buyer = mailTo(m.commoner.email)
    expect(buyer.subject).toMatch(/^Votre commande SM-\d+ sur Solidarity Market$/)
    expect(buyer.text).toContain('Bonjour Noor Commoner,')
    expect(buyer.text).toContain('Total : 12,50 €')
    expect(buyer.text).toContain('À payer : par virement bancaire sous 14 jours')
  })

  it('invites an address with an account in its own language, and a new address in the inviter’s', async () => {
    await inviteMember(m.db, m.weaver.id, m.weavers.id, { email: m.designer.email, role: 'member' })
    expect(mailTo(m.designer.email).subject).toBe('Giulia Weaver invites you to Weavers Co-op on Solidarity Market')
    await inviteMember(m.db, m.weaver.id, m.weavers.id, { email: 'nuova@example.org', role: 'admin' })
    const mail = mailTo('nuova@example.org')
    expect(mail.subject).toBe('Giulia Weaver ti invita in Weavers Co-op su Solidarity Market')
    expect(mail.text).toMatch(
      /^Giulia Weaver ti invita a entrare in Weavers Co-op come amministratore\.\n\nAccetta entro 14 giorni: http:\/\/market\.test\/invitations\//,
    )
  })

  it('sends a reset link and a confirmation link in the person’s language', async () => {
    await m.db.updateTable('people').set({ language: 'es' }).where('id', '=', m.commoner.id).execute()
    await requestPasswordReset(m.db, m.commoner.email)
    const reset = mailTo(m.commoner.email)
    expect(reset.subject).toBe('Restablece tu contraseña de Solidarity Market')
    expect(reset.text).toMatch(/^Hola, Noor Commoner:\n\n.*\n.*\n\nhttp:\/\/market\.test\/reset-password\/\S+\n\n.*\n\n— Solidarity Market\n?$/)

    const newcomer = await insertPerson(m.db, 'Klara Neu', { unconfirmed: true })
    await m.db.updateTable('people').set({ language: 'de' }).where('id', '=', newcomer.id).execute()
    await resendEmailConfirmation(m.db, newcomer.id)
    const confirmation = mailTo(newcomer.email)
    expect(confirmation.subject).toBe('Bestätigen Sie Ihre E-Mail-Adresse für Solidarity Market')
    expect(confirmation.text).toContain('Der Link ist 48 Stunden lang gültig.')
  })

  it('writes the licence notice in the reader’s language', async () => {
    await addToCart(m.db, m.commoner.id, { offerId: m.beehive.id, quantity: 1 })
    const cookie = await sessionCookieFor(m.commoner.id)
    expect((await checkOut(cookie)).status).toBe(302)
    const text = await (
      (await notice.loader({
        request: request(`/downloads/${m.beehive.id}/licence-notice.txt?lng=es`, { cookie }),
        params: { offerId: String(m.beehive.id) },
        context: {},
      })) as Response
    ).text()
    expect(text).toMatch(/^AVISO DE LICENCIA\n/)
    expect(text).toContain('Licenciatario:  Noor Commoner <noor.commoner@test.example.org>')
    expect(text).toMatch(/Pedido: {9}SM-\d+-\d+, obtenido el \d+ de \w+ de \d{4} en http:\/\/market\.test/)
  })
})
