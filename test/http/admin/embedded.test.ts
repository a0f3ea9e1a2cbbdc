import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { describe, test } from 'node:test'
import Fastify from 'fastify'
import { pino } from 'pino'
import { listen } from '../../../examples/listen.ts'
import { createKeyward, parseConfig } from '../../../src/index.ts'
import { adminCall, servedDocument, tokenOf } from '../../support/admin-api.ts'
import { freePort } from '../../support/ports.ts'

/** Keyward embedded at /auth of a host on a free port, mounted as a Fastify plugin or behind a Node handler. */
async function embedded(mount: 'fastify' | 'node', admin: boolean | undefined) {
  const port = await freePort()
  const config = parseConfig({
    issuer: `http://127.0.0.1:${port}/auth`,
    databaseUrl: 'memory:',
    secret: 'a host secret of at least thirty-two characters',
  })
  const keyward = await createKeyward(config, {
    logger: pino({ level: 'silent' }),
    ...(admin === undefined ? {} : { admin }),
  })
  const close = async (host: { close(): Promise<unknown> }) => {
    await host.close()
    await keyward.close()
  }
  if (mount === 'fastify') {
    const app = Fastify()
    await app.register(keyward.fastifyPlugin, { prefix: keyward.basePath })
    await app.listen({ host: '127.0.0.1', port })
    return { keyward, issuer: config.issuer, close: () => close(app) }
  }
  const listening = await listen(
    createServer((request, response) => {
      // What `app.use('/auth', keyward.handler)` does in Express: the mount path taken off the URL.
      request.url = request.url?.slice(keyward.basePath.length) || '/'
      keyward.handler(request, response)
    }),
    port,
  )
  return { keyward, issuer: config.issuer, close: () => close(listening) }
}

for (const mount of ['fastify', 'node'] as const) {
  describe(`an embedded Keyward's admin API (${mount})`, () => {
    test('is not served unless asked for, and no admin client can be made', async () => {
      for (const admin of [undefined, false]) {
        const host = await embedded(mount, admin)
        try {
          for (const path of ['/admin/openapi.json', '/admin/clients', '/admin/users']) {
            const response = await fetch(`${host.issuer}${path}`)
            assert.equal(response.status, 404, `${path} with admin: ${admin}`)
            assert.equal(((await response.json()) as { error: string }).error, 'invalid_request')
          }
          await assert.rejects(
            host.keyward.registerAdminClient('Pipeline'),
            /The admin API is off: createKeyward\(config, \{ admin: true \}\) serves it\./,
          )
          assert.deepEqual(await host.keyward.core.stores.clients.list(), [])
          // The rest of Keyward is there.
          assert.equal((await fetch(`${host.issuer}/.well-known/oauth-authorization-server`)).status, 200)
        } finally {
          await host.close()
        }
      }
    })

    test('with admin: true, it is served under the issuer and called with an admin client', async () => {
      const host = await embedded(mount, true)
      try {
        const spec = await servedDocument(host)
        assert.deepEqual((spec.document as unknown as { servers: unknown }).servers, [{ url: host.issuer }])
        const anonymous = await adminCall(host, null, 'GET', '/admin/users')
        spec.assertAnswer('GET', '/admin/users', anonymous)
        assert.equal(anonymous.status, 401)

        const reader = await host.keyward.registerAdminClient('Dashboard', { write: false })
        assert.deepEqual(reader.client.scopes, ['admin:read'])
        const token = await tokenOf(host, reader)
        const listed = await adminCall(host, token, 'GET', '/admin/clients')
        spec.assertAnswer('GET', '/admin/clients', listed)
        assert.deepEqual(
          (listed.json as { clients: { client_name: string }[] }).clients.map((client) => client.client_name),
          ['Dashboard'],
        )
        const write = { username: 'ada', password: 'correct horse battery' }
        assert.equal((await adminCall(host, token, 'POST', '/admin/users', write)).status, 403)

        const writer = await host.keyward.registerAdminClient('Pipeline')
        const created = await adminCall(host, await tokenOf(host, writer), 'POST', '/admin/users', write)
        spec.assertAnswer('POST', '/admin/users', created)
        assert.equal(created.status, 201)
      } finally {
        await host.close()
      }
    })
  })
}
