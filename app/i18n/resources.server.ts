import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { supportedLanguages, type Language } from './config'

// The messages, read once from locales/<language>/<namespace>.json beside the app (the server
// runs from the project's folder, as it does for public/). Translators edit those files; the
// server reads them at start, so a change needs a restart, not a build.

export type Messages = Record<string, unknown>
export type Resources = Record<Language, Record<string, Messages>>

let loaded: { resources: Resources; version: string; namespaces: string[] } | undefined

export function localesDir(): string {
  return path.resolve(process.env.LOCALES_DIR ?? 'locales')
}

function load() {
  const dir = localesDir()
  const hash = createHash('sha1')
  const resources = {} as Resources
  const namespaces = new Set<string>()
  for (const language of supportedLanguages) {
    resources[language] = {}
    const folder = path.join(dir, language)
    for (const file of fs
      .readdirSync(folder)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const text = fs.readFileSync(path.join(folder, file), 'utf8')
      hash.update(`${language}/${file}\n${text}`)
      const namespace = file.slice(0, -'.json'.length)
      resources[language][namespace] = JSON.parse(text) as Messages
      namespaces.add(namespace)
    }
  }
  return { resources, version: hash.digest('hex').slice(0, 12), namespaces: [...namespaces].sort() }
}

/** Every language's messages by namespace. */
export function resources(): Resources {
  loaded ??= load()
  return loaded.resources
}

/** Changes whenever any message does: browsers may keep a language's messages while it holds. */
export function messagesVersion(): string {
  loaded ??= load()
  return loaded.version
}

export function namespaces(): string[] {
  loaded ??= load()
  return loaded.namespaces
}
