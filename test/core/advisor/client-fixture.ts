import type { LintInput } from '../../../src/core/advisor/lint.ts'
import type { Client } from '../../../src/core/model/client.ts'
import { digest } from '../../../src/core/protocol/digest.ts'

const epoch = new Date(0)

/** A confidential web client with safe settings that passes every lint rule; tests override what they probe. */
export function client(overrides: Partial<Client> = {}): Client {
  return {
    id: 'web-app',
    name: 'Web app',
    type: 'confidential',
    secretDigest: digest('a-secret-keyward-generated'),
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
    createdAt: epoch,
    updatedAt: epoch,
    ...overrides,
  }
}

/** A public native client with safe settings. */
export function publicClient(overrides: Partial<Client> = {}): Client {
  return client({
    id: 'native-app',
    name: 'Native app',
    type: 'public',
    secretDigest: null,
    tokenEndpointAuthMethod: 'none',
    redirectUris: ['http://127.0.0.1/callback', 'com.example.app:/callback'],
    ...overrides,
  })
}

/** A configuration that passes every rule: https issuer, Keyward's default lifetimes, every scope in use. */
export function configuration(overrides: Partial<LintInput> = {}): LintInput {
  return {
    issuer: 'https://auth.example.com',
    clients: [client()],
    scopes: [
      { name: 'read', description: 'Read your data' },
      { name: 'write', description: 'Change your data' },
    ],
    defaults: { accessToken: 600, refreshIdle: 14 * 86400, refreshAbsolute: 90 * 86400 },
    ...overrides,
  }
}
