import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import type { IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import { createSecureContext, getCACertificates, type SecureContext } from 'node:tls'
import {
  ForbiddenUrlError,
  type OutboundFetch,
  OutboundFetchError,
  type OutboundRequest,
  type OutboundResponse,
} from '../core/ports/fetch.ts'
import { addressProblem, ipLiteral } from './address-policy.ts'
import { type CacheBounds, JsonCache } from './json-cache.ts'

/** The limits every outbound request is held to (the configuration's `outboundFetch`). */
export interface FetchLimits {
  /** Development only: also reach loopback and private addresses (never link-local). */
  readonly allowPrivateAddresses: boolean
  /** The whole exchange, every redirect and the last byte of the body included. */
  readonly timeoutMs: number
  /** The largest body read; a longer one is abandoned as it streams in. */
  readonly maxBytes: number
  /** Redirects followed for a GET; each new location passes every check again. */
  readonly maxRedirects: number
}

export interface OutboundFetchOptions extends FetchLimits {
  readonly cache: CacheBounds
  /** Milliseconds since the epoch, for the cache; tests pass their clock. */
  readonly now?: () => number
  /**
   * Extra certificate authorities to trust (PEM), besides Node's. Settable only by code, never by configuration or
   * environment: the tests' own authority, so that they can serve documents over real TLS.
   */
  readonly ca?: string
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
/** application/json and the structured-syntax kinds, such as application/jwk-set+json (RFC 6839 §3.1). */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i

/**
 * A DNS lookup that refuses a name if any of its addresses is not a public one. Node connects to the address this
 * answers, so the address checked is the address used: a second resolution (DNS rebinding) never happens.
 */
export function checkedLookup(allowPrivate: boolean, resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0)
      const refused =
        addresses.length === 0 || addresses.some((entry) => addressProblem(entry.address, allowPrivate))
      if (refused) {
        return callback(
          new ForbiddenUrlError(`${hostname} resolves to an address that is not public.`),
          '',
          0,
        )
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
      const [first] = addresses as [LookupAddress]
      callback(null, first.address, first.family)
    })
  }
}

/** Why this URL may not be fetched, before any connection; its host's addresses are checked by the lookup. */
function urlProblem(url: URL, allowPrivate: boolean): string | null {
  if (url.protocol !== 'https:') return 'only https URLs are fetched'
  if (url.username !== '' || url.password !== '') return 'a URL with credentials is not fetched'
  const literal = ipLiteral(url.hostname)
  if (literal === null) return null
  const problem = addressProblem(literal, allowPrivate)
  return problem === null ? null : `its host ${problem}`
}

function headerText(headers: IncomingHttpHeaders): Record<string, string> {
  const text: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) text[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return text
}

interface Exchange {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Buffer
}

/**
 * The TLS context that trusts `ca` besides Node's own authorities (its bundle, NODE_EXTRA_CA_CERTS, the system's
 * with --use-system-ca): a `ca` option alone would replace them. Built once; undefined keeps Node's default.
 */
function trustingAlso(ca: string | undefined): SecureContext | undefined {
  return ca === undefined ? undefined : createSecureContext({ ca: [...getCACertificates('default'), ca] })
}

/** One request and its whole (bounded) body; no redirect followed. */
function exchange(
  url: URL,
  request: OutboundRequest,
  options: OutboundFetchOptions,
  secureContext: SecureContext | undefined,
  signal: AbortSignal,
) {
  return new Promise<Exchange>((resolve, reject) => {
    const outgoing = httpsRequest(
      url,
      {
        method: request.method,
        headers: { 'user-agent': 'Keyward', ...request.headers },
        lookup: checkedLookup(options.allowPrivateAddresses),
        // A fresh connection per request: no pooled socket outlives the check of its address.
        agent: false,
        signal,
        ...(secureContext === undefined ? {} : { secureContext }),
      },
      (response) => {
        const declared = Number(response.headers['content-length'])
        if (declared > options.maxBytes) {
          response.destroy()
          reject(new OutboundFetchError(`the document is larger than ${options.maxBytes} bytes.`))
          return
        }
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > options.maxBytes) {
            response.destroy()
            reject(new OutboundFetchError(`the document is larger than ${options.maxBytes} bytes.`))
            return
          }
          chunks.push(chunk)
        })
        response.on('error', reject)
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: headerText(response.headers),
            body: Buffer.concat(chunks),
          }),
        )
      },
    )
    outgoing.on('error', reject)
    outgoing.end(request.body)
  })
}

