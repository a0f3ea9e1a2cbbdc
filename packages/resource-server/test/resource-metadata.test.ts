import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import express from 'express'
import Fastify from 'fastify'
import {
  createVerifier,
  requireScopeExpress,
  requireScopeFastify,
  requireScopeNode,
  resourceMetadataExpress,
  resourceMetadataFastify,
  resourceMetadataNode,
  type Verifier,
} from '../src/index.ts'
import { type Api, listen } from './api-server.ts'
import * as fake from './fake-issuer.ts'

// RFC 9728: an API with a path, so that its metadata lives at the path-suffixed well-known URL (§3.1).
const RESOURCE = 'https://api.example.test/mcp'
const METADATA_URL = 'https://api.example.test/.well-known/oauth-protected-resource/mcp'

const frameworks: Record<string, (verifier: Verifier) => Promise<Api>> = {
  fastify: async (verifier) => {
    const app = Fastify()
    resourceMetadataFastify(app, verifier)
    app.get('/mcp', { preHandler: requireScopeFastify(verifier, 'tools') }, async () => 'ok')
    await app.listen({ port: 0, host: '127.0.0.1' })
    return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() }
  },
  'express 5': (verifier) => {
    const app = express()
    app.use(resourceMetadataExpress(verifier))
    app.get('/mcp', requireScopeExpress(verifier, 'tools'), (_req, res) => {
      res.send('ok')
    })
    return listen(createServer(app))
  },
  'node:http': (verifier) => {
    const metadata = resourceMetadataNode(verifier)
    const protect = requireScopeNode(verifier, 'tools')
    return listen(
      createServer(async (req, res) => {
        if (metadata(req, res)) return
        if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/mcp')
          return void res.writeHead(404).end()
        if ((await protect(req, res)) !== undefined) res.end('ok')
      }),
    )
  },
}

// One issuer signing with one key for every framework's API.
const as = await fake.startIssuer()
const key = await fake.createKey('k1')
as.publish([key])
after(() => as.close())

for (const [name, start] of Object.entries(frameworks)) {
  describe(`RFC 9728 protected resource metadata: ${name}`, () => {
    let api: Api
    before(async () => {
      const verifier = createVerifier({
        issuer: as.issuer,
        audience: RESOURCE,
        resourceMetadata: { scopesSupported: ['tools'], resourceName: 'Example MCP server' },
      })
      api = await start(verifier)
    })
    after(() => api.close())

    test('the document at the path-suffixed well-known URL, and at the bare one', async () => {
      for (const path of [
        '/.well-known/oauth-protected-resource/mcp',
        '/.well-known/oauth-protected-resource',
      ]) {
        const response = await fetch(`${api.url}${path}`)
        assert.equal(response.status, 200, path)
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
        assert.deepEqual(await response.json(), {
          resource: RESOURCE,
          authorization_servers: [as.issuer],
          bearer_methods_supported: ['header'],
          scopes_supported: ['tools'],
          resource_name: 'Example MCP server',
        })
      }
      // Not the document: another path under the well-known name, or a method other than GET.
      assert.equal((await fetch(`${api.url}/.well-known/oauth-protected-resource/other`)).status, 404)
      assert.equal(
        (await fetch(`${api.url}/.well-known/oauth-protected-resource/mcp`, { method: 'POST' })).status,
        404,
      )
    })

    test('every challenge names the metadata (RFC 9728 §5.1)', async () => {
      const bare = await fetch(`${api.url}/mcp`)
      assert.equal(bare.status, 401)
      assert.equal(
        bare.headers.get('www-authenticate'),
        `Bearer realm="${RESOURCE}", resource_metadata="${METADATA_URL}", DPoP algs="ES256 ES384 PS256 RS256 EdDSA"`,
      )
      const forOther = await fake.sign(key, {
        ...fake.accessTokenClaims(as.issuer, new Date()),
        aud: 'https://api.example.test/other',
      })
      const refused = await fetch(`${api.url}/mcp`, { headers: { authorization: `Bearer ${forOther}` } })
      assert.equal(refused.status, 401, 'a token for another resource is refused')
      assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/)
      assert.match(
        refused.headers.get('www-authenticate') ?? '',
        new RegExp(`resource_metadata="${METADATA_URL}"$`),
      )
      const mine = await fake.sign(key, {
        ...fake.accessTokenClaims(as.issuer, new Date()),
        aud: RESOURCE,
        scope: 'tools',
      })
      assert.equal(
        (await fetch(`${api.url}/mcp`, { headers: { authorization: `Bearer ${mine}` } })).status,
        200,
      )
    })
  })
}

describe('RFC 9728 options', () => {
  test('the identifier must be an https URL without query or fragment to publish metadata', () => {
    const issuer = 'https://auth.example.test'
    for (const audience of [
      'urn:example:api',
      'http://api.example.test/mcp',
      'https://api.example.test/mcp?x=1',
    ]) {
      assert.throws(() => createVerifier({ issuer, audience, resourceMetadata: {} }), TypeError, audience)
    }
    // Without metadata those audiences are as acceptable as before.
    assert.doesNotThrow(() => createVerifier({ issuer, audience: 'urn:example:api' }))
  })

  test('a resource without a path has its metadata at the bare well-known path', () => {
    const verifier = createVerifier({
      issuer: 'https://auth.example.test',
      audience: 'https://api.example.test/',
      resourceMetadata: {},
    })
    assert.equal(
      verifier.resourceMetadata?.url,
      'https://api.example.test/.well-known/oauth-protected-resource',
    )
  })

  test('a Fastify app cannot register metadata a verifier does not publish', () => {
    const verifier = createVerifier({
      issuer: 'https://auth.example.test',
      audience: 'https://api.example.test',
    })
    assert.throws(() => resourceMetadataFastify(Fastify(), verifier), /no resourceMetadata option/)
  })
})
