import type { IncomingHttpHeaders } from 'node:http'
import { bearerRequest, guard } from './guard.ts'
import type { Verifier } from './verifier.ts'

/** The parts of an Express request the middleware uses (structural: express is not a dependency). */
export interface ExpressRequestLike {
  readonly headers: IncomingHttpHeaders
  /** The full request target; `url` is rewritten inside mounted routers. */
  readonly originalUrl: string
  readonly method: string
}

/** The parts of an Express response the middleware uses. */
export interface ExpressResponseLike {
  readonly locals: Record<string, unknown>
  status(code: number): ExpressResponseLike
  set(headers: Readonly<Record<string, string>>): ExpressResponseLike
  send(body?: string): unknown
}

/**
 * Express middleware: puts the verified token on `res.locals.accessToken` and calls `next()`, or answers the
 * RFC 6750 error itself. Unexpected failures go to `next(error)`.
 */
export function requireScopeExpress(verifier: Verifier, ...scopes: readonly string[]) {
  return (req: ExpressRequestLike, res: ExpressResponseLike, next: (error?: unknown) => void): void => {
    guard(verifier, bearerRequest(req.headers, req.method, req.originalUrl), scopes).then((result) => {
      if (!result.ok) {
        res.status(result.response.status).set(result.response.headers).send(result.response.body)
        return
      }
      res.locals.accessToken = result.accessToken
      next()
    }, next)
  }
}
