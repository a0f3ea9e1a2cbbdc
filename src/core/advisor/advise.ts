import type { ClientType, SecurityProfileName, TokenEndpointAuthMethod } from '../model/client.ts'
import { AUTHORIZATION_CODE, PASSWORD } from '../protocol/grant-types.ts'
import { formatDuration } from './duration.ts'
import {
  type ClientKind,
  type ClientPreset,
  clientPresetForKind,
  type TokenSettings,
  withoutRefresh,
} from './presets.ts'

/** What an operator knows about the application that will use Keyward. */
export interface AdviceAnswers {
  /** A person is present and the client acts for them. */
  readonly userPresent: boolean
  /** A server-side backend can hold a secret. */
  readonly canKeepSecret: boolean
  /** The application runs only in a browser (single-page app). */
  readonly browserOnly: boolean
  /** A mobile or desktop application. */
  readonly native: boolean
  /** A TV, CLI or IoT device without a browser or keyboard. */
  readonly inputConstrained: boolean
  /** A first-party legacy application that cannot use a redirect. */
  readonly firstPartyCannotRedirect: boolean
  /**
   * An AI agent or MCP client: it connects, for the person using it, to servers it finds at run time, whose
   * authorization servers have never heard of it. Absent means no.
   */
  readonly agent?: boolean
  /** Sessions should outlive an access token (refresh tokens); absent means the kind's preset decides. */
  readonly needsLongSessions?: boolean
  /** The APIs it calls hold payments, health or other high-value data; absent means no. */
  readonly highValue?: boolean
}

/**
 * The recommendation. `legacy-implicit` names the historical choice for browser apps so that callers can
 * describe existing clients; `advise` never returns it (RFC 9700 §2.1.2).
 */
export type AdviceKind = ClientKind | 'agent' | 'legacy-password' | 'legacy-implicit'

export interface Advice {
  readonly kind: AdviceKind
  /** Wire names, e.g. authorization_code, refresh_token. */
  readonly grantTypes: readonly string[]
  readonly clientType: ClientType
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod
  readonly pkce: boolean
  readonly tokenSettings: TokenSettings
  /** One sentence per decision, citing the spec it comes from. */
  readonly reasons: readonly string[]
  readonly warnings: readonly string[]
  /** The security profile to hold the client to (`--profile`), or null. */
  readonly securityProfile: SecurityProfileName | null
  /** Its authorization requests are pushed (RFC 9126). */
  readonly pushedAuthorizationRequests: boolean
  /** Its access tokens are DPoP-bound (RFC 9449). */
  readonly dpop: boolean
}

type Settings = Omit<ClientPreset, 'kind' | 'redirectUrisRequired'>

interface Choice {
  readonly kind: AdviceKind
  readonly settings: Settings
  readonly reasons: readonly string[]
  readonly warnings: readonly string[]
}

/** The OAuth decision guide: which flow and client settings fit the application described by `answers`. */
export function advise(answers: AdviceAnswers): Advice {
  const choice = withSessionLength(chooseFlow(answers), answers)
  const { settings } = choice
  const advice: Advice = {
    kind: choice.kind,
    grantTypes: settings.grantTypes,
    clientType: settings.type,
    tokenEndpointAuthMethod: settings.tokenEndpointAuthMethod,
    pkce: settings.pkce,
    tokenSettings: settings.tokens,
    reasons: [...choice.reasons, ...signInReasons(choice.kind), ...tokenReasons(settings.tokens)],
    warnings: choice.warnings,
    securityProfile: null,
    pushedAuthorizationRequests: false,
    dpop: false,
  }
  return answers.highValue === true ? forHighValue(advice) : advice
}

/**
 * High-value APIs (payments, health, other sensitive data) call for the FAPI 2.0 Security Profile: key-based
 * client authentication, pushed requests and sender-constrained tokens, so that neither a stolen secret, a
 * tampered request nor a stolen token is enough. It is written for confidential clients.
 */
