import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { fallbackLanguage, supportedLanguages } from '../app/i18n/config'
import { MESSAGES_NAMESPACE, buildMessageIndex, findMessage, leaves, messageTemplates } from '../app/i18n/messages'

// The translators' check (`npm run i18n:check`, also run by `npm test`). It fails when:
// - a key English has is missing in another language, or a language has a key English lacks;
// - a plural key lacks a form the language needs ("_one", "_many", "_other": Intl's categories);
// - a translation's {{placeholders}} differ from English's;
// - a key no code uses (a literal 'key' or 'ns:key', or a family `prefix.${…}` the code builds);
// - text a reader sees is still written in the code: words in JSX, a label/title/alt/placeholder
//   attribute, or an English sentence (a domain message, a form's refusal) that no template in
//   locales/en/messages.json covers.
// Files whose first line is `// i18n: operators only` (startup errors, CLI output) are skipped
// by the last rule: they speak to whoever runs the server, in English.

export interface Problem {
  file: string
  message: string
}

type Tree = Record<string, unknown>

const pluralSuffix = /_(zero|one|two|few|many|other)$/
const placeholderPattern = /\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g

function placeholders(text: string): Set<string> {
  return new Set([...text.matchAll(placeholderPattern)].map((m) => m[1]!))
}

function readJson(file: string): Tree {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Tree
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f))
}

/** Everything the code says: literal strings, template prefixes, and reader-facing text. */
interface CodeFacts {
  literals: Set<string>
  templatePrefixes: Set<string>
  /** prose a reader would see: [file:line, text with ${…} as {} ] */
  prose: [string, string][]
  jsxText: [string, string][]
}

const visibleAttributes = new Set(['label', 'title', 'alt', 'placeholder', 'aria-label', 'hint', 'legend', 'caption', 'summary', 'emptyText'])
const ignoredCalls = /^(console\.\w+|new (Error|RangeError|TypeError)|fail|log)$/

function isProse(text: string): boolean {
  // A sentence: starts with a capital, has at least three words, ends like one.
  return /^[A-Z¿¡"“(]/.test(text) && /\S+ \S+ \S+/.test(text) && /[.?!:)”"]$/.test(text.trim()) && !/^[A-Z_]+$/.test(text)
}

function skeleton(node: ts.TemplateExpression): string {
  return node.head.text + node.templateSpans.map((s) => `{}${s.literal.text}`).join('')
}

function collect(files: string[], root: string): CodeFacts {
  const facts: CodeFacts = { literals: new Set(), templatePrefixes: new Set(), prose: [], jsxText: [] }
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8')
    const operatorsOnly = text.startsWith('// i18n: operators only')
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS)
    const where = (node: ts.Node) => `${path.relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`
    const ignored = (node: ts.Node): boolean => {
      for (let p = node.parent; p; p = p.parent) {
        if (ts.isCallExpression(p) && ignoredCalls.test(p.expression.getText(source))) return true
        if (ts.isNewExpression(p) && ignoredCalls.test(`new ${p.expression.getText(source)}`)) return true
      }
      return false
    }
    const visit = (node: ts.Node) => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
        facts.literals.add(node.text)
        const inAttribute = ts.isJsxAttribute(node.parent) && visibleAttributes.has(node.parent.name.getText(source))
        if (!operatorsOnly && !ignored(node) && (isProse(node.text) || (inAttribute && /[A-Za-z]{2,}/.test(node.text))))
          facts.prose.push([where(node), node.text])
      } else if (ts.isTemplateExpression(node)) {
        facts.templatePrefixes.add(node.head.text)
        const shape = skeleton(node)
        if (!operatorsOnly && !ignored(node) && isProse(shape)) facts.prose.push([where(node), shape])
      } else if (ts.isJsxText(node)) {
        const words = node.text.replace(/\s+/g, ' ').trim()
        if (!operatorsOnly && /[A-Za-z]{2,}/.test(words)) facts.jsxText.push([where(node), words])
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return facts
}

