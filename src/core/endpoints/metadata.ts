import { RESPONSE_TYPES } from '../authorize/request.ts'
import { SECRET_ASSERTION_ALGORITHMS } from '../client-auth/client-secret-jwt.ts'
import { ASSERTION_ALGORITHMS } from '../client-auth/private-key-jwt.ts'
import type { Config } from '../config.ts'
import type { CoreContext } from '../context.ts'
import { DPOP_ALGORITHMS } from '../dpop/proof.ts'
import { grantTypesSupported } from '../grants/index.ts'
import type { LegacyFlow } from '../model/client.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import { openIdProviderMetadata } from '../oidc/discovery.ts'

/**
 * RFC 6749 §2.3.1 and OpenID Connect Core §9: the client secret methods, which every client-authenticating
 * endpoint takes.
 */
const SECRET_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt']

/** Where each endpoint lives, relative to the issuer. */
export const ENDPOINT_PATHS = {
  authorization: '/authorize',
  /** The forms of the authorization pages. */
  login: '/login',
  consent: '/consent',
  token: '/token',
  revocation: '/revoke',
  introspection: '/introspect',
  deviceAuthorization: '/device_authorization',
  /** RFC 8628 §3.3: where a person enters the user code. */
  deviceVerification: '/device',
  deviceLogin: '/device/login',
  deviceDecision: '/device/decide',
  jwks: '/jwks.json',
  metadata: '/.well-known/oauth-authorization-server',
  /** OpenID Connect Discovery 1.0 §4: the same document at the path OpenID relying parties look at. */
  openidConfiguration: '/.well-known/openid-configuration',
  /** OpenID Connect Core §5.3 */
  userinfo: '/userinfo',
  /** RFC 9126 §2 */
  pushedAuthorizationRequest: '/par',
  /** A person's own account: the apps they allowed, their sessions, their password; and its forms. */
  account: '/account',
  accountLogin: '/account/login',
  accountDisconnect: '/account/disconnect',
  accountEndSession: '/account/sessions/end',
  accountEndAllSessions: '/account/sessions/end-all',
  accountPassword: '/account/password',
  /** RFC 7591 §3; each client's configuration endpoint (RFC 7592 §2) is below it, at /register/{client_id}. */
  registration: '/register',
  /** RFC 9728 §3.1: followed by the path of a registered resource on the issuer's origin. */
  protectedResourceMetadata: '/.well-known/oauth-protected-resource',
  /** OpenID Connect RP-Initiated Logout 1.0 §2: the end_session_endpoint. */
  endSession: '/logout',
  /** Where the logout confirmation form posts. */
  logoutConfirmation: '/logout/confirm',
} as const

/**
 * RFC 8414 §2: one list for private_key_jwt and client_secret_jwt, the two methods that sign. A client is held to
 * its own method's algorithms (asymmetric for keys, HMAC for a secret), so neither kind is offered the other's:
 * a private_key_jwt library picks the asymmetric algorithm its key has, a client_secret_jwt one an HS algorithm.
 */
// A function, not a constant: the client-auth modules import this one (ENDPOINT_PATHS), which loads first.
const clientAssertionAlgorithms = () => [...ASSERTION_ALGORITHMS, ...SECRET_ASSERTION_ALGORITHMS]

/**
 * RFC 8414 §2 authorization server metadata, with the OpenID Provider metadata of Discovery 1.0 §3 (RFC 8414 §2
 * lets the one document carry both): one builder, served at both well-known paths. Grant types come from the
 * grant registry; the legacy flows are advertised only while some client has them enabled.
 */
function authorizationServerMetadata(
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
    revocation_endpoint_auth_methods_supported: [...SECRET_METHODS, 'private_key_jwt', 'none'],
    revocation_endpoint_auth_signing_alg_values_supported: clientAssertionAlgorithms(),
    introspection_endpoint: url(ENDPOINT_PATHS.introspection),
    introspection_endpoint_auth_methods_supported: [...SECRET_METHODS, 'private_key_jwt'],
    introspection_endpoint_auth_signing_alg_values_supported: clientAssertionAlgorithms(),
    device_authorization_endpoint: url(ENDPOINT_PATHS.deviceAuthorization),
    // RFC 9126 §5: clients authenticate there as at the token endpoint.
    pushed_authorization_request_endpoint: url(ENDPOINT_PATHS.pushedAuthorizationRequest),
    require_pushed_authorization_requests: config.requirePushedAuthorizationRequests,
    // RFC 9101 §10.1 (OpenID Connect Discovery §3): request objects are verified with the assertions' algorithms.
    request_object_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    scopes_supported: config.scopes.map((scope) => scope.name),
    // The implicit ones (token, id_token, id_token token) only while some client has the legacy flow.
    response_types_supported: legacyFlowsInUse.has('implicit') ? RESPONSE_TYPES : ['code'],
    response_modes_supported: legacyFlowsInUse.has('implicit')
      ? ['query', 'fragment', 'form_post']
      : ['query', 'form_post'],
    grant_types_supported: grantTypesSupported(legacyFlowsInUse),
    token_endpoint_auth_methods_supported: [...SECRET_METHODS, 'private_key_jwt', 'none'],
    // RFC 7523 §2.2 with RFC 8414 §2: the algorithms private_key_jwt and client_secret_jwt assertions may use.
    token_endpoint_auth_signing_alg_values_supported: clientAssertionAlgorithms(),
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    // RFC 8414 §2: advertised only while clients may register themselves.
    ...(config.registration.policy === 'off'
      ? {}
      : { registration_endpoint: url(ENDPOINT_PATHS.registration) }),
    // OAuth Client ID Metadata Document, authorization server metadata (the MCP specification reads it): an https URL may be a client_id.
    ...(config.clientIdMetadataDocuments === 'off' ? {} : { client_id_metadata_document_supported: true }),
    // RFC 9449 §5.1: the algorithms DPoP proofs may be signed with.
    dpop_signing_alg_values_supported: DPOP_ALGORITHMS,
    ...openIdProviderMetadata(url(ENDPOINT_PATHS.userinfo), url(ENDPOINT_PATHS.endSession)),
  }
}

/** The metadata document, recomputed each time: it changes when a client's legacy flows do. Caches keep it 5 min. */
export async function metadata(deps: Pick<CoreContext, 'config' | 'stores'>): Promise<EndpointResult> {
  const legacy = new Set((await deps.stores.clients.list()).flatMap((client) => client.legacyFlows))
  return {
    kind: 'json',
    status: 200,
    body: authorizationServerMetadata(deps.config, legacy),
    publicCacheSeconds: 300,
  }
}

/** RFC 7517 §5: the public signing keys. Cached briefly: after a rotation resource servers must see the new key soon. */
export function jwks(deps: Pick<CoreContext, 'keys'>): EndpointResult {
  const body = deps.keys.jwks()
  return { kind: 'json', status: 200, body, mediaType: 'application/jwk-set+json', publicCacheSeconds: 60 }
}
