import type { Server, ServerResponse } from 'node:http'

// A graceful stop for the HTTP server (SIGTERM from a process manager, a deploy, Ctrl-C). Every
// request is either answered in full or refused before it started: nothing is cut mid-response,
// and nothing a client was told succeeded is lost.

export interface GracefulStopOptions {
  /** runs once every connection is closed: finish writes, checkpoint, close the database */
  afterClose: () => Promise<void>
  /** past this, connections still open are closed anyway (a client reading very slowly) */
  graceMs?: number
  log?: (line: string) => void
}

/**
 * Tracks in-flight responses and returns `stop`: stop accepting connections, close idle
 * keep-alive connections at once, answer requests in flight with `Connection: close` (so the
 * client opens no further request on that connection), close each connection as its response
 * ends, then run `afterClose`. Resolves when that is done.
 */
export function gracefulStop(server: Server, { afterClose, graceMs = 10_000, log = console.log }: GracefulStopOptions): () => Promise<void> {
  const inFlight = new Set<ServerResponse>()
  let draining = false
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close')
  }
  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res)
    // A request already on the wire when the stop began (pipelined on a busy connection).
    if (draining) closeAfter(res)
    res.on('finish', () => {
      // A response whose headers went out before the stop said keep-alive: its connection is
      // idle now, and would otherwise wait for a request that would be refused.
      if (draining) setImmediate(() => server.closeIdleConnections())
    })
    res.on('close', () => inFlight.delete(res))
  })

  let stopping: Promise<void> | null = null
  return () =>
    (stopping ??= new Promise<void>((resolve, reject) => {
      draining = true
      log(`Stopping: finishing ${inFlight.size} request(s) in flight.`)
      const closed = new Promise<void>((done) => server.close(() => done()))
      server.closeIdleConnections()
      for (const res of inFlight) closeAfter(res)
      const overdue = setTimeout(() => {
        log(`Stopping: ${inFlight.size} request(s) still open after ${graceMs} ms; closing their connections.`)
        server.closeAllConnections()
      }, graceMs)
      overdue.unref()
      closed
        .then(() => clearTimeout(overdue))
        .then(afterClose)
        .then(resolve, reject)
    }))
}
