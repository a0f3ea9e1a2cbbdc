import * as oauth from 'oauth4webapi'

export type HttpOptions = { readonly [oauth.allowInsecureRequests]: boolean }

export interface DiscoveredServer {
  readonly as: oauth.AuthorizationServer
  readonly authorizationEndpoint: URL
  readonly httpOptions: HttpOptions
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

// RFC 8414 §3: fetch the metadata from the issuer's well-known URL; its issuer must equal the one we asked for.
export async function discover(issuerText: string): Promise<DiscoveredServer> {
  const issuer = new URL(issuerText)
  const plainHttp = issuer.protocol === 'http:'
  if (plainHttp && !isLoopback(issuer.hostname)) {
    throw new Error(`the issuer must be https (plain http only on a loopback address): ${issuer.href}`)
  }
  // oauth4webapi refuses plain http; we lift that only for loopback, where the secret, code and tokens never leave
  // this machine (the local demo). Anywhere else they would cross the network in clear text.
  const httpOptions: HttpOptions = { [oauth.allowInsecureRequests]: plainHttp }
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...httpOptions }),
  )
  if (as.authorization_endpoint === undefined || as.token_endpoint === undefined) {
    throw new Error(`the metadata of ${issuer.href} names no authorization_endpoint or token_endpoint`)
  }
  return { as, authorizationEndpoint: new URL(as.authorization_endpoint), httpOptions }
}
