import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AccessToken } from './access-token.ts'
import { bearerRequest, guard } from './guard.ts'
import type { Verifier } from './verifier.ts'

/**
 * For a plain `node:http` handler: resolves to the verified token, or to undefined once it has answered the
 * RFC 6750 error (the handler then just returns).
 */
export function requireScopeNode(verifier: Verifier, ...scopes: readonly string[]) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<AccessToken | undefined> => {
    const result = await guard(verifier, bearerRequest(req.headers, req.method, req.url ?? '/'), scopes)
    if (result.ok) return result.accessToken
    res.writeHead(result.response.status, result.response.headers).end(result.response.body)
    return undefined
  }
}
