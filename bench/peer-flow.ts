// The OpenID Connect code flow at oidc-provider, as a browser walks it: /auth, then its development sign-in and
// consent pages (/interaction/<uid>) once, then straight to the code on the session.
import { randomBytes } from 'node:crypto'
import type { Agent } from 'node:http'
import { formOn, newPkce } from '../test/support/flow.ts'
import {
  type Authorized,
  browse,
  type CookieJar,
  codeFrom,
  getPage,
  nonceFor,
  openSignedIn,
  postForm,
  redeem,
} from './browser.ts'
import type { HttpResponse } from './http.ts'
import type { FlowAccount, SignedInBrowser } from './server.ts'

/** Redirects and pages one authorization may go through: sign-in and consent, each a page and two redirects. */
const MAX_STEPS = 10

/** The authorization request, followed through redirects and the peer's pages until the code comes back. */
async function authorize(
  origin: string,
  account: FlowAccount,
  scope: string,
  jar: CookieJar,
  agent: Agent,
): Promise<Authorized & { readonly pages: number }> {
  const pkce = newPkce()
  const state = randomBytes(12).toString('base64url')
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: account.client.id,
    redirect_uri: account.client.redirectUri,
    scope,
    state,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...nonceFor(scope),
  })
  let pages = 0
  let response: HttpResponse = await browse(origin, getPage(`/auth?${query}`), jar, agent)
  for (let step = 0; step < MAX_STEPS; step++) {
    const location = response.headers.location
    if (location?.startsWith(account.client.redirectUri))
      return { code: codeFrom(location, state), verifier: pkce.verifier, pages }
    if (location !== undefined) {
      const next = new URL(location, origin)
      response = await browse(origin, getPage(`${next.pathname}${next.search}`), jar, agent)
      continue
    }
    const form = response.status === 200 ? formOn(response.body) : null
    if (form === null)
      throw new Error(`The authorization stopped at HTTP ${response.status}: ${response.body.slice(0, 300)}`)
    // The sign-in page asks for a login and a password (any will do); the consent page for nothing more.
    const person =
      form.fields.prompt === 'login' ? { login: account.user.username, password: account.user.password } : {}
    response = await browse(origin, postForm(form.action, { ...form.fields, ...person }), jar, agent)
    pages++
  }
  throw new Error(`The authorization did not end within ${MAX_STEPS} steps`)
}

/**
 * A browser that signs in and consents to `scope` once at the peer, then runs code flows on its session: /auth
 * → redirect with the code → /token, no page shown, as the peer finds the session and the grant.
 */
export function signInPeer(origin: string, account: FlowAccount, scope: string): Promise<SignedInBrowser> {
  return openSignedIn(async ({ agent, jar }, signedIn) => {
    const authorized = await authorize(origin, account, scope, jar, agent)
    if (signedIn && authorized.pages > 0)
      throw new Error(`The signed-in browser was shown ${authorized.pages} pages`)
    return redeem(origin, '/token', account, authorized, agent)
  })
}
