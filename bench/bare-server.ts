// Serves bench/bare's build the way server.ts serves the marketplace.
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ServerBuild } from '@remix-run/node'
import { createHttpApp } from '../app/lib/http-app.server'
import { createPageCache } from '../app/lib/page-cache.server'

// Compiled next to the bare build (bench/bare/build/server.js), like build/server.js.
const root = path.resolve(import.meta.dirname, '..')
const build = (await import(pathToFileURL(path.join(root, 'build/index.js')).href)) as ServerBuild
const port = Number(process.env.PORT ?? 3099)
// Behind the same page cache as the marketplace, so both are served the same way.
const pageCache = createPageCache({ isCacheablePath: () => true, varyCookies: [], currentGeneration: async () => 0 })
createHttpApp(build, 'production', path.join(root, 'public'), (request, render) => pageCache.serve(request, render)).listen(port, () =>
  console.log(`bare Remix app on ${port}`),
)
