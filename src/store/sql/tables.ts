import type { Client, ClientLinks, DynamicRegistration } from '../../core/model/client.ts'
import type { AuthorizationCode } from '../../core/model/code.ts'
import type { Consent } from '../../core/model/consent.ts'
import type { DeviceCode } from '../../core/model/device-code.ts'
import type { Grant } from '../../core/model/grant.ts'
import type { PushedRequest } from '../../core/model/pushed-request.ts'
import type { InitialAccessToken } from '../../core/model/initial-access-token.ts'
import type { Resource } from '../../core/model/resource.ts'
import type { Session } from '../../core/model/session.ts'
import type { SigningKey } from '../../core/model/signing-key.ts'
import type { AccessTokenRecord, RefreshToken } from '../../core/model/token.ts'
import type { User } from '../../core/model/user.ts'
import {
  type Field,
  flag,
  integer,
  integerOrNull,
  json,
  list,
  optionalIntegers,
  text,
  time,
  timeOrNull,
} from './columns.ts'
import { table } from './table.ts'

// Every table the stores read and write, one descriptor per aggregate: each record field, the column that holds
// it and its conversion, in the migrations' column order. The DDL itself stays in src/store/migrations.

/** A client's dynamic registration in three nullable columns: all NULL for an operator's client. */
function dynamicRegistration(): Field<DynamicRegistration | null> {
  const digest = text<DynamicRegistration['accessTokenDigest'] | null>('registration_access_token_digest')
  const links = json<ClientLinks | null>('registration_links')
  const firstUsedAt = timeOrNull('first_used_at')
  return {
    columns: [...digest.columns, ...links.columns, ...firstUsedAt.columns],
    write: (registration, values) => {
      digest.write(registration?.accessTokenDigest ?? null, values)
      values.push(registration === null ? null : JSON.stringify(registration.links))
      firstUsedAt.write(registration?.firstUsedAt ?? null, values)
    },
    read: (row) => {
      const accessTokenDigest = digest.read(row)
      if (accessTokenDigest === null) return null
      return { accessTokenDigest, links: links.read(row) ?? {}, firstUsedAt: firstUsedAt.read(row) }
    },
  }
}

export const clients = table<Client>('clients', ['id'], {
  id: text('id'),
  name: text('name'),
  type: text('type'),
  secretDigest: text('secret_digest'),
  tokenEndpointAuthMethod: text('token_endpoint_auth_method'),
  redirectUris: list('redirect_uris'),
  grantTypes: list('grant_types'),
  scopes: list('scopes'),
  defaultScopes: list('default_scopes'),
  legacyFlows: list('legacy_flows'),
  accessTokenFormat: text('access_token_format'),
  lifetimes: optionalIntegers({
    accessToken: 'access_token_lifetime',
    refreshIdle: 'refresh_idle_lifetime',
    refreshAbsolute: 'refresh_absolute_lifetime',
  }),
  canIntrospect: flag('can_introspect'),
  createdAt: time('created_at'),
  updatedAt: time('updated_at'),
  jwks: json('jwks'),
  requirePushedAuthorizationRequests: flag('require_pushed_authorization_requests'),
  securityProfile: text('security_profile'),
  requireSignedRequestObject: flag('require_signed_request_object'),
  dynamicRegistration: dynamicRegistration(),
  defaultResources: list('default_resources'),
  dpopBoundAccessTokens: flag('dpop_bound_access_tokens'),
  postLogoutRedirectUris: list('post_logout_redirect_uris'),
  backchannelLogoutUri: text('backchannel_logout_uri'),
  backchannelLogoutSessionRequired: flag('backchannel_logout_session_required'),
  subjectType: text('subject_type'),
  idTokenSignedResponseAlg: text('id_token_signed_response_alg'),
  encryptedSecret: text('encrypted_secret'),
  sectorIdentifierUri: text('sector_identifier_uri'),
})

export const users = table<User>('users', ['id'], {
  id: text('id'),
  username: text('username'),
  passwordHash: text('password_hash'),
  createdAt: time('created_at'),
  claims: json('claims'),
})

export const grants = table<Grant>('grants', ['id'], {
  id: text('id'),
  clientId: text('client_id'),
  userId: text('user_id'),
  scope: list('scope'),
  createdAt: time('created_at'),
  revokedAt: timeOrNull('revoked_at'),
  revokedReason: text('revoked_reason'),
  authTime: timeOrNull('auth_time'),
  sid: text('sid'),
  resources: list('resources'),
})

