import { authorizationCodeGrant } from './authorization-code.ts'
import { clientCredentialsGrant } from './client-credentials.ts'
import { deviceCodeGrant } from './device-code.ts'
import type { GrantHandler } from './grant-handler.ts'
import type { LegacyFlow } from '../model/client.ts'
import { IMPLICIT } from '../protocol/grant-types.ts'
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

/** A grant type that is not a token-endpoint handler, with what GrantHandler says of its flow. */
type GrantTypeEntry = Pick<AnyGrantHandler, 'grantType' | 'legacy' | 'redirects'>

/** RFC 6749 §4.2: implicit is response_type=token at /authorize, so it has a row here but no handler. */
const responseTypeGrants: readonly GrantTypeEntry[] = [
  { grantType: IMPLICIT, legacy: 'implicit', redirects: true },
]

const allGrantTypes: readonly GrantTypeEntry[] = [...grantRegistry.values(), ...responseTypeGrants]

/** Every grant type a client may register, in registry order. */
export const KNOWN_GRANT_TYPES: readonly string[] = allGrantTypes.map((entry) => entry.grantType)

/** The legacy flow a grant type needs an operator's opt-in for (RFC 9700 §2.4, §2.1.2), if any. */
export function legacyFlowOf(grantType: string): LegacyFlow | undefined {
  return allGrantTypes.find((entry) => entry.grantType === grantType)?.legacy
}

/** Whether the grant type's flow sends a person's browser back to the client, which so needs redirect URIs. */
export function redirectsToClient(grantType: string): boolean {
  return allGrantTypes.some((entry) => entry.grantType === grantType && entry.redirects === true)
}

/** RFC 8414 §2 `grant_types_supported`: a legacy grant is advertised only while some client has it enabled. */
export function grantTypesSupported(legacyFlowsInUse: ReadonlySet<LegacyFlow>): string[] {
  return allGrantTypes
    .filter((entry) => entry.legacy === undefined || legacyFlowsInUse.has(entry.legacy))
    .map((entry) => entry.grantType)
}
