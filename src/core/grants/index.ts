import { authorizationCodeGrant } from './authorization-code.ts'
import { clientCredentialsGrant } from './client-credentials.ts'
import { deviceCodeGrant } from './device-code.ts'
import type { GrantHandler } from './grant-handler.ts'
import { passwordGrant } from './password.ts'
import { refreshTokenGrant } from './refresh-token.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler has its own input type; the registry only dispatches.
type AnyGrantHandler = GrantHandler<any>

/** Grant handlers by grant_type. Adding a grant is one file and one line here; metadata derives from this map. */
export function buildGrantRegistry(
  handlers: readonly AnyGrantHandler[],
): ReadonlyMap<string, AnyGrantHandler> {
  const registry = new Map<string, AnyGrantHandler>()
  for (const handler of handlers) {
    if (registry.has(handler.grantType)) throw new Error(`Two grant handlers claim ${handler.grantType}.`)
    registry.set(handler.grantType, handler)
  }
  return registry
}

export const grantRegistry = buildGrantRegistry([
  authorizationCodeGrant,
  refreshTokenGrant,
  clientCredentialsGrant,
  deviceCodeGrant,
  passwordGrant,
])
