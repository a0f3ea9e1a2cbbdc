import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Auth, type AuthConfig } from '@auth/core'
import { followAuthorization, newBrowser } from '../../support/flow.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// Auth.js (@auth/core) with a generic OIDC provider told the issuer, the client id and the secret, nothing else.
// Its handler is driven with Request objects as a framework adapter would, with the app's cookies carried from one
// response to the next request. On its defaults Auth.js builds the profile from the ID token alone, which Keyward
// fills with the claims of the granted scopes (openid profile email, Auth.js's default).

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

const APP = 'https://app.example'
const CLAIMS = { name: 'Grace Hopper', email: 'grace@example.org', email_verified: true }

/** The app's side of the browser: Auth.js's cookies, sent back with every request to the app. */
function appCookies() {
  const jar = new Map<string, string>()
  return {
    header: () => [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
    keep(response: Response) {
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';')
        const equals = pair.indexOf('=')
        const value = pair.slice(equals + 1).trim()
        // An emptied cookie is a deleted one.
        if (value === '') jar.delete(pair.slice(0, equals).trim())
        else jar.set(pair.slice(0, equals).trim(), value)
      }
    },
  }
}

describe('Auth.js signs a person in with Keyward as a generic OIDC provider', () => {
  test('sign-in, Keyward login and consent, callback, a session with the name and email', async () => {
    const registered = await server.client({
      name: 'Auth.js app',
      redirectUris: [`${APP}/auth/callback/keyward`],
      scopes: ['openid', 'profile', 'email'],
      defaultScopes: ['openid'],
    })
    const user = await server.user()
    await server.core.stores.users.setClaims(user.id, CLAIMS)
    const config: AuthConfig = {
      providers: [
        {
          id: 'keyward',
          name: 'Keyward',
          type: 'oidc',
          issuer: server.issuer,
          clientId: registered.client.id,
          clientSecret: registered.secret ?? '',
        },
      ],
      secret: 'a test secret that signs the app session cookie',
      trustHost: true,
      basePath: '/auth',
    }
    const cookies = appCookies()
    async function app(path: string, init: RequestInit = {}): Promise<Response> {
      const headers = new Headers(init.headers)
      headers.set('cookie', cookies.header())
      const response = await Auth(new Request(`${APP}${path}`, { ...init, headers }), config)
      cookies.keep(response)
      return response
    }

    const { csrfToken } = (await (await app('/auth/csrf')).json()) as { csrfToken: string }
    const signIn = await app('/auth/signin/keyward', {
      method: 'POST',
      body: new URLSearchParams({ csrfToken, callbackUrl: `${APP}/` }),
    })
    assert.equal(signIn.status, 302)
    const authorize = new URL(signIn.headers.get('location') ?? '')
    assert.equal(authorize.origin + authorize.pathname, `${server.issuer}/authorize`)
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256')

    const callback = await followAuthorization(newBrowser(server.issuer), authorize.href, { user })
    assert.equal(callback.origin + callback.pathname, `${APP}/auth/callback/keyward`)
    const signedIn = await app(callback.pathname + callback.search)
    assert.equal(signedIn.status, 302)
    assert.equal(signedIn.headers.get('location'), `${APP}/`)

    const session = (await (await app('/auth/session')).json()) as {
      user?: { name?: string; email?: string }
    }
    assert.equal(session.user?.name, 'Grace Hopper')
    assert.equal(session.user?.email, 'grace@example.org')
    assert.ok(!server.logs.some((line) => line.includes('/userinfo')), 'the claims came in the ID token')
  })
})