// used_at is no record field: only consume() writes it, and only the UPDATE's condition reads it.
export const codes = table<AuthorizationCode>('authorization_codes', ['digest'], {
  digest: text('digest'),
  clientId: text('client_id'),
  userId: text('user_id'),
  redirectUri: text('redirect_uri'),
  codeChallenge: text('code_challenge'),
  scope: list('scope'),
  expiresAt: time('expires_at'),
  grantId: text('grant_id'),
  createdAt: time('created_at'),
  nonce: text('nonce'),
  authTime: timeOrNull('auth_time'),
  sid: text('sid'),
  resources: list('resources'),
  dpopJkt: text('dpop_jkt'),
  idTokenClaims: list('id_token_claims'),
})

export const refreshTokens = table<RefreshToken>('refresh_tokens', ['digest'], {
  digest: text('digest'),
  grantId: text('grant_id'),
  clientId: text('client_id'),
  userId: text('user_id'),
  scope: list('scope'),
  createdAt: time('created_at'),
  expiresAt: time('expires_at'),
  absoluteExpiresAt: time('absolute_expires_at'),
  rotatedAt: timeOrNull('rotated_at'),
  replaces: text('replaces'),
  revokedAt: timeOrNull('revoked_at'),
  dpopJkt: text('dpop_jkt'),
})

export const accessTokens = table<AccessTokenRecord>('access_tokens', ['key'], {
  key: text('token_key'),
  format: text('format'),
  grantId: text('grant_id'),
  clientId: text('client_id'),
  subject: text('subject'),
  scope: list('scope'),
  audience: list('audience'),
  issuedAt: time('issued_at'),
  expiresAt: time('expires_at'),
  revokedAt: timeOrNull('revoked_at'),
  dpopJkt: text('dpop_jkt'),
})

export const consents = table<Consent>('consents', ['userId', 'clientId'], {
  userId: text('user_id'),
  clientId: text('client_id'),
  scope: list('scope'),
  createdAt: time('created_at'),
  updatedAt: time('updated_at'),
  resources: list('resources'),
})

export const sessions = table<Session>('sessions', ['digest'], {
  digest: text('digest'),
  userId: text('user_id'),
  authTime: time('auth_time'),
  expiresAt: time('expires_at'),
  sid: text('sid'),
})

export const deviceCodes = table<DeviceCode>('device_codes', ['deviceCodeDigest'], {
  deviceCodeDigest: text('device_code_digest'),
  userCodeDigest: text('user_code_digest'),
  clientId: text('client_id'),
  scope: list('scope'),
  expiresAt: time('expires_at'),
  interval: integer('interval_seconds'),
  lastPolledAt: timeOrNull('last_polled_at'),
  status: text('status'),
  userId: text('user_id'),
  createdAt: time('created_at'),
  resources: list('resources'),
  authTime: timeOrNull('auth_time'),
  sid: text('sid'),
})

export const signingKeys = table<SigningKey>('signing_keys', ['kid'], {
  kid: text('kid'),
  alg: text('alg'),
  publicJwk: json('public_jwk'),
  encryptedPrivateJwk: text('encrypted_private_jwk'),
  createdAt: time('created_at'),
  retiredAt: timeOrNull('retired_at'),
  publishUntil: timeOrNull('publish_until'),
})

// used_at is written by consume() alone, through its conditional UPDATE (claim-once.ts).
export const pushedRequests = table<PushedRequest>('pushed_authorization_requests', ['digest'], {
  digest: text('digest'),
  clientId: text('client_id'),
  parameters: json('parameters'),
  createdAt: time('created_at'),
  expiresAt: time('expires_at'),
  usedAt: timeOrNull('used_at'),
})

export const initialAccessTokens = table<InitialAccessToken>('initial_access_tokens', ['id'], {
  id: text('id'),
  digest: text('digest'),
  createdAt: time('created_at'),
  expiresAt: time('expires_at'),
  usesLeft: integer('uses_left'),
})

export const resources = table<Resource>('resources', ['identifier'], {
  identifier: text('identifier'),
  name: text('name'),
  scopes: list('scopes'),
  accessTokenFormat: text('access_token_format'),
  accessTokenLifetime: integerOrNull('access_token_lifetime'),
  serveMetadata: flag('serve_metadata'),
  createdAt: time('created_at'),
})
