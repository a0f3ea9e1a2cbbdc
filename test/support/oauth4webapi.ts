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
