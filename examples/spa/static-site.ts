import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { extname } from 'node:path'
import { listen } from '../listen.ts'

export interface StaticSiteOptions {
  // 0 picks any free port.
  readonly port: number
  readonly host?: string
  /** URL path → file; read once at start, so the site serves exactly these and nothing else from disk. */
  readonly files: Readonly<Record<string, URL>>
  /** What the page's script reads from /config.json: the CSP forbids inline script, so no inline config. */
  readonly config: Readonly<Record<string, string>>
  /** Origins the page's script may fetch from besides its own: the CSP's connect-src. */
  readonly connectTo: readonly string[]
  /** Requests under /api/ are passed on to this API (GET only), for APIs that send no CORS headers. */
  readonly api?: URL
}

export interface StaticSite {
  readonly url: string
  close(): Promise<void>
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
}

const API_PREFIX = '/api/'
const API_TIMEOUT_MS = 5_000

// No inline script or style; scripts and fetches only from the origins named. Navigation to the authorization
// server is a top-level navigation (a popup), which connect-src does not govern.
function contentSecurityPolicy(connectTo: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src ${["'self'", ...connectTo].join(' ')}`,
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

function headersFor(csp: string, type: string): Record<string, string> {
  return {
    'Content-Type': type,
    'Content-Security-Policy': csp,
    // The callback URL carries a code or a token: never send it onward as a Referer (RFC 9700 §4.2.4).
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  }
}

// The API's answer, status and challenge as they came; the Authorization header goes to the API and nowhere else.
async function passToApi(api: URL, request: IncomingMessage, response: ServerResponse, path: string) {
  const target = new URL(`${api.href.replace(/\/+$/, '')}/${path}`)
  const authorization = request.headers.authorization
  try {
    const answer = await fetch(target, {
      headers: { accept: 'application/json', ...(authorization === undefined ? {} : { authorization }) },
      redirect: 'manual',
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    })
    const challenge = answer.headers.get('www-authenticate')
    response.writeHead(answer.status, {
      'Content-Type': answer.headers.get('content-type') ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
      ...(challenge === null ? {} : { 'WWW-Authenticate': challenge }),
    })
    response.end(Buffer.from(await answer.arrayBuffer()))
  } catch {
    response.writeHead(502, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
    response.end(JSON.stringify({ error: 'bad_gateway', error_description: 'the API could not be reached' }))
  }
}

/** A tiny static site: a few files, a JSON config and strict headers, served by node:http. */
export async function startStaticSite(options: StaticSiteOptions): Promise<StaticSite> {
  const csp = contentSecurityPolicy(options.connectTo)
  const pages = new Map<string, { type: string; body: Buffer }>(
    Object.entries(options.files).map(([path, file]) => [
      path,
      { type: TYPES[extname(file.pathname)] ?? 'application/octet-stream', body: readFileSync(file) },
    ]),
  )
  pages.set('/config.json', {
    type: 'application/json',
    body: Buffer.from(JSON.stringify(options.config)),
  })

  const http = createServer((request, response) => {
    const path = URL.parse(request.url ?? '/', 'http://site.invalid')?.pathname ?? '/'
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    if (options.api !== undefined && path.startsWith(API_PREFIX)) {
      void passToApi(options.api, request, response, path.slice(API_PREFIX.length))
      return
    }
    const page = pages.get(path)
    if (page === undefined) {
      response.writeHead(404, headersFor(csp, 'text/plain; charset=utf-8')).end('Not found')
      return
    }
    response.writeHead(200, headersFor(csp, page.type))
    response.end(request.method === 'HEAD' ? undefined : page.body)
  })
  return listen(http, options.port, options.host)
}
