import type { ClientLifetimes, ClientType, TokenEndpointAuthMethod } from '../model/client.ts'
import {
  AUTHORIZATION_CODE,
  CLIENT_CREDENTIALS,
  DEVICE_CODE,
  REFRESH_TOKEN,
} from '../protocol/grant-types.ts'
import { DAY, MINUTE } from './duration.ts'

/** The kinds of client `keyward clients create --kind` knows; each has one safe preset. */
export type ClientKind = 'web' | 'spa' | 'native' | 'device' | 'service'

export const clientKinds: readonly ClientKind[] = ['web', 'spa', 'native', 'device', 'service']

export interface RefreshSettings {
  readonly idleTtl: number
  readonly absoluteTtl: number
  /** Keyward rotates refresh tokens on every use; reuse revokes the grant (RFC 9700 §4.14.2). */
  readonly rotation: true
}

/** Lifetimes in seconds; `refresh` is null when the client gets no refresh token. */
export interface TokenSettings {
  readonly accessTokenTtl: number
  readonly refresh: RefreshSettings | null
}

export interface ClientPreset {
  readonly kind: ClientKind
  readonly type: ClientType
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod
  /** Wire names; holds refresh_token exactly when `tokens.refresh` is set. */
  readonly grantTypes: readonly string[]
  readonly redirectUrisRequired: boolean
  readonly pkce: boolean
  readonly tokens: TokenSettings
}

// Short access tokens bound what a leaked token can do (RFC 6819 §5.1.5.3).
const accessTokenTtl = 10 * MINUTE
const standardRefresh: RefreshSettings = { idleTtl: 14 * DAY, absoluteTtl: 90 * DAY, rotation: true }
// A browser is the most exposed home for a token (any XSS can use it), so its refresh family ends sooner.
const browserRefresh: RefreshSettings = { idleTtl: 1 * DAY, absoluteTtl: 7 * DAY, rotation: true }

function preset(
  kind: ClientKind,
  type: ClientType,
  flow: string,
  refresh: RefreshSettings | null,
): ClientPreset {
  const redirects = flow === AUTHORIZATION_CODE
  return {
    kind,
    type,
    // RFC 6749 §2.3.1: every server supports HTTP Basic for client secrets; public clients send none.
    tokenEndpointAuthMethod: type === 'confidential' ? 'client_secret_basic' : 'none',
    grantTypes: refresh === null ? [flow] : [flow, REFRESH_TOKEN],
    redirectUrisRequired: redirects,
    // OAuth 2.1 §4.1.1 and RFC 9700 §2.1.1: PKCE on every authorization code request, confidential or not.
    pkce: redirects,
    tokens: { accessTokenTtl, refresh },
  }
}

const presets: Readonly<Record<ClientKind, ClientPreset>> = {
  web: preset('web', 'confidential', AUTHORIZATION_CODE, standardRefresh),
  spa: preset('spa', 'public', AUTHORIZATION_CODE, browserRefresh),
  native: preset('native', 'public', AUTHORIZATION_CODE, standardRefresh),
  device: preset('device', 'public', DEVICE_CODE, standardRefresh),
  // RFC 6749 §4.4.3: no refresh token for client credentials; the service simply asks again.
  service: preset('service', 'confidential', CLIENT_CREDENTIALS, null),
}

/** The settings a new client of this kind gets; `advise` starts from the same presets. */
export function clientPresetForKind(kind: ClientKind): ClientPreset {
  return presets[kind]
}

/** The token settings as the Client model stores them, every lifetime explicit. */
export function clientLifetimes(tokens: TokenSettings): ClientLifetimes {
  if (tokens.refresh === null) return { accessToken: tokens.accessTokenTtl }
  return {
    accessToken: tokens.accessTokenTtl,
    refreshIdle: tokens.refresh.idleTtl,
    refreshAbsolute: tokens.refresh.absoluteTtl,
  }
}

/** The preset without refresh tokens, for clients whose users sign in again instead. */
export function withoutRefresh<T extends Pick<ClientPreset, 'grantTypes' | 'tokens'>>(base: T): T {
  return {
    ...base,
    grantTypes: base.grantTypes.filter((grantType) => grantType !== REFRESH_TOKEN),
    tokens: { ...base.tokens, refresh: null },
  }
}
