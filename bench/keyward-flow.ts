import { randomBytes, randomInt } from 'node:crypto'
import { Agent } from 'node:http'
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
  redeem as redeemAt,
} from './browser.ts'
import type { FlowAccount, SignedInBrowser } from './server.ts'

/** The pages a person went through before Keyward sent the browser back with a code. */
interface AuthorizedAfter extends Authorized {
  readonly pages: readonly string[]
}

/**
 * Walks the authorization request like a person would (RFC 6749 §4.1.1): signs in on the login page, allows
 * on the consent page, until Keyward redirects to the client with a code and the same state.
 */
async function authorize(
  origin: string,
  account: FlowAccount,
  jar: CookieJar,
  agent: Agent,
  extra: Readonly<Record<string, string>> = {},
): Promise<AuthorizedAfter> {
  const pkce = newPkce()
  const state = randomBytes(12).toString('base64url')
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: account.client.id,
    redirect_uri: account.client.redirectUri,
    scope: 'read',
    state,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...extra,
  })
  const pages: string[] = []
  let response = await browse(origin, getPage(`/authorize?${query}`), jar, agent)
  while (pages.length < 3) {
    const location = response.headers.location
    if (location?.startsWith(account.client.redirectUri))
      return { code: codeFrom(location, state), verifier: pkce.verifier, pages }
    const form = response.status === 200 ? formOn(response.body) : null
    if (form?.action === '/login') {
      const { username, password } = account.user
      response = await browse(origin, postForm('/login', { ...form.fields, username, password }), jar, agent)
    } else if (form?.action === '/consent') {
      response = await browse(
        origin,
        postForm('/consent', { ...form.fields, decision: 'approve' }),
        jar,
        agent,
      )
    } else {
      throw new Error(`The authorization stopped at HTTP ${response.status}: ${response.body.slice(0, 300)}`)
    }
    pages.push(form.action)
  }
  throw new Error(`The authorization went through ${pages.join(', ')} without ending`)
}

/** Keyward's token endpoint for the code. */
const redeem = (origin: string, account: FlowAccount, authorized: Authorized, agent: Agent) =>
  redeemAt(origin, '/token', account, authorized, agent)

/**
 * A random address in 127.1.0.0/16 for each new browser, as if each were a different person, as sign-ins reach a
 * real server (Keyward counts sign-in failures per address). Linux answers for all of 127.0.0.0/8 on the
 * loopback interface.
 */
function sourceAddress(): string {
  return `127.1.${randomInt(256)}.${randomInt(1, 255)}`
}

/**
 * One whole authorization code flow by a new browser: authorize → login POST → consent POST → token.
 * prompt=consent asks again every time, since Keyward remembers the consent of earlier flows.
 */
export async function fullCodeFlow(origin: string, account: FlowAccount): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: sourceAddress() })
  try {
    const authorized = await authorize(origin, account, new Map(), agent, { prompt: 'consent' })
    if (authorized.pages.join(',') !== '/login,/consent')
      throw new Error(`The flow showed ${authorized.pages.join(', ') || 'no pages'}, not login and consent`)
    await redeem(origin, account, authorized, agent)
  } finally {
    agent.destroy()
  }
}

/**
 * A browser that signs in and consents to `scope` once (Argon2id and the consent page, not measured), then runs
 * code flows on its session: authorization request → redirect with the code → token endpoint, no page shown,
 * as Keyward remembers the session and the consent.
 */
export function signInKeyward(origin: string, account: FlowAccount, scope: string): Promise<SignedInBrowser> {
  return openSignedIn(async ({ agent, jar }, signedIn) => {
    const authorized = await authorize(origin, account, jar, agent, { scope, ...nonceFor(scope) })
    if (signedIn && authorized.pages.length > 0)
      throw new Error(`The signed-in browser was shown ${authorized.pages.join(', ')}`)
    return redeem(origin, account, authorized, agent)
  })
}
