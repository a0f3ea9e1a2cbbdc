import type { RawOutcome } from '../../support/raw-http.ts'
import { isRfc6749Body } from '../../support/rfc6749.ts'
import type { FuzzRequest } from './corpus.ts'

interface Route {
  /** Pages answer errors as HTML, API endpoints as RFC 6749 JSON. */
  readonly kind: 'page' | 'api'
  readonly methods: readonly string[]
  /** Called by browser apps from other origins (RFC 9700 §2.6), so allowed to answer with CORS headers. */
  readonly cors: boolean
}

const page = (...methods: string[]): Route => ({ kind: 'page', methods, cors: false })
const api = (cors: boolean, ...methods: string[]): Route => ({ kind: 'api', methods, cors })

const ROUTES: Readonly<Record<string, Route>> = {
  '/authorize': page('GET', 'HEAD', 'POST'),
  '/login': page('POST'),
  '/consent': page('POST'),
  '/device': page('GET', 'HEAD', 'POST'),
  '/device/login': page('POST'),
  '/device/decide': page('POST'),
  '/account': page('GET', 'HEAD'),
  '/account/login': page('GET', 'HEAD', 'POST'),
  '/account/disconnect': page('POST'),
  '/account/sessions/end': page('POST'),
  '/account/sessions/end-all': page('POST'),
  '/account/password': page('POST'),
  '/token': api(true, 'POST', 'OPTIONS'),
  '/revoke': api(true, 'POST', 'OPTIONS'),
  '/introspect': api(false, 'POST'),
  '/device_authorization': api(true, 'POST', 'OPTIONS'),
  '/par': api(true, 'POST', 'OPTIONS'),
  '/.well-known/oauth-authorization-server': api(true, 'GET', 'HEAD', 'OPTIONS'),
  '/jwks.json': api(true, 'GET', 'HEAD', 'OPTIONS'),
  '/.well-known/openid-configuration': api(true, 'GET', 'HEAD', 'OPTIONS'),
  '/userinfo': api(true, 'GET', 'HEAD', 'POST', 'OPTIONS'),
}

/** Node refuses a head (request line and headers) over 16 KB before any route sees it; near the limit, either. */
const HEAD_LIMIT = 16 * 1024
const HEAD_SLACK = 1024

export type Shape = 'json' | 'html' | 'either'

function routeOf(request: FuzzRequest): Route | undefined {
  try {
    return ROUTES[decodeURIComponent(request.path)]
  } catch {
    return undefined
  }
}

/**
 * The shape an error answer to `request` must have. A request routed to a page gets an HTML page; a request that
 * reaches no route gets a page only when it asks for HTML (a browser's navigation); every other error is JSON.
 */
export function expectedShape(request: FuzzRequest, headBytes: number): Shape {
  if (headBytes > HEAD_LIMIT + HEAD_SLACK) return 'json'
  if (headBytes > HEAD_LIMIT - HEAD_SLACK) return 'either'
  const route = routeOf(request)
  if (route?.methods.includes(request.method)) return route.kind === 'page' ? 'html' : 'json'
  const accept = request.headers.filter(([name]) => name === 'accept').map(([, value]) => value)
  return accept.some((value) => value.includes('text/html')) ? 'html' : 'json'
}

/** Only the endpoints browser apps call may answer with Access-Control-Allow-Origin. */
export function mayAllowCors(request: FuzzRequest): boolean {
  return routeOf(request)?.cors ?? false
}

export interface Expectation {
  readonly shape: Shape
  /** A HEAD request: headers only. */
  readonly head: boolean
  /** Malformed HTTP may be dropped without an answer where none can be framed. */
  readonly mayClose: boolean
  readonly cors: boolean
}

/** Every rule an answer breaks; empty when it keeps them all. */
export function problemsOf(outcome: RawOutcome, { shape, head, mayClose, cors }: Expectation): string[] {
  if (outcome.kind === 'hung') return ['no answer and no close']
  if (outcome.kind === 'closed') return mayClose ? [] : ['closed without an answer']
  const { status, headers, body } = outcome.response
  const problems: string[] = []
  if (status >= 500) problems.push(`status ${status}`)
  if (headers.get('x-content-type-options') !== 'nosniff' || !headers.has('content-security-policy')) {
    problems.push('no security headers')
  }
  if (!cors && headers.has('access-control-allow-origin'))
    problems.push('CORS header where no browser app calls')
  if (status < 400) return problems
  const type = headers.get('content-type') ?? ''
  const html = type.startsWith('text/html') && (head || body.toString('utf8').startsWith('<!doctype html>'))
  const json = type.startsWith('application/json') && (head || isRfc6749Body(body))
  if (shape === 'html' && !html) problems.push('page error that is not HTML')
  if (shape === 'json' && !json) problems.push('error body that is not RFC 6749 JSON')
  if (shape === 'either' && !html && !json)
    problems.push('error body that is neither RFC 6749 JSON nor a page')
  return problems
}
