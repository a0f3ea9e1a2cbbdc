import { createServer, type Server } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generate } from 'selfsigned'

/** What a route answers; `null` leaves the request unanswered (a server that never replies). */
export type Route = (request: IncomingMessage, response: ServerResponse) => void

/**
 * An https server on loopback with a certificate of its own, where a test serves client ID metadata documents and
 * JWK sets: `url(path)` is https://localhost:PORT/path, `ca` the certificate to trust, `hits` the requests by path.
 */
export interface DocumentSite {
  readonly ca: string
  readonly origin: string
  readonly hits: Map<string, number>
  url(path: string): string
  route(path: string, route: Route): void
  /** Serves `body` as JSON with these headers (default: no Cache-Control). */
  json(path: string, body: unknown, headers?: Record<string, string>): void
  close(): Promise<void>
}

let sites = 0

export async function startDocumentSite(): Promise<DocumentSite> {
  // A subject of its own: TLS finds a certificate's issuer by subject, so two sites' certificates trusted together
  // under one name would be taken for each other.
  sites += 1
  const pems = await generate([{ name: 'commonName', value: `Keyward test site ${sites}` }], {
    keyType: 'ec',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  })
  const routes = new Map<string, Route>()
  const hits = new Map<string, number>()
  const server: Server = createServer({ cert: pems.cert, key: pems.private }, (request, response) => {
    const path = new URL(request.url ?? '/', 'https://localhost').pathname
    hits.set(path, (hits.get(path) ?? 0) + 1)
    const route = routes.get(path)
    if (route === undefined) {
      response.writeHead(404).end()
      return
    }
    route(request, response)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `https://localhost:${(server.address() as AddressInfo).port}`
  return {
    ca: pems.cert,
    origin,
    hits,
    url: (path) => `${origin}${path}`,
    route: (path, route) => void routes.set(path, route),
    json(path, body, headers = {}) {
      routes.set(path, (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
      })
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
