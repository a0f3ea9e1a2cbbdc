import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ErrorResponse } from './challenge.ts'
import type { IncomingHttpHeaders } from 'node:http'
import { secureUrl } from './secure-url.ts'

/** RFC 9728 §3: the well-known name under which a protected resource publishes its metadata. */
export const WELL_KNOWN = '/.well-known/oauth-protected-resource'

/** What the API says about itself in its RFC 9728 metadata, besides its identifier and its issuer. */
export interface ResourceMetadataOptions {
  /** RFC 9728 §2 `scopes_supported`: the scopes the API uses. */
  readonly scopesSupported?: readonly string[]
  /** RFC 9728 §2 `resource_name`: the API's name, for people. */
  readonly resourceName?: string
  /** RFC 9728 §2 `resource_documentation`: a page for the developers who call it. */
  readonly resourceDocumentation?: string
  /** RFC 9728 §2 `authorization_servers`. Default: the verifier's issuer alone. */
  readonly authorizationServers?: readonly string[]
}

/** The metadata as it is served, and the URL it is served at; resolved once with the verifier's settings. */
export interface ResourceMetadata {
  /** RFC 9728 §3.1: the well-known URL built from the resource identifier (the verifier's audience). */
  readonly url: string
  /** The paths on the API's origin answered with the document: the §3.1 one, and the bare well-known path. */
  readonly paths: ReadonlySet<string>
  readonly body: string
}

/**
 * RFC 9728 §3.1: the metadata of `https://api.example/orders` is at
 * `https://api.example/.well-known/oauth-protected-resource/orders`; a resource without a path (or with `/`) has
 * it at the bare well-known path. The identifier is the audience tokens must carry, so it is an https URL (http
 * only on loopback) without a query or fragment.
 */
export function resolveResourceMetadata(
  resource: string,
  issuer: string,
  options: ResourceMetadataOptions,
): ResourceMetadata {
  const url = secureUrl('audience (the RFC 9728 resource identifier)', resource)
  if (url.search !== '' || url.hash !== '' || resource.includes('#')) {
    throw new TypeError(`audience must have no query or fragment to publish RFC 9728 metadata: ${resource}`)
  }
  for (const server of options.authorizationServers ?? []) secureUrl('authorizationServers', server)
  const suffix = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
  const path = `${WELL_KNOWN}${suffix}`
  // RFC 9728 §2: resource (required), then the optional members the options give.
  const document = {
    resource,
    authorization_servers: options.authorizationServers ?? [issuer],
    // RFC 6750 §2.1 only: the query method is refused (bearer.ts), the form body is not read.
    bearer_methods_supported: ['header'],
    ...(options.scopesSupported === undefined ? {} : { scopes_supported: options.scopesSupported }),
    ...(options.resourceName === undefined ? {} : { resource_name: options.resourceName }),
    ...(options.resourceDocumentation === undefined
      ? {}
      : { resource_documentation: options.resourceDocumentation }),
  }
  return { url: `${url.origin}${path}`, paths: new Set([path, WELL_KNOWN]), body: JSON.stringify(document) }
}

/** RFC 9728 §5.1: every challenge names where the metadata is, so a client can find the authorization server. */
export function withResourceMetadata(
  response: ErrorResponse,
  metadata: ResourceMetadata | undefined,
): ErrorResponse {
  const challenge = response.headers['www-authenticate']
  if (metadata === undefined || challenge === undefined) return response
  return {
    ...response,
    headers: { ...response.headers, 'www-authenticate': `${challenge}, resource_metadata="${metadata.url}"` },
  }
}

/**
 * The answer to a request for the metadata document, or undefined when the request is for something else
 * (another path, another method than GET or HEAD): the framework-free core of the metadata handlers.
 */
export function resourceMetadataResponse(
  metadata: ResourceMetadata | undefined,
  request: { readonly method: string | undefined; readonly url: string },
): ErrorResponse | undefined {
  if (metadata === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) return undefined
  if (!metadata.paths.has(new URL(request.url, 'http://localhost').pathname)) return undefined
  return {
    status: 200,
    // RFC 9728 §3.2: JSON; public and the same for everyone, so any client (a browser one too) may read it.
    headers: {
      'content-type': 'application/json',
      'cache-control': 'public, max-age=3600',
      'access-control-allow-origin': '*',
    },
    body: request.method === 'HEAD' ? '' : metadata.body,
  }
}

/** Express middleware: answers the metadata document at its well-known paths, and calls `next()` for the rest. */
export function resourceMetadataExpress(verifier: { readonly resourceMetadata?: ResourceMetadata }) {
  return (
    req: { readonly method: string; readonly originalUrl: string },
    res: {
      status(code: number): {
        set(headers: Readonly<Record<string, string>>): { send(body?: string): unknown }
      }
    },
    next: () => void,
  ): void => {
    const answer = resourceMetadataResponse(verifier.resourceMetadata, {
      method: req.method,
      url: req.originalUrl,
    })
    if (answer === undefined) return next()
    res.status(answer.status).set(answer.headers).send(answer.body)
  }
}

/** Registers GET routes for the metadata document's well-known paths on a Fastify instance. */
export function resourceMetadataFastify(
  app: {
    get(
      path: string,
      handler: (
        request: { readonly url: string; readonly headers: IncomingHttpHeaders },
        reply: {
          code(status: number): {
            headers(values: Readonly<Record<string, string>>): { send(body: string): unknown }
          }
        },
      ) => unknown,
    ): unknown
  },
  verifier: { readonly resourceMetadata?: ResourceMetadata },
): void {
  const metadata = requireMetadata(verifier)
  for (const path of metadata.paths) {
    app.get(path, (request, reply) => {
      const answer = resourceMetadataResponse(metadata, { method: 'GET', url: request.url })
      if (answer === undefined) throw new Error('a route of the metadata answers the metadata')
      return reply.code(answer.status).headers(answer.headers).send(answer.body)
    })
  }
}

/** For a plain `node:http` server: true once it has answered a request for the metadata document. */
export function resourceMetadataNode(verifier: { readonly resourceMetadata?: ResourceMetadata }) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const answer = resourceMetadataResponse(verifier.resourceMetadata, {
      method: req.method,
      url: req.url ?? '/',
    })
    if (answer === undefined) return false
    res.writeHead(answer.status, answer.headers).end(answer.body)
    return true
  }
}

function requireMetadata(verifier: { readonly resourceMetadata?: ResourceMetadata }): ResourceMetadata {
  if (verifier.resourceMetadata === undefined) {
    throw new TypeError('the verifier has no resourceMetadata option: there is no metadata to serve')
  }
  return verifier.resourceMetadata
}
