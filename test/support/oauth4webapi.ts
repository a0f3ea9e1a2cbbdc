import * as oauth from 'oauth4webapi'
import { followAuthorization, newBrowser, type Person } from './flow.ts'

/** Only because test issuers are http on loopback; nothing else is relaxed. */
export const insecure = { [oauth.allowInsecureRequests]: true }

/** RFC 8414 discovery as oauth4webapi does it: the library checks that the document names this very issuer. */
export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer)
  return oauth.processDiscoveryResponse(
    url,
    await oauth.discoveryRequest(url, { algorithm: 'oauth2', ...insecure }),
  )
}

/** A client_credentials token the library asks for and checks, the client authenticating with `clientAuth`. */
export async function clientCredentialsToken(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  clientAuth: oauth.ClientAuth,
): Promise<string> {
  const request = await oauth.clientCredentialsGrantRequest(
    as,
    client,
    clientAuth,
    new URLSearchParams(),
    insecure,
  )
  return (await oauth.processClientCredentialsResponse(as, client, request)).access_token
}

/** RFC 7662 introspection of `token` as the library does it, the client authenticating with `clientAuth`. */
export async function introspect(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  clientAuth: oauth.ClientAuth,
  token: string,
): Promise<oauth.IntrospectionResponse> {
  const request = await oauth.introspectionRequest(as, client, clientAuth, token, insecure)
  return oauth.processIntrospectionResponse(as, client, request)
}

/**
 * A FAPI 2.0 client's part after its push: the person signs in on the real pages, the library checks the
 * response (RFC 9207 iss, state) and redeems the code with its client authentication and a DPoP proof of a new
 * key (FAPI 2.0 §5.3.2.1: sender-constrained tokens).
 */
export async function pushedSignInWithDpop(options: {
  readonly as: oauth.AuthorizationServer
  readonly client: oauth.Client
  readonly clientAuth: oauth.ClientAuth
  readonly requestUri: string
  readonly state: string
  readonly redirectUri: string
  readonly verifier: string
  readonly person: Person
}): Promise<oauth.TokenEndpointResponse> {
  const { as, client, clientAuth } = options
  const url = new URL(as.authorization_endpoint ?? '')
  url.searchParams.set('client_id', client.client_id)
  url.searchParams.set('request_uri', options.requestUri)
  const callback = await followAuthorization(newBrowser(as.issuer), url.href, options.person)
  const params = oauth.validateAuthResponse(as, client, callback, options.state)
  const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'))
  return oauth.processAuthorizationCodeResponse(
    as,
    client,
    await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      options.redirectUri,
      options.verifier,
      { ...insecure, DPoP },
    ),
  )
}
