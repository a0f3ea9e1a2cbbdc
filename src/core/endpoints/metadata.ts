import type { Config } from '../config.ts'
import { grantTypesSupported } from '../grants/index.ts'
import type { LegacyFlow } from '../model/client.ts'

/** Where each endpoint lives, relative to the issuer. */
export const ENDPOINT_PATHS = {
  authorization: '/authorize',
  token: '/token',
  revocation: '/revoke',
  introspection: '/introspect',
  deviceAuthorization: '/device_authorization',
  /** RFC 8628 §3.3: where a person enters the user code. */
  deviceVerification: '/device',
  jwks: '/jwks.json',
  metadata: '/.well-known/oauth-authorization-server',
} as const

/**
 * RFC 8414 §2 authorization server metadata. Grant types come from the grant registry; the legacy flows are
 * advertised only while some client has them enabled.
 */
export function authorizationServerMetadata(
  config: Config,
  legacyFlowsInUse: ReadonlySet<LegacyFlow>,
): Record<string, unknown> {
  const url = (path: string) => `${config.issuer}${path}`
  return {
    issuer: config.issuer,
    authorization_endpoint: url(ENDPOINT_PATHS.authorization),
    token_endpoint: url(ENDPOINT_PATHS.token),
    jwks_uri: url(ENDPOINT_PATHS.jwks),
    revocation_endpoint: url(ENDPOINT_PATHS.revocation),
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint: url(ENDPOINT_PATHS.introspection),
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    device_authorization_endpoint: url(ENDPOINT_PATHS.deviceAuthorization),
    scopes_supported: config.scopes.map((scope) => scope.name),
    response_types_supported: legacyFlowsInUse.has('implicit') ? ['code', 'token'] : ['code'],
    response_modes_supported: legacyFlowsInUse.has('implicit') ? ['query', 'fragment'] : ['query'],
    grant_types_supported: grantTypesSupported(legacyFlowsInUse),
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
  }
}
