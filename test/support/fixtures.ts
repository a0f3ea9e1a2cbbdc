import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { LintInput } from '../../src/core/advisor/lint.ts'
import type { ClientRegistration } from '../../src/core/client-registration.ts'
import { type Config, type ConfigInput, parseConfig } from '../../src/core/config.ts'
import type { Client } from '../../src/core/model/client.ts'
import type { AuthorizationCode } from '../../src/core/model/code.ts'
import type { Consent } from '../../src/core/model/consent.ts'
import type { DeviceCode } from '../../src/core/model/device-code.ts'
import type { Grant } from '../../src/core/model/grant.ts'
import type { PushedRequest } from '../../src/core/model/pushed-request.ts'
import type { InitialAccessToken } from '../../src/core/model/initial-access-token.ts'
import type { Resource } from '../../src/core/model/resource.ts'
import type { Session } from '../../src/core/model/session.ts'
import type { SigningKey } from '../../src/core/model/signing-key.ts'
import type { AccessTokenRecord, RefreshToken } from '../../src/core/model/token.ts'
import type { User } from '../../src/core/model/user.ts'
import { type Digest, digest } from '../../src/core/protocol/digest.ts'
import type { RegisteredClient } from './oauth-client.ts'

// What tests are made of: the secret and configuration of a test Keyward, clients to register, and records for
// the stores.

/** The secret test servers use: a server and the CLI on one database must share it to read the signing keys. */
export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789'

/** A valid configuration on the in-memory store; tests override what they probe. */
export function testConfig(overrides: Partial<ConfigInput> = {}): Config {
  return parseConfig({
    issuer: 'https://auth.example',
    databaseUrl: 'memory:',
    secret: TEST_SECRET,
    ...overrides,
  })
}

/** Where clients are registered: a test server, or a deployment of several. */
interface Registrar {
  client(registration: Partial<ClientRegistration>): Promise<RegisteredClient>
}

/** A machine client of client_credentials only. */
export function serviceClient(
  server: Registrar,
  registration: Partial<ClientRegistration> = {},
): Promise<RegisteredClient> {
  return server.client({
    name: 'Billing job',
    grantTypes: ['client_credentials'],
    redirectUris: [],
    ...registration,
  })
}

/** A resource server: may introspect, and may get tokens for itself. */
export function resourceServer(
  server: Registrar,
  registration: Partial<ClientRegistration> = {},
): Promise<RegisteredClient> {
  return serviceClient(server, { name: 'Orders API', canIntrospect: true, ...registration })
}

const epoch = new Date(0)

/** A confidential web client with safe settings that passes every lint rule; tests override what they probe. */
export function webClient(overrides: Partial<Client> = {}): Client {
  return {
    id: 'web-app',
    name: 'Web app',
    type: 'confidential',
    secretDigest: digest('a-secret-keyward-generated'),
    encryptedSecret: null,
    jwks: null,
    tokenEndpointAuthMethod: 'client_secret_basic',
    redirectUris: ['https://app.example.com/callback'],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['read', 'write'],
    defaultScopes: ['read'],
    legacyFlows: [],
    accessTokenFormat: 'jwt',
    lifetimes: {},
    canIntrospect: false,
    requirePushedAuthorizationRequests: false,
    requireSignedRequestObject: false,
    securityProfile: null,
    defaultResources: [],
    dpopBoundAccessTokens: false,
    postLogoutRedirectUris: [],
    backchannelLogoutUri: null,
    backchannelLogoutSessionRequired: false,
    subjectType: 'public',
    idTokenSignedResponseAlg: 'RS256',
    sectorIdentifierUri: null,
    createdAt: epoch,
    updatedAt: epoch,
    dynamicRegistration: null,
    ...overrides,
  }
}

/** A public native client with safe settings. */
export function publicClient(overrides: Partial<Client> = {}): Client {
  return webClient({
    id: 'native-app',
    name: 'Native app',
    type: 'public',
    secretDigest: null,
    tokenEndpointAuthMethod: 'none',
    redirectUris: ['http://127.0.0.1/callback', 'com.example.app:/callback'],
    ...overrides,
  })
}

/** A configuration that passes every lint rule: https issuer, Keyward's default lifetimes, every scope in use. */
export function lintInput(overrides: Partial<LintInput> = {}): LintInput {
  return {
    issuer: 'https://auth.example.com',
    clients: [webClient()],
    scopes: [
      { name: 'read', description: 'Read your data' },
      { name: 'write', description: 'Change your data' },
    ],
    defaults: { accessToken: 600, refreshIdle: 14 * 86400, refreshAbsolute: 90 * 86400 },
    ...overrides,
  }
}

