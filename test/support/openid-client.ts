import * as client from 'openid-client'
import { followAuthorization, newBrowser, type Person } from './flow.ts'

/**
 * openid-client 6's discovery for a client with a secret, on its defaults but for allowInsecureRequests: the test
 * issuer is http on loopback.
 */
export function openidClientDiscovery(
  issuer: string,
  registered: { readonly client: { readonly id: string }; readonly secret: string | null },
): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), registered.client.id, registered.secret ?? '', undefined, {
    execute: [client.allowInsecureRequests],
  })
}

/**
 * openid-client 6's code flow on its defaults: PKCE and a nonce, the person signing in and approving on the real
 * pages, and the library's own checks of the response and the ID token.
 */
export async function openidClientSignIn(
  config: client.Configuration,
  issuer: string,
  person: Person,
  request: {
    readonly redirectUri: string
    readonly scope: string
    /** More authorization request parameters (claims, prompt, ...). */
    readonly parameters?: Readonly<Record<string, string>>
  },
): Promise<{ tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>; nonce: string }> {
  const verifier = client.randomPKCECodeVerifier()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: request.redirectUri,
    scope: request.scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    ...request.parameters,
  })
  const callback = await followAuthorization(newBrowser(issuer), url.href, person)
  // The library checks iss (RFC 9207), the code exchange, and the ID token: signature from the discovered
  // jwks_uri, iss, aud, exp, iat, nonce, azp, at_hash (OpenID Connect Core §3.1.3.7).
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    idTokenExpected: true,
  })
  return { tokens, nonce }
}
