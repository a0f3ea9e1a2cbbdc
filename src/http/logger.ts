import type { FastifyLoggerOptions } from 'fastify'
import type { DestinationStream, LoggerOptions } from 'pino'

/**
 * Log options that cannot leak a credential (DESIGN §6): requests are logged by method and path only, never
 * the query string (codes, state), headers (Authorization, cookies) or bodies (passwords, secrets, tokens).
 */
export function loggerOptions(
  level: string,
  stream?: DestinationStream,
): FastifyLoggerOptions & LoggerOptions {
  return {
    level,
    ...(stream === undefined ? {} : { stream }),
    serializers: {
      req: (request: { method: string; url: string; ip?: string }) => ({
        method: request.method,
        path: request.url.split('?')[0],
      }),
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
    },
    redact: {
      paths: ['req.headers', 'headers', 'body', 'query', 'password', 'secret', 'token'],
      remove: true,
    },
  }
}
