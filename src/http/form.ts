import type { FastifyInstance, FastifyRequest } from 'fastify'
import { type ClientAuthInput, readParameters } from '../core/index.ts'

/** Largest form body Keyward reads: every OAuth request fits in far less. */
export const FORM_BODY_LIMIT = 64 * 1024

/**
 * Parses application/x-www-form-urlencoded bodies into a Map, refusing repeated parameters and oversized
 * values with invalid_request instead of merging them into arrays as the usual parsers do.
 */
export function registerFormParser(app: FastifyInstance): void {
  // Fastify parses JSON and text by default; a token request in either would reach the routes as an empty
  // form and fail as invalid_client instead of invalid_request (RFC 6749 §3.2: the body is form-encoded).
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => {
      try {
        done(null, readParameters(new URLSearchParams(body as string)))
      } catch (error) {
        done(error as Error, undefined)
      }
    },
  )
}

/** The parsed form body of a request, or an empty map when it had none. */
export function formOf(body: unknown): ReadonlyMap<string, string> {
  return body instanceof Map ? (body as ReadonlyMap<string, string>) : new Map()
}

/** The query string of a request, parsed with the same rules as a form body. */
export function queryOf(url: string): ReadonlyMap<string, string> {
  const question = url.indexOf('?')
  return readParameters(new URLSearchParams(question === -1 ? '' : url.slice(question + 1)))
}

/** What a client-authenticated endpoint reads: the form and the Authorization header. */
export function clientRequestOf(request: FastifyRequest): ClientAuthInput {
  const { authorization, dpop } = request.headers
  return {
    params: formOf(request.body),
    authorization,
    address: request.ip,
    // RFC 9449 §4.3 item 1: more than one DPoP header is refused, so repeated ones are joined, never picked.
    dpop: Array.isArray(dpop) ? dpop.join(', ') : dpop,
    method: request.method,
  }
}
