// What operators see of each record, in wire names and without a secret or a digest: the CLI's --json output and
// the admin API's answers are the same objects. Each view is a zod schema (view-schemas.ts) and the function here
// that fills it, so the admin API's OpenAPI document (src/core/admin-api/openapi.ts) describes exactly what is
// sent. The schemas are imported for their types only: the CLI and a starting server need none of them built.
import type { z } from 'zod'
import type { Client } from '../model/client.ts'
import type { Resource } from '../model/resource.ts'
import type { Session } from '../model/session.ts'
import type { SigningKey } from '../model/signing-key.ts'
import type { User } from '../model/user.ts'
import { metadataPathOf } from '../resources/registration.ts'
import type { NamedGrant } from './grants.ts'
import type { clientView, grantView, keyView, resourceView, sessionView, userView } from './view-schemas.ts'

/** A client as an operator sees it: wire names, no secret digest. */
export function describeClient(client: Client): z.infer<typeof clientView> {
  return {
    client_id: client.id,
    client_name: client.name,
    client_type: client.type,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    ...(client.jwks !== null && 'jwksUri' in client.jwks ? { jwks_uri: client.jwks.jwksUri } : {}),
    grant_types: [...client.grantTypes],
    redirect_uris: [...client.redirectUris],
    scope: client.scopes.join(' '),
    default_scope: client.defaultScopes.join(' '),
    legacy_flows: [...client.legacyFlows],
    access_token_format: client.accessTokenFormat,
    can_introspect: client.canIntrospect,
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
    require_signed_request_object: client.requireSignedRequestObject,
    security_profile: client.securityProfile,
    default_resources: [...client.defaultResources],
    dpop_bound_access_tokens: client.dpopBoundAccessTokens,
    subject_type: client.subjectType,
    sector_identifier_uri: client.sectorIdentifierUri,
    id_token_signed_response_alg: client.idTokenSignedResponseAlg,
    lifetimes: client.lifetimes,
    post_logout_redirect_uris: [...client.postLogoutRedirectUris],
    backchannel_logout_uri: client.backchannelLogoutUri,
    backchannel_logout_session_required: client.backchannelLogoutSessionRequired,
    created_at: client.createdAt.toISOString(),
    // RFC 7591: a client that registered itself, and whether it has received a token yet (unused ones expire).
    registered_dynamically: client.dynamicRegistration !== null,
    ...(client.dynamicRegistration === null
      ? {}
      : { first_used_at: client.dynamicRegistration.firstUsedAt?.toISOString() ?? null }),
  }
}

/** A resource as an operator sees it, with RFC 9728 names where they exist. */
export function describeResource(resource: Resource, issuer: string): z.infer<typeof resourceView> {
  const metadataPath = resource.serveMetadata ? metadataPathOf(resource.identifier, issuer) : null
  return {
    resource: resource.identifier,
    resource_name: resource.name,
    scopes_supported: [...resource.scopes],
    access_token_format: resource.accessTokenFormat,
    access_token_lifetime: resource.accessTokenLifetime,
    metadata_url: metadataPath === null ? null : `${new URL(issuer).origin}${metadataPath}`,
    created_at: resource.createdAt.toISOString(),
  }
}

/** A person's account with their OpenID Connect claims: never the password hash. */
export function describeUser(user: User): z.infer<typeof userView> {
  return {
    id: user.id,
    username: user.username,
    created_at: user.createdAt.toISOString(),
    claims: user.claims,
  }
}

export function describeGrant({ grant, clientName }: NamedGrant): z.infer<typeof grantView> {
  return {
    id: grant.id,
    client_id: grant.clientId,
    client_name: clientName,
    user_id: grant.userId,
    scope: grant.scope.join(' '),
    created_at: grant.createdAt.toISOString(),
    revoked_at: grant.revokedAt?.toISOString() ?? null,
    revoked_reason: grant.revokedReason,
  }
}

export function describeSession(session: Session): z.infer<typeof sessionView> {
  return { signed_in_at: session.authTime.toISOString(), expires_at: session.expiresAt.toISOString() }
}

/** A signing key as the JWKS publishes it: never its private part. */
export function describeKey(key: SigningKey): z.infer<typeof keyView> {
  return {
    kid: key.kid,
    alg: key.alg,
    status: key.retiredAt === null ? 'signing' : 'retired',
    created_at: key.createdAt.toISOString(),
    published_until: key.publishUntil?.toISOString() ?? null,
  }
}
