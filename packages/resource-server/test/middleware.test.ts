import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import express from 'express'
import Fastify from 'fastify'
import {
  type AccessToken,
  createVerifier,
  type FastifyRequestLike,
  type IssuerError,
  requireScopeExpress,
  requireScopeFastify,
  requireScopeNode,
  type Verifier,
} from '../src/index.ts'
import { type Api, listen } from './api-server.ts'
import * as fake from './fake-issuer.ts'

/** An API with `/orders` (needs orders:read) and `/broken` (its issuer is unreachable). */
type StartApi = (orders: Verifier, broken: Verifier) => Promise<Api>

let handlerCalls = 0
const body = (token: AccessToken) => {
  handlerCalls++
  return JSON.stringify({ subject: token.subject, scopes: token.scopes })
}

const frameworks: Record<string, StartApi> = {
  fastify: async (orders, broken) => {
    const app = Fastify()
    const reply = async (request: FastifyRequestLike) => body(request.accessToken!)
    app.get('/orders', { preHandler: requireScopeFastify(orders, 'orders:read') }, reply)
    app.get('/broken', { preHandler: requireScopeFastify(broken) }, reply)
    await app.listen({ port: 0, host: '127.0.0.1' })
    return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() }
  },
  'express 5': (orders, broken) => {
    const app = express()
    const reply = (_req: express.Request, res: express.Response) => {
      res.send(body(res.locals.accessToken as AccessToken))
    }
    app.get('/orders', requireScopeExpress(orders, 'orders:read'), reply)
    app.get('/broken', requireScopeExpress(broken), reply)
    return listen(createServer(app))
  },
  'node:http': (orders, broken) => {
    const protect = {
      '/orders': requireScopeNode(orders, 'orders:read'),
      '/broken': requireScopeNode(broken),
    }
    const server = createServer(async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname
      if (path !== '/orders' && path !== '/broken') return void res.writeHead(404).end()
      const token = await protect[path](req, res)
      if (token === undefined) return
      res.end(body(token))
    })
    return listen(server)
  },
}

let as: fake.FakeIssuer
let key: fake.TestKey
const issuerErrors: IssuerError[] = []

before(async () => {
  as = await fake.startIssuer()
  key = await fake.createKey('k1')
  as.publish([key])
})
after(() => as.close())

for (const [name, start] of Object.entries(frameworks)) {
  describe(`${name} middleware`, () => {
    let api: Api
    const get = (path: string, authorization?: string) =>
      fetch(`${api.url}${path}`, authorization === undefined ? {} : { headers: { authorization } })
    /** A request the middleware answers itself: the route handler never runs. */
    const denied = async (path: string, authorization?: string) => {
      const calls = handlerCalls
      const response = await get(path, authorization)
      assert.equal(handlerCalls, calls, 'the handler must not run')
      return response
    }
    const token = (overrides: Record<string, unknown> = {}) =>
      fake.sign(key, { ...fake.accessTokenClaims(as.issuer, new Date()), ...overrides })

    before(async () => {
      const orders = createVerifier({ issuer: as.issuer, audience: fake.AUDIENCE, realm: 'orders' })
      const broken = createVerifier({
        issuer: await fake.closedPortUrl(),
        audience: fake.AUDIENCE,
        onIssuerError: (error) => issuerErrors.push(error),
      })
      api = await start(orders, broken)
    })
    after(() => api.close())

    test('a valid token with the scope reaches the handler, which sees the token', async () => {
      const calls = handlerCalls
      const response = await get('/orders', `Bearer ${await token()}`)
      assert.equal(response.status, 200)
      assert.equal(handlerCalls, calls + 1)
      assert.deepEqual(await response.json(), { subject: 'user-1', scopes: ['orders:read', 'profile'] })
    })

    test('no Authorization header: 401 with bare Bearer and DPoP challenges (RFC 6750 §3.1, RFC 9449 §7.1)', async () => {
      const response = await denied('/orders')
      assert.equal(response.status, 401)
      assert.equal(
        response.headers.get('www-authenticate'),
        'Bearer realm="orders", DPoP algs="ES256 ES384 PS256 RS256 EdDSA"',
      )
      assert.equal(await response.text(), '')
    })

    test('an invalid token: 401 invalid_token', async () => {
      const response = await denied('/orders', `Bearer ${await token({ aud: 'https://other.example' })}`)
      assert.equal(response.status, 401)
      assert.equal(
        response.headers.get('www-authenticate'),
        'Bearer realm="orders", error="invalid_token", error_description="the access token is not meant for this resource server"',
      )
      assert.deepEqual(await response.json(), {
        error: 'invalid_token',
        error_description: 'the access token is not meant for this resource server',
      })
    })

    test('a token without the scope: 403 insufficient_scope naming the scope', async () => {
      const response = await denied('/orders', `Bearer ${await token({ scope: 'profile' })}`)
      assert.equal(response.status, 403)
      assert.equal(
        response.headers.get('www-authenticate'),
        'Bearer realm="orders", error="insufficient_scope", error_description="the access token lacks a required scope (orders:read)", scope="orders:read"',
      )
    })

    test('a token in the query string: 400 invalid_request', async () => {
      const response = await denied(`/orders?access_token=${await token()}`)
      assert.equal(response.status, 400)
      assert.match(
        response.headers.get('www-authenticate')!,
        /^Bearer realm="orders", error="invalid_request"/,
      )
    })

    test('an unreachable issuer: 503 without a challenge, and the cause goes to onIssuerError', async () => {
      const before = issuerErrors.length
      const response = await denied('/broken', `Bearer ${await token()}`)
      assert.equal(response.status, 503)
      assert.equal(response.headers.get('www-authenticate'), null)
      assert.deepEqual(await response.json(), {
        error: 'temporarily_unavailable',
        error_description: 'the access token cannot be verified right now',
      })
      assert.equal(issuerErrors.length, before + 1)
      assert.match(issuerErrors.at(-1)!.message, /could not reach the issuer metadata/)
    })
  })
}
