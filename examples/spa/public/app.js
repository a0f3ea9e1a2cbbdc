import {
  base64url,
  checkAuthorizationResponse,
  jwtClaims,
  loadClient,
  randomValue,
  redirectUri,
  signInInPopup,
} from './oauth-browser.js'

// The API calls the signed-in page makes, one per scope the SPA asks for.
const API_PATHS = ['/profile', '/notes']

// Everything this client holds lives in these variables, in this page's memory: a script injected into the page
// could use the tokens while it runs, but nothing is left in storage for it, or anyone, to read later. A reload
// forgets them, and the person signs in again.
let client = null
let tokens = null
// Who signed in (OpenID Connect): their name, and the ID token that names their Keyward session at sign-out.
let person = null

const element = (id) => document.getElementById(id)

function show(message) {
  element('status').textContent = message
  element('error').textContent = ''
}

function fail(error) {
  element('error').textContent = error instanceof Error ? error.message : String(error)
}

// RFC 7636 §4.2: S256, computed with WebCrypto.
async function s256(verifier) {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
}

// RFC 6749 §3.2 with CORS: a public client identifies itself with client_id and proves nothing else.
async function tokenRequest(parameters) {
  const response = await fetch(client.metadata.token_endpoint, {
    method: 'POST',
    body: new URLSearchParams({ ...parameters, client_id: client.config.clientId }),
  })
  const body = await response.json()
  if (!response.ok)
    throw new Error(`The token endpoint answered ${body.error}: ${body.error_description ?? ''}`)
  return body
}

function keep(body) {
  tokens = {
    accessToken: body.access_token,
    refreshToken: body.refresh_token ?? null,
    scope: body.scope ?? '',
    expiresAt: new Date(Date.now() + body.expires_in * 1000),
  }
}

// OpenID Connect Core §3.1.3.7: the ID token's claims checked. It came straight from the token endpoint over TLS,
// which §3.1.3.7 accepts in place of checking its signature; its issuer, audience, expiry and the nonce this
// sign-in sent are checked here (Core §12.2: a refreshed one has no nonce, and names the same person).
function checkedIdToken(idToken, expected) {
  const claims = jwtClaims(idToken ?? '')
  if (claims === null) throw new Error('The token response has no ID token: is openid among the scopes?')
  const audiences = [claims.aud].flat()
  if (claims.iss !== client.config.issuer) throw new Error(`The ID token is from ${claims.iss}.`)
  if (!audiences.includes(client.config.clientId)) throw new Error('The ID token is for another client.')
  if (claims.exp * 1000 <= Date.now()) throw new Error('The ID token has expired.')
  if (expected.nonce !== undefined && claims.nonce !== expected.nonce)
    throw new Error('The ID token does not carry the nonce of this sign-in.')
  if (expected.sub !== undefined && claims.sub !== expected.sub)
    throw new Error('The refreshed ID token names someone else.')
  return claims
}

// OpenID Connect Core §5.3: UserInfo releases the claims of the granted scopes (with a code, profile claims come
// from there); §5.3.2: its sub must be the ID token's.
async function personOf(idToken, claims) {
  const response = await fetch(client.metadata.userinfo_endpoint, {
    headers: { authorization: `Bearer ${tokens.accessToken}` },
  })
  if (!response.ok) throw new Error(`UserInfo answered HTTP ${response.status}.`)
  const info = await response.json()
  if (info.sub !== claims.sub) throw new Error('UserInfo names someone else than the ID token.')
  // Core §5.1: name is the full name; preferred_username and sub are what is left when the person has none.
  const all = { ...claims, ...info }
  return { idToken, sub: claims.sub, name: all.name ?? all.preferred_username ?? claims.sub }
}

async function signIn() {
  const verifier = randomValue()
  const state = randomValue()
  // OpenID Connect Core §3.1.2.1: a nonce ties the ID token to this sign-in.
  const nonce = randomValue()
  const request = new URL(client.metadata.authorization_endpoint)
  request.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.config.clientId,
    redirect_uri: redirectUri(),
    scope: client.config.scope,
    state,
    code_challenge: await s256(verifier),
    code_challenge_method: 'S256',
    nonce,
  }).toString()
  show('Signing in, in the popup window…')
  const response = await signInInPopup(request.href, state)
  checkAuthorizationResponse(response, client.config.issuer)
  const body = await tokenRequest({
    grant_type: 'authorization_code',
    code: response.get('code') ?? '',
    redirect_uri: redirectUri(),
    code_verifier: verifier,
  })
  keep(body)
  person = await personOf(body.id_token, checkedIdToken(body.id_token, { nonce }))
  show('Signed in. The tokens are in this page’s memory only.')
  render()
  await callApi()
}

