import { type DestinationStream, type Logger, pino } from 'pino'

/**
 * The server's one logger, shared by Fastify's request logging and the security event sink. It cannot leak a
 * credential (architecture §5): requests are logged by method and path only, never the query string (codes, state),
 * headers (Authorization, cookies) or bodies (passwords, secrets, tokens).
 */
export function createLogger(level: string, stream?: DestinationStream): Logger {
  const options = {
    level,
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
  return stream === undefined ? pino(options) : pino(options, stream)
}
