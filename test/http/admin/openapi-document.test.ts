import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import { adminCall, adminClient, servedDocument, tokenOf } from '../../support/admin-api.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

describe('the admin API OpenAPI document (/admin/openapi.json)', () => {
  let server: TestServer
  let spec: Awaited<ReturnType<typeof servedDocument>>

  before(async () => {
    server = await startTestServer()
    spec = await servedDocument(server)
  })
  after(() => server.close())

  test('is a valid OpenAPI 3.1 document (the specification’s own JSON Schema)', async () => {
    const validator = new Validator()
    const result = await validator.validate(
      structuredClone(spec.document) as unknown as Parameters<Validator['validate']>[0],
    )
    assert.deepEqual(result.errors, undefined)
    assert.equal(result.valid, true)
    assert.equal(validator.version, '3.1')
  })

  test('is served without a token, never cached by a shared cache, and names this server', async () => {
    const response = await fetch(`${server.issuer}/admin/openapi.json`)
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('cache-control'), 'no-store')
    const document = (await response.json()) as {
      servers: { url: string }[]
      components: { securitySchemes: Record<string, { flows: { clientCredentials: { tokenUrl: string } } }> }
    }
    assert.deepEqual(document.servers, [{ url: server.issuer }])
    const [scheme] = Object.values(document.components.securitySchemes)
    assert.equal(scheme?.flows.clientCredentials.tokenUrl, `${server.issuer}/token`)
  })

  test("each operation's scope is the one the route asks for", async () => {
    const reader = await tokenOf(server, await adminClient(server, false))
    let operations = 0
    for (const [template, methods] of Object.entries(spec.document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const [scope] = (operation.security as Record<string, string[]>[]).flatMap((entry) =>
          Object.values(entry).flat(),
        )
        // Path parameters that name nothing: a read answers 404 or 400 at worst, a write is refused first.
        const reply = await adminCall(
          server,
          reader,
          method.toUpperCase(),
          template.replace(/\{\w+\}/g, 'none'),
        )
        if (scope === 'admin:write') assert.equal(reply.status, 403, `${method} ${template}`)
        else {
          assert.equal(scope, 'admin:read')
          assert.ok(![401, 403].includes(reply.status), `${method} ${template}: ${reply.status}`)
        }
        operations++
      }
    }
    assert.equal(operations, 23)
  })

  test('request bodies are described as the routes parse them: required members, no unknown ones', () => {
    assert.equal(spec.acceptsRequest('POST', '/admin/users', { username: 'alice' }), false)
    assert.equal(
      spec.acceptsRequest('POST', '/admin/users', { username: 'alice', password: 'pw', x: 1 }),
      false,
    )
    assert.equal(
      spec.acceptsRequest('POST', '/admin/users', { username: 'alice', password: 'a password' }),
      true,
    )
    assert.equal(
      spec.acceptsRequest('POST', '/admin/clients', { client_name: 'App', client_type: 'other' }),
      false,
    )
  })
})
