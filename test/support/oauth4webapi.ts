import * as oauth from 'oauth4webapi'

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
