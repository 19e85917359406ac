import type { i18n as I18n } from 'i18next'
import { useTranslation } from 'react-i18next'
import { fallbackLanguage } from './config'

// The domain speaks English: an AppError or a form schema says what went wrong in the product's
// words, and tests and logs read those words. Readers get them in their own language here, at the
// edge: every message the code can say is a template ("Only {{available}} left of {{title}}.")
// in the `messages` namespace (the domain's and the forms') or under a `messages` key of another
// namespace (a page's own refusals), found again from the English text it produced, and written
// out in the reader's language with the same values. `npm run i18n:check` fails when a message
// in the code has no template, so none reaches a reader untranslated by accident.

export const MESSAGES_NAMESPACE = 'messages'

/** The message templates of one language's namespaces: all of `messages`, and each one's `messages` key. */
export function messageTemplates(bundles: Record<string, unknown>): Record<string, unknown> {
  const templates: Record<string, unknown> = {}
  for (const [ns, tree] of Object.entries(bundles)) {
    if (ns === MESSAGES_NAMESPACE) templates[ns] = tree
    else if (tree && typeof tree === 'object' && 'messages' in tree) templates[ns] = { messages: (tree as { messages: unknown }).messages }
  }
  return templates
}

interface Template {
  key: string
  pattern: RegExp
  names: string[]
  /** literal characters: the more a template pins down, the earlier it is tried */
  weight: number
}

interface MessageIndex {
  exact: Map<string, string>
  templates: Template[]
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const pluralSuffix = /_(zero|one|two|few|many|other)$/
const placeholder = /\{\{\s*([\w.]+)\s*\}\}/g

/** Every leaf of a nested message object as [dotted key, text]. */
export function leaves(tree: unknown, prefix = ''): [string, string][] {
  if (typeof tree === 'string') return [[prefix, tree]]
  if (!tree || typeof tree !== 'object') return []
  return Object.entries(tree).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k))
}

/** The index of message templates, from `messageTemplates` of English; keys come out as "ns:key". */
export function buildMessageIndex(english: Record<string, unknown>): MessageIndex {
  const exact = new Map<string, string>()
  const templates: Template[] = []
  const all = Object.entries(english).flatMap(([ns, tree]) => leaves(tree).map(([key, text]) => [`${ns}:${key}`, text] as const))
  for (const [fullKey, text] of all) {
    const key = fullKey.replace(pluralSuffix, '')
    const names: string[] = []
    let source = ''
    let last = 0
    let weight = 0
    for (const match of text.matchAll(placeholder)) {
      source += escape(text.slice(last, match.index))
      weight += match.index - last
      source += '([\\s\\S]+?)'
      names.push(match[1]!)
      last = match.index + match[0].length
    }
    if (names.length === 0) {
      if (!exact.has(text)) exact.set(text, key)
      continue
    }
    source += escape(text.slice(last))
    weight += text.length - last
    templates.push({ key, pattern: new RegExp(`^${source}$`), names, weight })
  }
  templates.sort((a, b) => b.weight - a.weight)
  return { exact, templates }
}

/** The template an English message came from, with the values it was filled with; null if none. */
export function findMessage(index: MessageIndex, english: string): { key: string; values: Record<string, string | number> } | null {
  const key = index.exact.get(english)
  if (key) return { key, values: {} }
  for (const template of index.templates) {
    const match = template.pattern.exec(english)
    if (!match) continue
    const values: Record<string, string | number> = {}
    template.names.forEach((name, i) => {
      const value = match[i + 1]!
      // i18next chooses a plural form from a number; the English text wrote it with separators.
      values[name] = name === 'count' && /^[\d,]+$/.test(value) ? Number(value.replace(/,/g, '')) : value
    })
    return { key: template.key, values }
  }
  return null
}

const indexes = new WeakMap<object, MessageIndex>()

/**
 * An English message from the domain in the language of `i18n` (an instance holding English's
 * `messages` too). A message with no template stays as it is; a "field: message" answer from a
 * query check keeps its field name.
 */
export function localizeMessage(i18n: I18n, english: string): string {
  if (i18n.language === fallbackLanguage) return english
  const store = (i18n.store?.data?.[fallbackLanguage] ?? null) as object | null
  if (!store) return english
  let index = indexes.get(store)
  if (!index) {
    index = buildMessageIndex(messageTemplates(store as Record<string, unknown>))
    indexes.set(store, index)
  }
  const found = findMessage(index, english)
  if (found) return i18n.t(found.key, { ...found.values, interpolation: { escapeValue: false } })
  const prefixed = /^([\w.]+): ([\s\S]+)$/.exec(english)
  if (prefixed) {
    const inner = findMessage(index, prefixed[2]!)
    if (inner) return `${prefixed[1]}: ${i18n.t(inner.key, { ...inner.values, interpolation: { escapeValue: false } })}`
  }
  return english
}

/** For components: a message the server sent (a form's error), in the reader's language. */
export function useMessage(): (english: string | null | undefined) => string | null | undefined {
  const { i18n } = useTranslation()
  return (english) => (english ? localizeMessage(i18n, english) : english)
}
