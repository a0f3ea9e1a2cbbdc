// What operators see of each record, in wire names and without a secret or a digest: the CLI's --json output and
// the admin API's answers are the same objects. Each view is a zod schema and the function that fills it, so the
// admin API's OpenAPI document (src/core/admin-api/openapi.ts) describes exactly what is sent.
import { z } from 'zod'
import type { Client } from '../model/client.ts'
import type { Resource } from '../model/resource.ts'
import type { Session } from '../model/session.ts'
import type { SigningKey } from '../model/signing-key.ts'
import type { User } from '../model/user.ts'
import { ADDRESS_PARTS, BOOLEAN_CLAIMS, TEXT_CLAIMS } from '../oidc/person-claims.ts'
import { metadataPathOf } from '../resources/registration.ts'
import type { NamedGrant } from './grants.ts'

const timestamp = z.iso.datetime().describe('RFC 3339 date and time, UTC')
const seconds = z.number().int().positive()

export const lifetimesView = z
  .strictObject({
    accessToken: seconds.optional(),
    refreshIdle: seconds.optional(),
    refreshAbsolute: seconds.optional(),
  })
  .describe("Lifetimes in seconds; one left out is the server's default")

export const clientView = z.strictObject({
  client_id: z.string(),
  client_name: z.string(),
  client_type: z.enum(['confidential', 'public']),
  token_endpoint_auth_method: z.enum([
    'client_secret_basic',
    'client_secret_post',
    'client_secret_jwt',
    'private_key_jwt',
    'none',
  ]),
  jwks_uri: z.string().optional(),
  grant_types: z.array(z.string()),
  redirect_uris: z.array(z.string()),
  scope: z.string(),
  default_scope: z.string(),
  legacy_flows: z.array(z.enum(['implicit', 'password'])),
  access_token_format: z.enum(['jwt', 'opaque']),
  can_introspect: z.boolean(),
  require_pushed_authorization_requests: z.boolean(),
  require_signed_request_object: z.boolean(),
  security_profile: z.enum(['fapi2']).nullable(),
  default_resources: z.array(z.string()),
  dpop_bound_access_tokens: z.boolean(),
  subject_type: z.enum(['public', 'pairwise']),
  sector_identifier_uri: z.string().nullable(),
  id_token_signed_response_alg: z.enum(['RS256', 'ES256', 'EdDSA']),
  lifetimes: lifetimesView,
  post_logout_redirect_uris: z.array(z.string()),
  backchannel_logout_uri: z.string().nullable(),
  backchannel_logout_session_required: z.boolean(),
  created_at: timestamp,
  registered_dynamically: z.boolean(),
  first_used_at: timestamp.nullable().optional(),
})

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

export const resourceView = z.strictObject({
  resource: z.string(),
  resource_name: z.string(),
  scopes_supported: z.array(z.string()),
  access_token_format: z.enum(['jwt', 'opaque']).nullable(),
  access_token_lifetime: seconds.nullable(),
  metadata_url: z.string().nullable(),
  created_at: timestamp,
})

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

/** One optional member of the same schema for each name. */
export const optionalMembers = <K extends string, T extends z.ZodType>(names: readonly K[], schema: T) =>
  Object.fromEntries(names.map((name) => [name, schema.optional()])) as Record<K, z.ZodOptional<T>>

export const claimsView = z
  .strictObject({
    ...optionalMembers(TEXT_CLAIMS, z.string()),
    ...optionalMembers(BOOLEAN_CLAIMS, z.boolean()),
    updated_at: z.number().int().optional().describe('When a claim last changed, in seconds since the epoch'),
    address: z.strictObject(optionalMembers(ADDRESS_PARTS, z.string())).optional(),
  })
  .describe('OpenID Connect Core §5.1 claims, as UserInfo releases them by scope; those not set are left out')

export const userView = z.strictObject({
  id: z.string(),
  username: z.string(),
  created_at: timestamp,
  claims: claimsView,
})

/** A person's account with their OpenID Connect claims: never the password hash. */
export function describeUser(user: User): z.infer<typeof userView> {
  return {
    id: user.id,
    username: user.username,
    created_at: user.createdAt.toISOString(),
    claims: user.claims,
  }
}

export const grantView = z.strictObject({
  id: z.string(),
  client_id: z.string(),
  client_name: z.string().nullable(),
  user_id: z.string(),
  scope: z.string(),
  created_at: timestamp,
  revoked_at: timestamp.nullable(),
  revoked_reason: z.string().nullable(),
})

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

export const sessionView = z
  .strictObject({ signed_in_at: timestamp, expires_at: timestamp })
  .describe('A sign-in session: when it began and ends, never its id')

export function describeSession(session: Session): z.infer<typeof sessionView> {
  return { signed_in_at: session.authTime.toISOString(), expires_at: session.expiresAt.toISOString() }
}

export const keyView = z.strictObject({
  kid: z.string(),
  alg: z.enum(['ES256', 'EdDSA', 'RS256']),
  status: z.enum(['signing', 'retired']),
  created_at: timestamp,
  published_until: timestamp.nullable(),
})

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
