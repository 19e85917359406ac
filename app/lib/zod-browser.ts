import { z } from 'zod'

// zod compiles fast object parsers with `new Function`, after probing whether eval is allowed.
// The Content-Security-Policy forbids eval in the browser, so the probe itself is reported as a
// violation. Browsers parse the few forms they check without it; the server keeps the fast path.
// Imported first by root.tsx, before any module builds a schema (the choice is made then).
if (typeof document !== 'undefined') z.config({ jitless: true })
