import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { presentedCredentials } from '../core/index.ts'
import { clientRequestOf, formOf, queryOf } from '../http/form.ts'

/** An OAuth error code as the RFCs write them (`invalid_grant`): nothing else is taken from a reply. */
const ERROR_CODE = /^[a-z_]{1,64}$/

/** The parameters of a request: its query for a GET (the authorization request), its form otherwise. */
function parametersOf(request: FastifyRequest): ReadonlyMap<string, string> {
  if (request.method !== 'GET') return formOf(request.body)
  try {
    return queryOf(request.url)
  } catch {
    // A repeated parameter: the endpoint answers invalid_request, the span records no parameter.
    return new Map()
  }
}

/**
 * The client a request names (in its form, its query, a Basic header or a client assertion), whether or not it
 * authenticates. Asynchronous as reading credentials is: an assertion's client is read with jose, which loads
 * at the first one.
 */
async function clientIdOf(
  request: FastifyRequest,
  params: ReadonlyMap<string, string>,
): Promise<string | undefined> {
  if (request.method === 'GET') return params.get('client_id')
  try {
    return (await presentedCredentials(clientRequestOf(request))).clientId
  } catch {
    // Credentials the endpoint refuses (two methods, a malformed header): the client_id sent, if any.
    return params.get('client_id')
  }
}

/**
 * The OAuth error the reply carries: the `error` member of a JSON error (RFC 6749 §5.2), or the `error` parameter
 * of an error redirect (§4.1.2.1, in the query or the fragment). Only the code, which is the same for everyone.
 */
function oauthErrorOf(reply: FastifyReply, payload: unknown): string | undefined {
  let code: unknown
  const status = reply.statusCode
  if (status >= 400 && typeof payload === 'string' && payload.startsWith('{')) {
    try {
      code = (JSON.parse(payload) as { error?: unknown }).error
    } catch {
      return undefined
    }
  } else if (status >= 300 && status < 400) {
    const location = reply.getHeader('location')
    if (typeof location !== 'string') return undefined
    try {
      const url = new URL(location)
      code = url.searchParams.get('error') ?? new URLSearchParams(url.hash.slice(1)).get('error')
    } catch {
      return undefined
    }
  }
  return typeof code === 'string' && ERROR_CODE.test(code) ? code : undefined
}

/** What Keyward knows of a request that helps to read its trace: its grant type, its client, its OAuth error. */
async function keywardAttributes(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<Attributes> {
  const params = parametersOf(request)
  const grantType = params.get('grant_type')
  const clientId = await clientIdOf(request, params)
  const error = oauthErrorOf(reply, payload)
  return {
    ...(grantType === undefined ? {} : { 'keyward.grant_type': grantType }),
    ...(clientId === undefined ? {} : { 'keyward.client_id': clientId }),
    ...(error === undefined ? {} : { 'keyward.oauth.error': error }),
  }
}

/**
 * A server span per request, on the root context so that every route has one: its parent the `traceparent` the
 * request carried (W3C Trace Context), named by method and route template (`POST /token`, `GET /register/:clientId`).
 * No URL, query string, header or body value is recorded: a code, a token or a password can be in any of them.
 */
export function traceRequests(app: FastifyInstance, tracer: Tracer): void {
  const spans = new WeakMap<FastifyRequest, Span>()
  app.addHook('onRequest', (request, reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers)
    const attributes = { 'http.request.method': request.method, 'url.scheme': request.protocol }
    const span = tracer.startSpan(request.method, { kind: SpanKind.SERVER, attributes }, parent)
    spans.set(request, span)
    const active = trace.setSpan(parent, span)
    // The body arrives in events of the request stream, after this hook: its listeners run in the span too.
    context.bind(active, request.raw)
    context.bind(active, reply.raw)
    context.with(active, done)
  })
  app.addHook('onSend', async (request, reply, payload) => {
    const span = spans.get(request)
    if (span !== undefined) span.setAttributes(await keywardAttributes(request, reply, payload))
    return payload
  })
  const end = (request: FastifyRequest, status: number | undefined) => {
    const span = spans.get(request)
    if (span === undefined) return
    spans.delete(request)
    const route = request.routeOptions.url
    if (route !== undefined) {
      span.updateName(`${request.method} ${route}`)
      span.setAttribute('http.route', route)
    }
    if (status === undefined) {
      span.setAttribute('error.type', 'aborted')
      span.setStatus({ code: SpanStatusCode.ERROR })
    } else {
      span.setAttribute('http.response.status_code', status)
      // A 4xx is the client's mistake, not the server's (OpenTelemetry's HTTP conventions for server spans).
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
    }
    span.end()
  }
  app.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode)
    done()
  })
  app.addHook('onRequestAbort', (request, done) => {
    end(request, undefined)
    done()
  })
}
