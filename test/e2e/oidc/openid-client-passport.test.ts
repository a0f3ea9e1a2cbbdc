import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import express from 'express'
import * as client from 'openid-client'
import { Strategy, type VerifyFunction } from 'openid-client/passport'
import passport from 'passport'
import { followAuthorization, newBrowser } from '../../support/flow.ts'
import { openidClientDiscovery } from '../../support/openid-client.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// openid-client's Passport strategy in a small Express app, told nothing but the issuer, the client id and
// secret (allowInsecureRequests because the test issuer is http on loopback). The verify callback fetches
// UserInfo, as the library's documentation does, and the app answers with what it got.

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

const CLAIMS = { name: 'Katherine Johnson', email: 'katherine@example.org', email_verified: true }

/**
 * The strategy keeps the request's state and PKCE verifier in req.session between the two legs: a cookie that
 * names an in-memory session is all the app needs for that.
 */
function memorySessions(): express.RequestHandler {
  const sessions = new Map<string, Record<string, unknown>>()
  return (request, response, next) => {
    let id = /(?:^|;\s*)sid=([^;]+)/.exec(request.headers.cookie ?? '')?.[1]
    if (id === undefined || !sessions.has(id)) {
      id = randomUUID()
      sessions.set(id, {})
      response.cookie('sid', id, { httpOnly: true })
    }
    Object.assign(request, { session: sessions.get(id) })
    next()
  }
}

describe("openid-client's Passport strategy signs a person in to an Express app", () => {
  test('sign-in through Keyward to the verify callback with the claims', async () => {
    const app = express()
    const listening = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => listening.once('listening', resolve))
    after(() => listening.close())
    const origin = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`

    const registered = await server.client({
      name: 'Passport app',
      // openid-client's default authentication with a secret is client_secret_post.
      tokenEndpointAuthMethod: 'client_secret_post',
      redirectUris: [`${origin}/callback`],
      scopes: ['openid', 'profile', 'email'],
      defaultScopes: ['openid'],
    })
    const user = await server.user()
    await server.core.stores.users.setClaims(user.id, CLAIMS)
    const config = await openidClientDiscovery(server.issuer, registered)

    const verify: VerifyFunction = (tokens, verified) => {
      const sub = tokens.claims()?.sub ?? ''
      client.fetchUserInfo(config, tokens.access_token, sub).then(
        (info) => verified(null, info),
        (error: unknown) => verified(error),
      )
    }
    passport.use(
      'keyward',
      new Strategy({ config, scope: 'openid profile email', callbackURL: `${origin}/callback` }, verify),
    )
    app.use(memorySessions())
    app.get('/login', passport.authenticate('keyward', { session: false }))
    app.get('/callback', passport.authenticate('keyward', { session: false }), (request, response) => {
      response.json(request.user)
    })

    const browser = newBrowser(origin)
    const login = await browser.get(`${origin}/login`)
    assert.equal(login.status, 302)
    const callback = await followAuthorization(newBrowser(server.issuer), login.location ?? '', { user })
    assert.equal(callback.origin + callback.pathname, `${origin}/callback`)
    const signedIn = await browser.get(callback.href)
    assert.equal(signedIn.status, 200, signedIn.body)
    const person = JSON.parse(signedIn.body) as Record<string, unknown>
    assert.equal(person.sub, user.id)
    assert.equal(person.name, 'Katherine Johnson')
    assert.equal(person.email, 'katherine@example.org')
  })
})
