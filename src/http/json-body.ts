import type { FastifyInstance } from 'fastify'
import { InvalidRequest } from '../core/index.ts'
import { FORM_BODY_LIMIT } from './form.ts'

/**
 * For the registration endpoints (RFC 7591 §3.1, RFC 7592 §2.2): application/json bodies, and nothing else (but
 * the JSON media types in `alsoJson`), in the context they are registered in. A body that is not JSON is
 * invalid_request; its meaning is the core's.
 */
export function registerJsonParser(app: FastifyInstance, alsoJson: readonly string[] = []): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    ['application/json', ...alsoJson],
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string))
      } catch (error) {
        done(new InvalidRequest('The request body is not valid JSON.', { cause: error }), undefined)
      }
    },
  )
  app.addContentTypeParser('*', (_request, _payload, done) => {
    done(new InvalidRequest('The request body must be application/json (RFC 7591 §3.1).'), undefined)
  })
}
