import {
  checkAuthorizationResponse,
  jwtClaims,
  loadClient,
  randomValue,
  redirectUri,
  signInInPopup,
} from './oauth-browser.js'

const element = (id) => document.getElementById(id)

// RFC 6749 §4.2: response_type=token. No code, no PKCE, no refresh token: the token itself travels in the
// fragment of the redirect, which the callback page reads and hands to this page.
async function signIn(client) {
  const state = randomValue()
  const request = new URL(client.metadata.authorization_endpoint)
  request.search = new URLSearchParams({
    response_type: 'token',
    client_id: client.config.clientId,
    redirect_uri: redirectUri(),
    scope: client.config.scope,
    state,
  }).toString()
  const response = await signInInPopup(request.href, state)
  checkAuthorizationResponse(response, client.config.issuer)
  const accessToken = response.get('access_token') ?? ''
  element('token-type').textContent = response.get('token_type') ?? ''
  element('scope').textContent = response.get('scope') ?? ''
  element('expires-in').textContent = `${response.get('expires_in')} seconds`
  const claims = jwtClaims(accessToken)
  element('claims').textContent =
    claims === null ? '(an opaque token: no claims)' : JSON.stringify(claims, null, 2)
  element('received').hidden = false
}

loadClient().then(
  (client) => {
    const button = element('sign-in')
    button.addEventListener('click', () => {
      element('error').textContent = ''
      signIn(client).catch((error) => {
        element('error').textContent = error.message
      })
    })
    button.disabled = false
  },
  (error) => {
    element('error').textContent = error.message
  },
)
