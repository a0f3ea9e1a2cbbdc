import assert from 'node:assert/strict'
import {
  authorizeCode,
  type Browser,
  codeOf,
  codeRequest,
  newBrowser,
  newPkce,
  type Person,
} from '../../support/flow.ts'
import { redeemCode, type TokenReply } from '../../support/oauth-client.ts'
import type { TestServer } from '../../support/server.ts'

export type Registered = Awaited<ReturnType<TestServer['client']>>

/** A client for OpenID Connect: openid and the claim scopes beside an API scope. */
export function openIdClient(server: TestServer, registration: Parameters<TestServer['client']>[0] = {}) {
  return server.client({
    scopes: ['openid', 'profile', 'email', 'address', 'phone', 'read'],
    defaultScopes: ['openid'],
    ...registration,
  })
}

/** The code flow over HTTP, person's part and redemption, which must succeed: the token response. */
export async function codeTokens(
  server: TestServer,
  registered: Registered,
  options: Person & { params: Readonly<Record<string, string>>; browser?: Browser },
): Promise<TokenReply> {
  const pkce = newPkce()
  const location = await authorizeCode(server, { ...options, client: registered.client, pkce })
  const reply = await redeemCode(server, { ...registered, code: codeOf(location), verifier: pkce.verifier })
  assert.equal(reply.status, 200, JSON.stringify(reply.json))
  return reply
}

/** The first page an OpenID authorization request shows (or where it redirects), for this browser. */
export function openAuthorization(
  server: TestServer,
  registered: Registered,
  params: Readonly<Record<string, string>>,
  browser = newBrowser(server.issuer),
) {
  const query = codeRequest(registered.client, newPkce(), { scope: 'openid', ...params })
  return browser.get(`${server.issuer}/authorize?${query}`)
}