// Records for the store contract: every field set to something a round trip could get wrong
// (milliseconds, nulls, several list items, characters that need escaping).

/** A fixed instant with milliseconds, and instants relative to it. */
export const t0 = new Date('2025-03-04T05:06:07.891Z')
export const at = (seconds: number): Date => new Date(t0.getTime() + seconds * 1000)

export const rawSecret = (): string => randomBytes(32).toString('base64url')
export const newDigest = (): Digest => digest(rawSecret())
/** A JWK thumbprint (RFC 7638) as a DPoP binding stores it: base64url of a SHA-256. */
export const jkt = (): string => randomBytes(32).toString('base64url')

export function client(overrides: Partial<Client> = {}): Client {
  return {
    id: `client-${randomUUID()}`,
    name: 'Photo Print "Deluxe" — ünïcode',
    type: 'confidential',
    secretDigest: newDigest(),
    encryptedSecret: null,
    jwks: null,
    tokenEndpointAuthMethod: 'client_secret_basic',
    redirectUris: ['https://app.example/cb?x=1&y=%20', 'http://127.0.0.1/callback', 'com.example.app:/oauth'],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'photos:read', 'photos:write'],
    defaultScopes: ['photos:read'],
    legacyFlows: ['implicit', 'password'],
    accessTokenFormat: 'opaque',
    lifetimes: { accessToken: 300, refreshIdle: 86_400, refreshAbsolute: 604_800 },
    canIntrospect: true,
    requirePushedAuthorizationRequests: true,
    requireSignedRequestObject: true,
    securityProfile: 'fapi2',
    defaultResources: ['https://photos.example/api?v=1', 'urn:example:print'],
    dpopBoundAccessTokens: true,
    postLogoutRedirectUris: ['https://app.example/signed-out?x=1&y=%20', 'com.example.app:/logout'],
    backchannelLogoutUri: 'https://app.example/backchannel?z=1',
    backchannelLogoutSessionRequired: true,
    // Not pairwise: its redirect URIs are on several hosts, as a public client's may be.
    subjectType: 'public',
    idTokenSignedResponseAlg: 'EdDSA',
    sectorIdentifierUri: 'https://app.example/sector.json?v=1',
    createdAt: t0,
    updatedAt: at(1),
    dynamicRegistration: null,
    ...overrides,
  }
}

/** A client that registered itself (RFC 7591), never used yet, with every link it may register. */
export function dynamicClient(overrides: Partial<Client> = {}): Client {
  return client({
    legacyFlows: [],
    dynamicRegistration: {
      accessTokenDigest: newDigest(),
      links: {
        clientUri: 'https://app.example/',
        logoUri: 'https://app.example/logo.png',
        tosUri: 'https://app.example/terms',
        policyUri: 'https://app.example/privacy',
        contacts: ['ops@app.example'],
      },
      firstUsedAt: null,
    },
    ...overrides,
  })
}

export function initialAccessToken(overrides: Partial<InitialAccessToken> = {}): InitialAccessToken {
  return {
    id: `iat-${randomUUID()}`,
    digest: newDigest(),
    createdAt: t0,
    expiresAt: at(3600),
    usesLeft: 1,
    ...overrides,
  }
}

export function user(overrides: Partial<User> = {}): User {
  const id = `user-${randomUUID()}`
  return {
    id,
    username: `${id}@example.test`,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
    createdAt: t0,
    claims: {
      name: 'Zoë "Z" O\'Brien',
      email: `${id}@example.test`,
      email_verified: true,
      updated_at: 1_700_000_000,
      address: { street_address: '1 Main St\nFlat 2', country: 'IE' },
    },
    ...overrides,
  }
}

export function grant(owner: { client: Client; user: User }, overrides: Partial<Grant> = {}): Grant {
  return {
    id: `grant-${randomUUID()}`,
    clientId: owner.client.id,
    userId: owner.user.id,
    scope: ['photos:read', 'photos:write'],
    resources: ['https://photos.example/api', 'urn:example:print'],
    createdAt: t0,
    revokedAt: null,
    revokedReason: null,
    authTime: at(-45),
    sid: rawSecret(),
    ...overrides,
  }
}

export function code(
  owner: { client: Client; user: User },
  overrides: Partial<AuthorizationCode> = {},
): AuthorizationCode {
  return {
    digest: newDigest(),
    clientId: owner.client.id,
    userId: owner.user.id,
    redirectUri: 'https://app.example/cb?x=1&y=%20',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    scope: ['photos:read'],
    resources: ['https://photos.example/api'],
    expiresAt: at(60),
    grantId: null,
    createdAt: t0,
    nonce: 'n-0S6_WzA2Mj "ünïcode"',
    authTime: at(-45),
    sid: rawSecret(),
    dpopJkt: jkt(),
    idTokenClaims: ['name', 'email'],
    ...overrides,
  }
}

