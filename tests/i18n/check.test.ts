import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkTranslations } from '../../scripts/i18n-check'

// The translators' check on a small project of its own: each thing a translator or a developer
// can get wrong is reported, and a complete project passes.

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true })
})

type Messages = Record<string, unknown>

function project(files: { code: string; locales: Record<string, Messages> }): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'i18n-check-'))
  roots.push(root)
  fs.mkdirSync(path.join(root, 'app'), { recursive: true })
  fs.writeFileSync(path.join(root, 'app/page.tsx'), files.code)
  fs.writeFileSync(path.join(root, 'server.ts'), '')
  for (const [language, namespaces] of Object.entries(files.locales)) {
    fs.mkdirSync(path.join(root, 'locales', language), { recursive: true })
    for (const [ns, tree] of Object.entries(namespaces)) fs.writeFileSync(path.join(root, 'locales', language, `${ns}.json`), JSON.stringify(tree))
  }
  return root
}

const code = `
export function Page({ n }: { n: number }) {
  const { t } = useTranslation('shop')
  if (n < 0) throw new AppError('invalid_input', \`Only \${n} left of this offer.\`)
  return <p title={t('shop:title')}>{t('orders', { count: n })} {t(\`status.\${'paid'}\`)}</p>
}`

const english = {
  shop: { title: 'Shop', orders_one: '{{count}} order', orders_other: '{{count}} orders', status: { paid: 'paid' } },
  messages: { left: 'Only {{available}} left of this offer.' },
}
const romance = (title: string, one: string, many: string, other: string, paid: string, left: string) => ({
  shop: { title, orders_one: one, orders_many: many, orders_other: other, status: { paid } },
  messages: { left },
})
const complete = {
  en: english,
  it: romance('Negozio', 'un ordine', '{{count}} di ordini', '{{count}} ordini', 'pagato', 'Ne restano solo {{available}} di questa offerta.'),
  fr: romance('Boutique', '{{count}} commande', '{{count}} de commandes', '{{count}} commandes', 'payée', 'Plus que {{available}} pour cette offre.'),
  es: romance('Tienda', '{{count}} pedido', '{{count}} de pedidos', '{{count}} pedidos', 'pagado', 'Solo quedan {{available}} de esta oferta.'),
  de: {
    shop: { title: 'Laden', orders_one: '{{count}} Bestellung', orders_other: '{{count}} Bestellungen', status: { paid: 'bezahlt' } },
    messages: { left: 'Nur noch {{available}} von diesem Angebot.' },
  },
}

const clone = <T>(value: T): T => structuredClone(value)
const messagesOf = (root: string) => checkTranslations(root).map((p) => `${p.file}: ${p.message}`)

describe('npm run i18n:check', () => {
  it('passes a project whose every language is complete and whose code says nothing untranslated', () => {
    expect(messagesOf(project({ code, locales: complete }))).toEqual([])
  })

  it('names a key missing in one language', () => {
    const locales = clone(complete)
    delete (locales.de.shop as Messages).title
    expect(messagesOf(project({ code, locales }))).toEqual(['locales/de/shop.json: missing key "title"'])
  })

  it('names a plural form the language needs and lacks', () => {
    const locales = clone(complete)
    delete (locales.it.shop as Messages).orders_many
    expect(messagesOf(project({ code, locales }))).toEqual(['locales/it/shop.json: missing plural form "orders_many"'])
  })

  it('names a translation whose placeholders differ from English', () => {
    const locales = clone(complete)
    ;(locales.fr.messages as Messages).left = 'Plus que {{n}} pour cette offre.'
    expect(messagesOf(project({ code, locales }))).toEqual(['locales/fr/messages.json: "left" has placeholders {n}; English has {available}'])
  })

  it('names a key no code uses, in English and in the languages that still carry it', () => {
    const locales = clone(complete)
    ;(locales.en.shop as Messages).leftover = 'Nobody says this'
    expect(messagesOf(project({ code, locales }))).toEqual([
      'locales/it/shop.json: missing key "leftover"',
      'locales/fr/shop.json: missing key "leftover"',
      'locales/de/shop.json: missing key "leftover"',
      'locales/es/shop.json: missing key "leftover"',
      'locales/en/shop.json: "leftover" is used nowhere in the code',
    ])
  })

  it('names words written in JSX and a message with no template', () => {
    const untranslated = code
      .replace('<p title', '<p>Welcome to the shop</p>; <p title')
      .replace('Only ${n} left of this offer.', 'Sold out, sorry about that.')
    const problems = messagesOf(project({ code: untranslated, locales: complete }))
    expect(problems).toContainEqual(expect.stringMatching(/^app\/page\.tsx:\d+: words written in JSX: "Welcome to the shop"$/))
    expect(problems).toContainEqual(expect.stringMatching(/^app\/page\.tsx:\d+: text a reader sees is not translatable: "Sold out, sorry about that\."$/))
    expect(problems).toContain('locales/en/messages.json: "left" matches no message in the code')
  })
})
