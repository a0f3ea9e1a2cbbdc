import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { startBackchannelReceiver, verifyLogoutToken } from '../../support/backchannel-receiver.ts'
import { type DocumentSite, startDocumentSite } from '../../support/document-site.ts'
import { newBrowser } from '../../support/flow.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { codeTokens, openIdClient } from './oidc-flow.ts'

// OpenID Connect Back-Channel Logout 1.0: the session ends at the end_session_endpoint, and every client that got
// an ID token in it receives a logout token at its registered URI, verified here as a relying party would. The
// clients listen over TLS on loopback: Keyward trusts their certificate through code and may reach loopback by the
// development switch.

let site: DocumentSite
let server: TestServer
before(async () => {
  site = await startDocumentSite()
  server = await startTestServer(
    { outboundFetch: { allowPrivateAddresses: true } },
    { trustedCertificates: site.ca },
  )
})
after(async () => {
  await server.close()
  await site.close()
})

describe('Back-Channel Logout 1.0', () => {
  test('each client signed in through the session gets a valid logout token; other sessions are untouched', async () => {
    const receiver = startBackchannelReceiver(site)
    const backchannel = { backchannelLogoutUri: receiver.uri }
    const first = await openIdClient(server, { ...backchannel, backchannelLogoutSessionRequired: true })
    const second = await openIdClient(server, backchannel)
    const withoutUri = await openIdClient(server)
    const user = await server.user()
    const browser = newBrowser(server.issuer)
    const idTokens = new Map<string, string>()
    for (const registered of [first, second, withoutUri]) {
      const reply = await codeTokens(server, registered, { params: { scope: 'openid' }, user, browser })
      idTokens.set(registered.client.id, String(reply.json.id_token))
    }
    // The same person in another browser, signed in to the first client only.
    const elsewhere = newBrowser(server.issuer)
    const other = await codeTokens(server, first, { params: { scope: 'openid' }, user, browser: elsewhere })

    const hint = idTokens.get(first.client.id) ?? ''
    const page = await browser.get(`/logout?${new URLSearchParams({ id_token_hint: hint })}`)
    assert.equal(page.status, 200, 'signed out at once: the hint is of this session')
    await receiver.received(2)
    const sid = decodeJwt(hint).sid
    const audiences = []
    for (const token of receiver.tokens) {
      const aud = String(decodeJwt(token).aud)
      const claims = await verifyLogoutToken(token, server.issuer, aud)
      assert.equal(claims.sub, user.id)
      assert.equal(claims.sid, sid)
      audiences.push(aud)
    }
    assert.deepEqual(audiences.sort(), [first.client.id, second.client.id].sort())
    assert.notEqual(receiver.tokens[0], receiver.tokens[1])

    // The other browser's session ends in turn: only its client hears of it, with its own sid.
    const otherHint = String(other.json.id_token)
    await elsewhere.get(`/logout?${new URLSearchParams({ id_token_hint: otherHint })}`)
    await receiver.received(3)
    const third = await verifyLogoutToken(receiver.tokens[2] ?? '', server.issuer, first.client.id)
    assert.equal(third.sid, decodeJwt(otherHint).sid)
  })

  test('the logout page answers at once, whatever the client does (delivery is in the background)', async () => {
    // The client does not answer until the person's page has come back: were the page waiting for the delivery,
    // neither would ever finish.
    const receiver = startBackchannelReceiver(site, [], { hold: true })
    const registered = await openIdClient(server, { backchannelLogoutUri: receiver.uri })
    const browser = newBrowser(server.issuer)
    const reply = await codeTokens(server, registered, {
      params: { scope: 'openid' },
      user: await server.user(),
      browser,
    })
    const page = await browser.get(
      `/logout?${new URLSearchParams({ id_token_hint: String(reply.json.id_token) })}`,
    )
    assert.equal(page.status, 200)
    assert.match(page.body, /You are signed out/)
    await receiver.received(1)
    receiver.release()
  })
})
