// The browser-side OAuth helpers both example pages use (the SPA and the legacy implicit page). Nothing here
// writes to browser storage or cookies: what a page knows lives in its variables until it unloads.

/** The channel the popup's callback page uses to hand the authorization response to the page that asked. */
export const SIGN_IN_CHANNEL = 'keyward-example-sign-in'

/** 256 random bits, base64url: for state and the PKCE verifier (RFC 7636 §4.1). */
export function randomValue() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)))
}

export function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')
}

/**
 * The page's settings (from its server: the CSP allows no inline script) and the issuer's metadata, from the
 * RFC 8414 document, or OpenID Connect Discovery's (`openid-configuration`) for a page that signs people in.
 */
export async function loadClient(wellKnown = 'oauth-authorization-server') {
  const config = await (await fetch('/config.json')).json()
  const response = await fetch(`${config.issuer}/.well-known/${wellKnown}`)
  if (!response.ok) throw new Error(`The authorization server's metadata answered HTTP ${response.status}.`)
  const metadata = await response.json()
  // RFC 8414 §3.3: the metadata must name the issuer it was fetched from.
  if (metadata.issuer !== config.issuer)
    throw new Error(`The metadata is for ${metadata.issuer}, not ${config.issuer}.`)
  return { config, metadata }
}

/** Where Keyward sends the popup back to: registered for this client, served by this page's own server. */
export function redirectUri() {
  return `${location.origin}/callback`
}

let pending = null

/**
 * Opens the authorization request in a popup and resolves with the response parameters the callback page
 * relays. The popup keeps this page loaded, so what it holds in memory (the PKCE verifier, the tokens)
 * survives sign-in without being written anywhere.
 */
export function signInInPopup(authorizationUrl, state) {
  pending?.close()
  // Keyward's pages send Cross-Origin-Opener-Policy, which cuts the popup off from window.opener; a
  // BroadcastChannel still reaches every page of this origin.
  const channel = new BroadcastChannel(SIGN_IN_CHANNEL)
  pending = channel
  return new Promise((resolve, reject) => {
    channel.onmessage = (event) => {
      const params = new URLSearchParams(String(event.data))
      // RFC 6749 §10.12: accept only the response to the request this page made, by its unguessable state.
      if (params.get('state') !== state) return
      channel.close()
      pending = null
      resolve(params)
    }
    if (window.open(authorizationUrl, 'keyward-sign-in', 'popup,width=520,height=720') === null) {
      channel.close()
      pending = null
      reject(new Error('The browser blocked the sign-in popup: allow popups for this page, then try again.'))
    }
  })
}

/** The authorization response's checks shared by every flow: right issuer, no error. */
export function checkAuthorizationResponse(params, issuer) {
  // RFC 9207 §2.4: the response must come from the issuer the request went to (no mix-up).
  if (params.get('iss') !== issuer)
    throw new Error(`The response came from ${params.get('iss')}, not ${issuer}.`)
  const error = params.get('error')
  if (error !== null) throw new Error(`Keyward answered ${error}: ${params.get('error_description') ?? ''}`)
}

/** A JWT's payload for display only: the API verifies the signature, this page does not. */
export function jwtClaims(token) {
  const payload = token.split('.')[1]
  if (payload === undefined) return null
  const bytes = Uint8Array.from(atob(payload.replaceAll('-', '+').replaceAll('_', '/')), (c) =>
    c.charCodeAt(0),
  )
  return JSON.parse(new TextDecoder().decode(bytes))
}
