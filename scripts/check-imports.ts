// Checks the import graph of app/ and db/ (docs/decisions/0017-modules-import-downward.md):
//   1. no file imports itself through others (no cycle between files);
//   2. each folder under app/modules sits on a layer below and imports only folders on lower
//      layers, so no two modules import each other (a new folder must be given a layer here);
//   3. app/lib, db/schema.ts, db/connection.ts and db/migrations import no module; modules and
//      lib import nothing of the web app above them (routes, components, forms, the root) but
//      app/i18n's request-free parts (the languages, detection from a request, formats, messages and
//      the server's translator: they import no module), and components import no route.
// Type-only imports count: a module that needs another's types sits above it too.
// Run: npx tsx scripts/check-imports.ts   (exits 1 and names every break)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

/** The module folders, lowest layer first. A module imports only folders on lower layers. */
export const moduleLayers: readonly (readonly string[])[] = [
  ['accounts', 'audit', 'evidence', 'health', 'ledger', 'stock'],
  ['reciprocity', 'scoring'],
  ['peer-attestation', 'pricing'],
  ['organisations'],
  ['listings', 'verification'],
  ['catalog', 'orders'],
  ['funds', 'open-data', 'payments'],
]

const here = fileURLToPath(import.meta.url)
const root = resolve(dirname(here), '..')
const sourceFile = /\.(ts|tsx)$/

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return filesUnder(path)
    return sourceFile.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/** The project file an import names, or null for a package. */
function resolveImport(from: string, specifier: string): string | null {
  let base: string
  if (specifier.startsWith('~/')) base = join(root, 'app', specifier.slice(2))
  else if (specifier.startsWith('.')) base = resolve(dirname(from), specifier)
  else return null
  base = base.replace(/\.js$/, '')
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return null
}

export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of [...filesUnder(join(root, 'app')), ...filesUnder(join(root, 'db'))]) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    const targets = importedFiles.flatMap((i) => {
      const target = resolveImport(file, i.fileName)
      return target && sourceFile.test(target) ? [relative(root, target)] : []
    })
    graph.set(relative(root, file), [...new Set(targets)])
  }
  return graph
}

/** Every cycle's files (Tarjan's strongly connected components of more than one file, or a file importing itself). */
export function fileCycles(graph: Map<string, string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const visit = (file: string) => {
    index.set(file, next)
    low.set(file, next++)
    stack.push(file)
    onStack.add(file)
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target)
        low.set(file, Math.min(low.get(file)!, low.get(target)!))
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!))
    }
    if (low.get(file) !== index.get(file)) return
    const component: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== file)
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(component.sort())
  }
  for (const file of graph.keys()) if (!index.has(file)) visit(file)
  return cycles
}

const moduleOf = (file: string) => /^app\/modules\/([^/]+)\//.exec(file)?.[1] ?? null

export function layeringProblems(graph: Map<string, string[]>): string[] {
  const layerOf = new Map(moduleLayers.flatMap((folders, layer) => folders.map((f) => [f, layer] as const)))
  const problems = new Set<string>()
  for (const [file, targets] of graph) {
    const from = moduleOf(file)
    if (from !== null && !layerOf.has(from))
      problems.add(`app/modules/${from} has no layer: add it to moduleLayers in scripts/check-imports.ts and docs/design.md`)
    const belowModules = file.startsWith('app/lib/') || file === 'db/schema.ts' || file === 'db/connection.ts' || file.startsWith('db/migrations/')
    for (const target of targets) {
      const to = moduleOf(target)
      if (belowModules && to !== null) problems.add(`${file} imports ${target}: it sits below every module`)
      // app/i18n/config.ts, the languages the marketplace speaks, imports nothing: the product's
      // rules may name them (a listing's translation is into one of them).
      if (
        (from !== null || file.startsWith('app/lib/')) &&
        !/^(app\/modules|app\/lib|db)\//.test(target) &&
        !/^app\/i18n\/(config|detect|format|messages|resources\.server|translator\.server)\.ts$/.test(target)
      )
        problems.add(`${file} imports ${target}: modules and lib import only modules, lib and the schema, nothing of the web app above them`)
      if (file.startsWith('app/components/') && target.startsWith('app/routes/')) problems.add(`${file} imports ${target}: components sit below the routes`)
      if (from === null || to === null || from === to) continue
      const [a, b] = [layerOf.get(from), layerOf.get(to)]
      if (a !== undefined && b !== undefined && b >= a)
        problems.add(`${file} imports ${target}: ${from} (layer ${a + 1}) may import only modules below its layer, and ${to} is on layer ${b + 1}`)
    }
  }
  return [...problems].sort()
}

if (process.argv[1] && resolve(process.argv[1]) === here) {
  const graph = importGraph()
  const cycles = fileCycles(graph)
  const problems = layeringProblems(graph)
  for (const cycle of cycles) console.log(`cycle: ${cycle.join(' <-> ')}`)
  for (const problem of problems) console.log(problem)
  const folders = new Set([...graph.keys()].map(moduleOf).filter((m) => m !== null))
  console.log(
    `${graph.size} files, ${folders.size} module folders in ${moduleLayers.length} layers: ${cycles.length} cycles, ${problems.length} layering problems`,
  )
  process.exitCode = cycles.length || problems.length ? 1 : 0
}
