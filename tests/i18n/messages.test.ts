import i18next from 'i18next'
import { describe, expect, it } from 'vitest'
import { buildMessageIndex, findMessage, localizeMessage, messageTemplates } from '../../app/i18n/messages'
import { localized } from '../../app/i18n/translator.server'

// Domain messages are English in the code and found again at the edge by their template.

const english = {
  messages: {
    orders: {
      soldOut: '“{{title}}” is sold out.',
      onlyLeft_one: 'Only {{count}} unit of “{{title}}” is left.',
      onlyLeft_other: 'Only {{count}} units of “{{title}}” are left.',
      noSuchOrder: 'There is no such order.',
    },
  },
  cart: { title: 'Your cart', messages: { chooseQuantity: 'Choose a quantity.' } },
}

const italian = {
  messages: {
    orders: {
      soldOut: '“{{title}}” è esaurito.',
      onlyLeft_one: 'Di “{{title}}” resta solo {{count}} unità.',
      onlyLeft_many: 'Di “{{title}}” restano solo {{count}} unità.',
      onlyLeft_other: 'Di “{{title}}” restano solo {{count}} unità (altro).',
      noSuchOrder: 'Questo ordine non esiste.',
    },
  },
  cart: { title: 'Il tuo carrello', messages: { chooseQuantity: 'Scegli una quantità.' } },
}

function instance(language: string) {
  const i18n = i18next.createInstance()
  void i18n.init({ lng: language, fallbackLng: 'en', resources: { en: english, it: italian }, initImmediate: false, ns: ['messages', 'cart'] })
  return i18n
}

describe('message templates', () => {
  const index = buildMessageIndex(messageTemplates(english))

  it('takes the messages namespace whole and only the messages key of the others', () => {
    expect(messageTemplates(english)).toEqual({ messages: english.messages, cart: { messages: english.cart.messages } })
  })

  it('finds an exact message and a template with its values', () => {
    expect(findMessage(index, 'There is no such order.')).toEqual({ key: 'messages:orders.noSuchOrder', values: {} })
    expect(findMessage(index, 'Choose a quantity.')).toEqual({ key: 'cart:messages.chooseQuantity', values: {} })
    expect(findMessage(index, '“Blue towel” is sold out.')).toEqual({ key: 'messages:orders.soldOut', values: { title: 'Blue towel' } })
    expect(findMessage(index, 'Nothing like this.')).toBeNull()
  })

  it('reads a count as a number (separators too) and names the plural key without its suffix', () => {
    expect(findMessage(index, 'Only 1,200 units of “Seeds” are left.')).toEqual({ key: 'messages:orders.onlyLeft', values: { count: 1200, title: 'Seeds' } })
  })
})

describe('localizeMessage', () => {
  const it_ = instance('it')

  it('writes an exact message and a template with values in the reader’s language', () => {
    expect(localizeMessage(it_, 'There is no such order.')).toBe('Questo ordine non esiste.')
    expect(localizeMessage(it_, 'Choose a quantity.')).toBe('Scegli una quantità.')
    expect(localizeMessage(it_, '“Pane & <vino>” is sold out.')).toBe('“Pane & <vino>” è esaurito.')
  })

  it('chooses the plural form from the count', () => {
    expect(localizeMessage(it_, 'Only 1 unit of “Seeds” is left.')).toBe('Di “Seeds” resta solo 1 unità.')
    expect(localizeMessage(it_, 'Only 3 units of “Seeds” are left.')).toBe('Di “Seeds” restano solo 3 unità (altro).')
    expect(localizeMessage(it_, 'Only 1,000,000 units of “Seeds” are left.')).toBe('Di “Seeds” restano solo 1000000 unità.')
  })

  it('keeps the field name of a "field: message" answer and translates the message', () => {
    expect(localizeMessage(it_, 'quantity: Choose a quantity.')).toBe('quantity: Scegli una quantità.')
  })

  it('leaves an unknown message, and any message for an English reader, as it is', () => {
    expect(localizeMessage(it_, 'Something nobody wrote a template for.')).toBe('Something nobody wrote a template for.')
    expect(localizeMessage(it_, 'quantity: something else')).toBe('quantity: something else')
    expect(localizeMessage(instance('en'), 'There is no such order.')).toBe('There is no such order.')
  })

  it('uses the project’s own templates through localized()', () => {
    expect(localized('de', 'Choose a category.')).toBe('Wählen Sie eine Kategorie.')
    expect(localized('fr', 'Only 2 units of “Graines” are left.')).toBe('Il ne reste que 2 unités de « Graines ».')
    expect(localized('es', 'Only 1 unit of “Semillas” is left.')).toBe('De «Semillas» solo queda 1 unidad.')
    expect(localized('en', 'Choose a category.')).toBe('Choose a category.')
  })
})