function forHighValue(advice: Advice): Advice {
  if (advice.clientType !== 'confidential' || advice.kind === 'legacy-password' || advice.kind === 'device') {
    return {
      ...advice,
      warnings: [
        ...advice.warnings,
        'High-value data calls for the FAPI 2.0 Security Profile, which is written for confidential clients ' +
          'using the authorization code flow (FAPI 2.0 Security Profile §5.3.2.1): give this app a backend ' +
          '(backend-for-frontend) that holds the tokens, and ask again with a secret and without browserOnly ' +
          'or native.',
      ],
    }
  }
  const redirects = advice.grantTypes.includes(AUTHORIZATION_CODE)
  return {
    ...advice,
    tokenEndpointAuthMethod: 'private_key_jwt',
    securityProfile: 'fapi2',
    pushedAuthorizationRequests: redirects,
    dpop: true,
    reasons: [
      ...advice.reasons,
      'The APIs hold high-value data, so the client is held to the FAPI 2.0 Security Profile (--profile fapi2), ' +
        'which Keyward enforces at registration and on every request.',
      'It authenticates with private_key_jwt (RFC 7523): it signs with a private key that never leaves it, ' +
        'instead of sending a shared secret (FAPI 2.0 Security Profile §5.3.2.1).',
      'Its access tokens are DPoP-bound (RFC 9449): a stolen token is useless without the client’s key ' +
        '(FAPI 2.0 Security Profile §5.3.2.1).',
      ...(redirects
        ? [
            'Its authorization requests are pushed (RFC 9126) over an authenticated channel, so nobody can ' +
              'read or change them in the browser (FAPI 2.0 Security Profile §5.3.2.2); they may also be ' +
              'signed request objects (RFC 9101, --require-signed-request-object).',
          ]
        : []),
    ],
  }
}

// The order settles contradictions: a question answered earlier wins, and each loser earns a warning.
function chooseFlow(answers: AdviceAnswers): Choice {
  if (!answers.userPresent) return service(answers)
  if (answers.agent === true) return agent(answers)
  if (answers.browserOnly) return spa(answers)
  if (answers.inputConstrained) return device(answers)
  if (answers.firstPartyCannotRedirect) return legacyPassword(answers)
  if (answers.native) return native(answers, [])
  if (answers.canKeepSecret) return web()
  return native(answers, [
    'No answer names a platform and the client cannot keep a secret, so it is treated as a public native ' +
      'app; answer browserOnly, native or canKeepSecret to get a precise recommendation.',
  ])
}

function service(answers: AdviceAnswers): Choice {
  const warnings: string[] = []
  const personal = (
    ['browserOnly', 'native', 'inputConstrained', 'firstPartyCannotRedirect'] as const
  ).filter((answer) => answers[answer])
  if (personal.length > 0) {
    warnings.push(
      `${personal.join(', ')} describe an application a person uses, but no user is present, so the client ` +
        'acts on its own behalf; if a person signs in, answer userPresent and ask again.',
    )
  }
  if (!answers.canKeepSecret || answers.browserOnly || answers.native) {
    warnings.push(
      'Client credentials need a secret only a server can keep (RFC 6749 §4.4): run this client on a backend, ' +
        'because a secret shipped in a browser or app bundle can be extracted by anyone.',
    )
  }
  return {
    kind: 'service',
    settings: clientPresetForKind('service'),
    reasons: [
      'No person is involved, so the client authenticates as itself with the client credentials grant ' +
        '(RFC 6749 §4.4; OAuth 2.1 §4.2).',
      'Client credentials are for confidential clients only (RFC 6749 §4.4): the client authenticates with ' +
        'a secret over HTTP Basic (RFC 6749 §2.3.1).',
    ],
    warnings,
  }
}

function spa(answers: AdviceAnswers): Choice {
  const warnings: string[] = []
  if (answers.canKeepSecret) {
    warnings.push(
      'A browser-only app cannot keep a secret: anything shipped to the browser is readable, so this is a ' +
        'public client. If a backend of yours handles the tokens (backend-for-frontend), answer ' +
        'browserOnly=false to get a confidential web client instead.',
    )
  }
  if (answers.native) {
    warnings.push(
      'Both browserOnly and native were answered; the browser reading was kept because its token lifetimes ' +
        'are shorter. Ask again with only native for a mobile or desktop app.',
    )
  }
  if (answers.inputConstrained) {
    warnings.push(
      'A device that runs a browser app is not input-constrained: the authorization code flow works there and ' +
        'avoids the remote phishing risk of the device flow (RFC 8628 §5.4).',
    )
  }
  if (answers.firstPartyCannotRedirect) {
    warnings.push(
      'A browser app can always redirect (a full-page navigation or a popup), so the legacy password grant ' +
        'is not needed and was not recommended.',
    )
  }
  return {
    kind: 'spa',
    settings: clientPresetForKind('spa'),
    reasons: [
      'The app runs only in the browser, where no secret stays secret, so it is a public client without ' +
        'client authentication (OAuth 2.1 §2.1).',
      'Authorization code with PKCE (S256) protects the code against interception and injection (RFC 9700 §2.1.1).',
      'The implicit grant that browser apps once used is not recommended: it puts the access token in the URL, ' +
        'where history and Referer headers leak it, and cannot sender-constrain it (RFC 9700 §2.1.2); ' +
        'OAuth 2.1 removes it.',
      'Keep tokens in memory, not in localStorage or sessionStorage, so that they are not left at rest where ' +
        'injected script can collect them.',
    ],
    warnings,
  }
}