/**
 * A code the client can redeem from `now` for a minute, with its value and PKCE verifier: for the server's own
 * audience, bound to no DPoP key.
 */
export function redeemableCode(owner: { client: Client; user: User }, now: Date) {
  const value = rawSecret()
  const verifier = rawSecret()
  const record = code(owner, {
    digest: digest(value),
    codeChallenge: createHash('sha256').update(verifier, 'ascii').digest('base64url'),
    resources: [],
    dpopJkt: null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + 60_000),
  })
  return { code: value, verifier, record }
}

export function pushedRequest(client: Client, overrides: Partial<PushedRequest> = {}): PushedRequest {
  return {
    digest: newDigest(),
    clientId: client.id,
    parameters: {
      response_type: 'code',
      client_id: client.id,
      redirect_uri: 'https://app.example/cb?x=1&y=%20',
      state: 'ünïcode "quoted" & more',
    },
    createdAt: t0,
    expiresAt: at(60),
    usedAt: null,
    ...overrides,
  }
}

export function refreshToken(of: Grant, overrides: Partial<RefreshToken> = {}): RefreshToken {
  return {
    digest: newDigest(),
    grantId: of.id,
    clientId: of.clientId,
    userId: of.userId,
    scope: of.scope,
    createdAt: t0,
    expiresAt: at(3600),
    absoluteExpiresAt: at(86_400),
    rotatedAt: null,
    replaces: null,
    revokedAt: null,
    dpopJkt: jkt(),
    ...overrides,
  }
}

export function accessToken(of: Grant, overrides: Partial<AccessTokenRecord> = {}): AccessTokenRecord {
  return {
    key: newDigest(),
    format: 'opaque',
    grantId: of.id,
    clientId: of.clientId,
    subject: of.userId,
    scope: of.scope,
    audience: ['https://api.example', 'https://photos.example'],
    issuedAt: t0,
    expiresAt: at(600),
    revokedAt: null,
    dpopJkt: jkt(),
    ...overrides,
  }
}

/** A JWT issued to a client on its own behalf (client credentials): no grant, the client is the subject. */
export function clientJwt(of: Client, overrides: Partial<AccessTokenRecord> = {}): AccessTokenRecord {
  return {
    key: `jti-${randomUUID()}`,
    format: 'jwt',
    grantId: null,
    clientId: of.id,
    subject: of.id,
    scope: ['reports:read'],
    audience: ['https://api.example'],
    issuedAt: t0,
    expiresAt: at(600),
    revokedAt: null,
    dpopJkt: jkt(),
    ...overrides,
  }
}

export function consent(owner: { client: Client; user: User }, overrides: Partial<Consent> = {}): Consent {
  return {
    userId: owner.user.id,
    clientId: owner.client.id,
    scope: ['photos:read', 'photos:write'],
    resources: ['https://photos.example/api', 'urn:example:print'],
    createdAt: t0,
    updatedAt: at(5),
    ...overrides,
  }
}

export function session(of: User, overrides: Partial<Session> = {}): Session {
  return {
    digest: newDigest(),
    userId: of.id,
    authTime: at(-30),
    expiresAt: at(3600),
    sid: rawSecret(),
    ...overrides,
  }
}

export function deviceCode(of: Client, overrides: Partial<DeviceCode> = {}): DeviceCode {
  return {
    deviceCodeDigest: newDigest(),
    userCodeDigest: newDigest(),
    clientId: of.id,
    scope: ['tv:watch'],
    resources: ['https://tv.example/'],
    expiresAt: at(900),
    interval: 5,
    lastPolledAt: null,
    status: 'pending',
    userId: null,
    createdAt: t0,
    authTime: null,
    sid: null,
    ...overrides,
  }
}

export function resource(overrides: Partial<Resource> = {}): Resource {
  return {
    identifier: `https://api.example/${randomUUID()}?tenant="ü"`,
    name: 'Photo "API" — ünïcode',
    scopes: ['photos:read', 'photos:write'],
    accessTokenFormat: 'opaque',
    accessTokenLifetime: 120,
    serveMetadata: true,
    createdAt: t0,
    ...overrides,
  }
}

export function signingKey(overrides: Partial<SigningKey> = {}): SigningKey {
  return {
    kid: `kid-${randomUUID()}`,
    alg: 'ES256',
    publicJwk: {
      kty: 'EC',
      crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
    },
    encryptedPrivateJwk: 'aXYuY2lwaGVydGV4dC50YWc',
    createdAt: t0,
    retiredAt: null,
    publishUntil: null,
    ...overrides,
  }
}
