import * as oauth from 'oauth4webapi'
import { createVerifier, verifyAccessToken } from '../../packages/resource-server/src/index.ts'

// The host signs people in to itself through the Keyward it embeds, as any client would: RFC 8414 discovery
// (which reads the metadata at the host's root, RFC 8414 §3.1), the authorization code flow with PKCE, and the
// access token verified as its own API would (the resource-server package), which names the account in `sub`.

export interface SignInClient {
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: string
  readonly redirectUri: string
}

export interface SignIn {
  /** Where to send the browser, and the state its return must carry (keep it in a cookie). */
  start(): Promise<{ readonly location: string; readonly state: string }>
  /** The account id of the person who signed in, from the callback URL and the state kept at the start. */
  finish(callback: URL, state: string): Promise<string>
}

export function signInWith(client: SignInClient): SignIn {
  const issuer = new URL(client.issuer)
  // Plain http only for this loopback example: oauth4webapi refuses it anywhere else, rightly.
  const httpOptions = { [oauth.allowInsecureRequests]: issuer.protocol === 'http:' }
  // Discovered at the first sign-in, once the host (and the Keyward in it) listens; again after a failure.
  let metadata: Promise<oauth.AuthorizationServer> | undefined
  const discovered = () => {
    metadata ??= oauth
      .discoveryRequest(issuer, { algorithm: 'oauth2', ...httpOptions })
      .then((response) => oauth.processDiscoveryResponse(issuer, response))
    metadata.catch(() => {
      metadata = undefined
    })
    return metadata
  }
  const oauthClient: oauth.Client = { client_id: client.clientId }
  const authentication = oauth.ClientSecretBasic(client.clientSecret)
  const verifier = createVerifier({ issuer: client.issuer, audience: client.issuer })
  // PKCE verifiers of sign-ins under way, by state; a real host keeps them in its session store.
  const pending = new Map<string, string>()

  return {
    async start() {
      const as = await discovered()
      const state = oauth.generateRandomState()
      const codeVerifier = oauth.generateRandomCodeVerifier()
      pending.set(state, codeVerifier)
      const url = new URL(as.authorization_endpoint ?? '')
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: client.redirectUri,
        scope: 'profile',
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      }).toString()
      return { location: url.href, state }
    },
    async finish(callback, state) {
      const codeVerifier = pending.get(state)
      if (codeVerifier === undefined)
        throw new Error('This sign-in was not started here, or was finished already.')
      pending.delete(state)
      const as = await discovered()
      const params = oauth.validateAuthResponse(as, oauthClient, callback, state)
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        oauthClient,
        authentication,
        params,
        client.redirectUri,
        codeVerifier,
        httpOptions,
      )
      const tokens = await oauth.processAuthorizationCodeResponse(as, oauthClient, response)
      return (await verifyAccessToken(tokens.access_token, verifier)).subject
    },
  }
}