// RFC 9700 §4.14.2: every use rotates the refresh token; using an old one again would revoke the whole sign-in.
async function refresh() {
  const previous = tokens.refreshToken
  const body = await tokenRequest({ grant_type: 'refresh_token', refresh_token: previous })
  keep(body)
  // Core §12.2: a refresh may bring a new ID token, which then names the session at sign-out.
  if (body.id_token !== undefined) {
    checkedIdToken(body.id_token, { sub: person.sub })
    person = { ...person, idToken: body.id_token }
  }
  render()
  show(
    tokens.refreshToken !== null && tokens.refreshToken !== previous
      ? 'Refreshed: new tokens, and a new refresh token replaced the old one, which Keyward now refuses.'
      : 'Refreshed.',
  )
  await callApi()
}

// RFC 7009 §2.1: revoking the refresh token ends the grant at Keyward, not only in this page. Then OpenID Connect
// RP-Initiated Logout 1.0 §2: the browser goes to the end_session_endpoint, the ID token naming the Keyward
// session to end (no question asked when it is this browser's), and comes back to this page, whose address is
// registered as the client's post_logout_redirect_uri. Its memory is gone by then, tokens included.
async function signOut() {
  const response = await fetch(client.metadata.revocation_endpoint, {
    method: 'POST',
    body: new URLSearchParams({
      token: tokens.refreshToken ?? tokens.accessToken,
      token_type_hint: tokens.refreshToken === null ? 'access_token' : 'refresh_token',
      client_id: client.config.clientId,
    }),
  })
  const idToken = person.idToken
  tokens = null
  person = null
  render()
  if (!response.ok)
    throw new Error(`Signed out here, but Keyward answered HTTP ${response.status} to the revocation.`)
  show('Signing out of Keyward too…')
  const endSession = new URL(client.metadata.end_session_endpoint)
  endSession.search = new URLSearchParams({
    id_token_hint: idToken,
    client_id: client.config.clientId,
    post_logout_redirect_uri: `${location.origin}/`,
  }).toString()
  location.assign(endSession.href)
}

function apiCall(path, status, body) {
  const section = document.createElement('section')
  const heading = document.createElement('h3')
  heading.textContent = `GET ${path}`
  const verdict = document.createElement('p')
  verdict.textContent = `HTTP ${status}: ${status < 300 ? 'the API accepted the token' : 'the API refused'}`
  const answer = document.createElement('pre')
  answer.textContent = JSON.stringify(body, null, 2)
  section.append(heading, verdict, answer)
  return section
}

// RFC 6750 §2.1: the token goes in the Authorization header. The API answers through this page's server
// (/api/ on this origin), because the example API sends no CORS headers.
async function callApi() {
  const sections = []
  for (const path of API_PATHS) {
    const response = await fetch(`/api${path}`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    })
    // The API, or this page's server when the API is unreachable, answers JSON.
    sections.push(apiCall(path, response.status, await response.json()))
  }
  element('api').replaceChildren(...sections)
}

function render() {
  element('signed-out').hidden = tokens !== null
  element('signed-in').hidden = tokens === null
  if (tokens === null) {
    element('api').replaceChildren()
    element('claims').textContent = ''
    return
  }
  element('person').textContent = person.name
  element('scope').textContent = tokens.scope
  element('expires').textContent = tokens.expiresAt.toLocaleTimeString()
  const claims = jwtClaims(tokens.accessToken)
  element('claims').textContent =
    claims === null ? '(an opaque token: no claims)' : JSON.stringify(claims, null, 2)
  element('refresh').disabled = tokens.refreshToken === null
}

function onClick(id, action) {
  element(id).addEventListener('click', () => {
    action().catch(fail)
  })
}

onClick('sign-in', signIn)
onClick('refresh', refresh)
onClick('call-api', callApi)
onClick('sign-out', signOut)

loadClient('openid-configuration').then((loaded) => {
  client = loaded
  element('sign-in').disabled = false
}, fail)