function device(answers: AdviceAnswers): Choice {
  const base = clientPresetForKind('device')
  const reasons = [
    'The device has no browser or keyboard, so the user approves on a second device with the device ' +
      'authorization grant (RFC 8628 §3); PKCE does not apply because no code passes through a browser.',
    'The approval page names the client and warns the user to continue only if they started the sign-in ' +
      'themselves (RFC 8628 §5.4).',
  ]
  if (answers.firstPartyCannotRedirect) {
    reasons.push(
      'The device flow needs no redirect on the device, so the legacy password grant is not needed.',
    )
  }
  if (!answers.canKeepSecret) {
    reasons.push(
      'Software on a device cannot keep a secret, so it is a public client (RFC 8628 §5.6); rate limits and ' +
        'short-lived device codes guard the polling.',
    )
    return { kind: 'device', settings: base, reasons, warnings: [] }
  }
  reasons.push(
    'The device talks to a backend that can keep a secret, so it is a confidential client that authenticates ' +
      'with HTTP Basic (RFC 6749 §2.3.1).',
  )
  return {
    kind: 'device',
    settings: { ...base, type: 'confidential', tokenEndpointAuthMethod: 'client_secret_basic' },
    reasons,
    warnings: [],
  }
}

function legacyPassword(answers: AdviceAnswers): Choice {
  const base = clientPresetForKind(answers.canKeepSecret ? 'web' : 'native')
  return {
    kind: 'legacy-password',
    settings: {
      ...base,
      grantTypes: base.grantTypes.map((grantType) =>
        grantType === AUTHORIZATION_CODE ? PASSWORD : grantType,
      ),
      pkce: false,
    },
    reasons: [
      'A first-party app that cannot use a redirect can only send the user’s password itself, with the ' +
        'resource owner password credentials grant (RFC 6749 §4.3).',
      'Keyward refuses the password grant unless an operator enables it for this client by name, and warns ' +
        'about it at start-up.',
      answers.canKeepSecret
        ? 'The backend can keep a secret, so the client is confidential and authenticates with HTTP Basic.'
        : 'The app cannot keep a secret, so it is a public client.',
    ],
    warnings: [
      'LEGACY FLOW: the password grant hands the user’s password to the application, trains users to type ' +
        'it outside the authorization server, and rules out multi-factor sign-in and consent. RFC 9700 §2.4 ' +
        'says it MUST NOT be used, and OAuth 2.1 removes it.',
      'Migrate: open the system browser and use authorization code with PKCE and a loopback or private-use ' +
        'scheme redirect (RFC 8252 §7), or the device flow (RFC 8628) where no browser can open; then remove ' +
        'the password grant from this client.',
    ],
  }
}

function native(answers: AdviceAnswers, warnings: readonly string[]): Choice {
  const secretWarning = answers.canKeepSecret
    ? [
        'A secret embedded in a mobile or desktop app can be extracted from the binary (RFC 8252 §8.5), so the ' +
          'app is a public client; if your backend performs the token exchange, ask again without native ' +
          'to get a confidential web client.',
      ]
    : []
  return {
    kind: 'native',
    settings: clientPresetForKind('native'),
    reasons: [
      'A native app is a public client: a secret in the installed app is shared by every copy (RFC 8252 §8.5).',
      'Authorization code with PKCE (S256) keeps another app that receives the redirect from redeeming the ' +
        'code (RFC 8252 §8.1).',
      'Redirect to a loopback address with any port (RFC 8252 §7.3, prefer 127.0.0.1 over localhost) or to a ' +
        'private-use scheme in reverse domain notation (RFC 8252 §7.1).',
      'Open the system browser, not an embedded web view, so the app never sees the user’s credentials ' +
        '(RFC 8252 §8.12).',
    ],
    warnings: [...warnings, ...secretWarning],
  }
}