export function checkTranslations(root: string): Problem[] {
  const problems: Problem[] = []
  const localesDir = path.join(root, 'locales')
  const english: Record<string, Tree> = {}
  for (const file of fs.readdirSync(path.join(localesDir, fallbackLanguage)).filter((f) => f.endsWith('.json')))
    english[file.slice(0, -5)] = readJson(path.join(localesDir, fallbackLanguage, file))

  // Languages against English.
  for (const language of supportedLanguages) {
    if (language === fallbackLanguage) continue
    const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories
    const folder = path.join(localesDir, language)
    if (!fs.existsSync(folder)) {
      problems.push({ file: `locales/${language}`, message: 'the folder is missing' })
      continue
    }
    const present = new Set(
      fs
        .readdirSync(folder)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5)),
    )
    for (const ns of present) if (!english[ns]) problems.push({ file: `locales/${language}/${ns}.json`, message: 'English has no such namespace' })
    for (const [ns, tree] of Object.entries(english)) {
      const file = `locales/${language}/${ns}.json`
      if (!present.has(ns)) {
        problems.push({ file, message: 'missing' })
        continue
      }
      const theirs = new Map(leaves(readJson(path.join(folder, `${ns}.json`))))
      const ours = new Map(leaves(tree))
      const expected = new Map<string, string>()
      const pluralBases = new Map<string, Set<string>>()
      for (const [key, text] of ours) {
        if (pluralSuffix.test(key)) {
          const base = key.replace(pluralSuffix, '')
          const names = pluralBases.get(base) ?? new Set<string>()
          for (const name of placeholders(text)) names.add(name)
          pluralBases.set(base, names)
        } else expected.set(key, text)
      }
      for (const [key, text] of expected) {
        const translation = theirs.get(key)
        if (translation === undefined) problems.push({ file, message: `missing key "${key}"` })
        else if ([...placeholders(text)].sort().join() !== [...placeholders(translation)].sort().join())
          problems.push({
            file,
            message: `"${key}" has placeholders {${[...placeholders(translation)].join(', ')}}; English has {${[...placeholders(text)].join(', ')}}`,
          })
      }
      for (const [base, names] of pluralBases) {
        for (const category of categories) {
          const translation = theirs.get(`${base}_${category}`)
          if (translation === undefined) {
            problems.push({ file, message: `missing plural form "${base}_${category}"` })
            continue
          }
          // A form may leave out the count ("un ordine"), never add a name English lacks.
          const extra = [...placeholders(translation)].filter((n) => !names.has(n))
          const lacking = [...names].filter((n) => n !== 'count' && !placeholders(translation).has(n))
          if (extra.length || lacking.length)
            problems.push({ file, message: `"${base}_${category}" placeholders differ from English's {${[...names].join(', ')}}` })
        }
      }
      for (const key of theirs.keys()) {
        const known =
          expected.has(key) ||
          (pluralSuffix.test(key) && pluralBases.has(key.replace(pluralSuffix, '')) && categories.includes(key.match(pluralSuffix)![1] as Intl.LDMLPluralRule))
        if (!known) problems.push({ file, message: `"${key}" is not an English key (or not a plural form ${language} uses)` })
      }
    }
  }

  // English against the code.
  const files = ['app', 'server.ts'].flatMap((p) => (p.endsWith('.ts') ? [path.join(root, p)] : sourceFiles(path.join(root, p))))
  const facts = collect(files, root)
  // A key family the code builds (`status.${code}`) counts as used: its prefix ends with a dot.
  const families = [...facts.templatePrefixes].filter((p) => /^[\w:.-]+\.$/.test(p))
  const used = (ns: string, key: string) =>
    facts.literals.has(key) || facts.literals.has(`${ns}:${key}`) || families.some((p) => key.startsWith(p) || `${ns}:${key}`.startsWith(p))
  const templates = messageTemplates(english)
  const messageIndex = buildMessageIndex(templates)
  const usedMessages = new Set<string>()
  for (const [ns, tree] of Object.entries(english)) {
    if (ns === MESSAGES_NAMESPACE) continue
    for (const [key] of leaves(tree)) {
      if (key.startsWith('messages.')) continue
      const base = key.replace(pluralSuffix, '')
      if (!used(ns, base)) problems.push({ file: `locales/en/${ns}.json`, message: `"${key}" is used nowhere in the code` })
    }
  }
  for (const [at, text] of facts.prose) {
    // A code template's ${…} is the placeholder a template names: try it with a stand-in value.
    const sample = text.replaceAll('{}', '7')
    const found = findMessage(messageIndex, text) ?? findMessage(messageIndex, sample)
    if (found) usedMessages.add(found.key)
    else problems.push({ file: at, message: `text a reader sees is not translatable: "${text.slice(0, 100)}"` })
  }
  for (const [at, text] of facts.jsxText) problems.push({ file: at, message: `words written in JSX: "${text.slice(0, 100)}"` })
  for (const [ns, tree] of Object.entries(templates)) {
    for (const [key] of leaves(tree)) {
      const base = key.replace(pluralSuffix, '')
      if (!usedMessages.has(`${ns}:${base}`) && !used(ns, base))
        problems.push({ file: `locales/en/${ns}.json`, message: `"${key}" matches no message in the code` })
    }
  }
  return problems
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = checkTranslations(process.cwd())
  for (const p of problems) console.log(`${p.file}: ${p.message}`)
  if (problems.length) {
    console.log(`\n${problems.length} problem(s). Messages live in locales/<language>/<namespace>.json; see the README's "Translating".`)
    process.exit(1)
  }
  console.log(`Translations complete: ${supportedLanguages.length} languages.`)
}