/** The error a failed exchange reports: its own words when a rule refused it, else what went wrong. */
function fetchFailure(
  url: URL,
  error: unknown,
  deadline: AbortSignal,
  timeoutMs: number,
): OutboundFetchError {
  if (error instanceof OutboundFetchError) return error
  if (deadline.aborted) return new OutboundFetchError(`${url.host} did not answer within ${timeoutMs} ms.`)
  const code = (error as NodeJS.ErrnoException).code
  return new OutboundFetchError(`${url.host} could not be reached (${code ?? 'connection failed'}).`, {
    cause: error,
  })
}

/**
 * The outbound-fetch port over Node's https client (architecture §2, `src/net/`): see `OutboundFetch`. GETs follow
 * at most `maxRedirects` redirects (none for a JSON document asked for without them), each location checked
 * afresh; other methods follow none.
 */
export function createOutboundFetch(options: OutboundFetchOptions): OutboundFetch {
  const cache = new JsonCache(options.cache, options.now ?? Date.now)
  const secureContext = trustingAlso(options.ca)
  // One fetch per URL at a time: requests that need the same document while it is on its way share it.
  const inFlight = new Map<string, Promise<unknown>>()

  /** Sends `request`, following at most `maxRedirects` redirects of a GET (0: a redirect is the answer). */
  async function send(
    address: string,
    request: OutboundRequest,
    maxRedirects: number,
  ): Promise<Exchange & { url: URL }> {
    const deadline = AbortSignal.timeout(options.timeoutMs)
    const signal = request.signal === undefined ? deadline : AbortSignal.any([deadline, request.signal])
    let url: URL
    try {
      url = new URL(address)
    } catch {
      throw new ForbiddenUrlError('it is not a URL.')
    }
    for (let redirects = 0; ; redirects++) {
      const problem = urlProblem(url, options.allowPrivateAddresses)
      if (problem !== null) throw new ForbiddenUrlError(`${url.href} is not fetched: ${problem}.`)
      let answer: Exchange
      try {
        answer = await exchange(url, request, options, secureContext, signal)
      } catch (error) {
        throw fetchFailure(url, error, deadline, options.timeoutMs)
      }
      const location = answer.headers.location
      const redirected =
        request.method === 'GET' && REDIRECT_STATUSES.has(answer.status) && location !== undefined
      if (!redirected || maxRedirects === 0) return { ...answer, url }
      if (redirects >= maxRedirects) {
        throw new OutboundFetchError(`more than ${maxRedirects} redirects from ${address}.`)
      }
      url = new URL(location, url)
    }
  }

  async function fetchJson(url: string, followRedirects: boolean, cacheKey: string): Promise<unknown> {
    const request = { method: 'GET', headers: { accept: 'application/json' } } as const
    const answer = await send(url, request, followRedirects ? options.maxRedirects : 0)
    if (REDIRECT_STATUSES.has(answer.status) && !followRedirects) {
      throw new OutboundFetchError(`${url} answered a redirect, which is not followed for this document.`)
    }
    if (answer.status !== 200) throw new OutboundFetchError(`${answer.url.href} answered ${answer.status}.`)
    if (!JSON_MEDIA_TYPE.test(answer.headers['content-type'] ?? '')) {
      throw new OutboundFetchError(`${answer.url.href} did not answer with JSON.`)
    }
    let body: unknown
    try {
      body = JSON.parse(answer.body.toString('utf8'))
    } catch {
      throw new OutboundFetchError(`${answer.url.href} answered malformed JSON.`)
    }
    cache.put(cacheKey, body, answer.headers['cache-control'])
    return body
  }

  return {
    json(url, { refresh = false, followRedirects = true } = {}) {
      // A document reached through redirects is never the answer for a caller that forbids them.
      const key = followRedirects ? url : `no-redirects ${url}`
      const cached = cache.get(key, refresh)
      if (cached !== undefined) return Promise.resolve(cached)
      const pending = inFlight.get(key)
      if (pending !== undefined) return pending
      const fetching = fetchJson(url, followRedirects, key).finally(() => inFlight.delete(key))
      inFlight.set(key, fetching)
      return fetching
    },
    async request(url, request): Promise<OutboundResponse> {
      const answer = await send(url, request, request.method === 'GET' ? options.maxRedirects : 0)
      return { status: answer.status, headers: answer.headers, body: answer.body.toString('utf8') }
    },
  }
}