function agent(answers: AdviceAnswers): Choice {
  const warnings = answers.canKeepSecret
    ? [
        'An agent on a server could keep a secret, but every authorization server it meets would have to issue ' +
          'one first; if yours must authenticate, publish a jwks_uri in its client ID metadata document and use ' +
          'private_key_jwt (RFC 7523) instead of a secret.',
      ]
    : []
  return {
    kind: 'agent',
    // The settings of a public native app: code + PKCE, refresh tokens that rotate.
    settings: clientPresetForKind('native'),
    reasons: [
      'An AI agent or MCP client acts for the person using it, so it uses authorization code with PKCE (S256), ' +
        'as the MCP authorization specification requires (OAuth 2.1 §4.1.1; RFC 9700 §2.1.1).',
      'It is a public client (token_endpoint_auth_method none): no server it meets gave it a secret, and a ' +
        'secret shipped with the agent would be shared by every copy (RFC 8252 §8.5).',
      'It registers itself instead of waiting for an operator: with a client ID metadata document (its ' +
        'client_id is the https URL of a JSON document describing it; in Keyward, ' +
        'KEYWARD_CLIENT_ID_METADATA_DOCUMENTS) or, where a server does not support those, with dynamic client ' +
        'registration (RFC 7591; in Keyward, KEYWARD_REGISTRATION_POLICY).',
      'It finds the authorization server in the MCP server’s protected resource metadata (RFC 9728) and asks ' +
        'for every token with resource=<the server’s URL> (RFC 8707), so that the token’s aud names that server ' +
        'alone and cannot be replayed to another; register each server with keyward resources create.',
    ],
    warnings,
  }
}

function web(): Choice {
  return {
    kind: 'web',
    settings: clientPresetForKind('web'),
    reasons: [
      'A server-side backend can keep a secret, so the app is a confidential client that authenticates with ' +
        'HTTP Basic (RFC 6749 §2.3.1) and keeps tokens on the server.',
      'Authorization code with PKCE (S256) for confidential clients too: PKCE stops code injection, which the ' +
        'secret alone does not (RFC 9700 §2.1.1; OAuth 2.1 §4.1.1).',
    ],
    warnings: [],
  }
}

function withSessionLength(choice: Choice, answers: AdviceAnswers): Choice {
  const { settings } = choice
  if (answers.needsLongSessions === false && settings.tokens.refresh !== null) {
    return {
      ...choice,
      settings: withoutRefresh(settings),
      reasons: [
        ...choice.reasons,
        'No refresh token, since long sessions are not needed: the user signs in again when the access token ' +
          'expires, and no long-lived credential exists to steal.',
      ],
    }
  }
  if (answers.needsLongSessions === true && settings.tokens.refresh === null) {
    return {
      ...choice,
      warnings: [
        ...choice.warnings,
        'Client credentials issue no refresh token (RFC 6749 §4.4.3): the service asks for a new access token ' +
          'when one expires, which needs no user and costs one request.',
      ],
    }
  }
  return choice
}

/** The kinds of app in which a person signs in through the browser, and so learns who they are by OIDC. */
const SIGN_IN_KINDS: readonly AdviceKind[] = ['web', 'spa', 'native']

// OpenID Connect Core §3.1: an app with a person present usually needs to know who signed in, which an access
// token does not tell it; the ID token of the same code flow does.
function signInReasons(kind: AdviceKind): readonly string[] {
  if (!SIGN_IN_KINDS.includes(kind)) return []
  return [
    'To know who signed in, add the openid scope (with profile and email for the name and address): the code ' +
      'flow then returns an ID token for the app’s OpenID Connect library to validate (OpenID Connect Core ' +
      '§3.1.3.7); the access token is for APIs, not for the app.',
    'Send a fresh nonce with each sign-in and let the library check it in the ID token (OpenID Connect Core ' +
      '§3.1.2.1), so that a token from another sign-in is not accepted.',
    'Sign people out of Keyward too, not only of the app: send them to the end_session_endpoint with ' +
      'id_token_hint and a post_logout_redirect_uri registered for the client (RP-Initiated Logout 1.0 §2), ' +
      'or the next sign-in reuses their Keyward session.',
  ]
}

function tokenReasons(tokens: TokenSettings): readonly string[] {
  const access = `Access tokens live ${formatDuration(tokens.accessTokenTtl)}, so a leaked one is soon useless (RFC 6819 §5.1.5.3).`
  if (tokens.refresh === null) return [access]
  return [
    access,
    `Refresh tokens rotate on every use and a reused one revokes the whole grant (RFC 9700 §4.14.2); they ` +
      `expire after ${formatDuration(tokens.refresh.idleTtl)} unused and ${formatDuration(tokens.refresh.absoluteTtl)} ` +
      'after sign-in.',
  ]
}
