import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import * as oauth from 'oauth4webapi'
import type { ConfigInput } from '../../src/core/config.ts'
import { startDocumentSite } from '../support/document-site.ts'
import { assertNoneLogged, requestOf } from '../support/events.ts'
import { eventually } from '../support/eventually.ts'
import { serviceClient } from '../support/fixtures.ts'
import { grantTokens } from '../support/flow.ts'
import { discover, insecure } from '../support/oauth4webapi.ts'
import { clientCredentials, postToken } from '../support/oauth-client.ts'
import { freePort } from '../support/ports.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { newWebhookSecret, webhookReceiver } from '../support/webhook-receiver.ts'

// Security events to a webhook: a real Keyward posts them, signed, through its outbound fetch, to an https
// receiver on loopback (reachable only with the development switch) that checks each signature with its own code.

const site = await startDocumentSite()
/** The servers a test left running, closed with the receiver's site after the file's tests. */
const servers: TestServer[] = []
after(async () => {
  await Promise.all(servers.map((server) => server.close()))
  await site.close()
})

async function serverWith(
  webhook: { url: string; secret: string; flushTimeoutMs?: number },
  overrides: Partial<ConfigInput> = {},
): Promise<TestServer> {
  const server = await startTestServer(
    {
      outboundFetch: { allowPrivateAddresses: true },
      events: { webhook: { backoffMs: 100, ...webhook } },
      ...overrides,
    },
    { trustedCertificates: site.ca },
  )
  servers.push(server)
  return server
}

describe('the event webhook', () => {
  test('gets a sign-in and a client registration, signed, without any secret', async () => {
    const secret = newWebhookSecret()
    const receiver = webhookReceiver(site, '/events', secret)
    const server = await serverWith({ url: receiver.url, secret }, { registration: { policy: 'open' } })
    const user = await server.user('webhook-alice')
    const web = await server.client({ name: 'Webhook web app' })
    const tokens = await grantTokens(server, web, user)
    // A client registers itself as oauth4webapi does (RFC 7591).
    const registered = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(
        await discover(server.issuer),
        { client_name: 'Registered by a library', redirect_uris: ['https://library.example/cb'] },
        insecure,
      ),
    )

    await eventually(
      async () =>
        ['sign_in_succeeded', 'consent_granted', 'client_registered'].every(
          (type) => receiver.accepted(type).length === 1,
        ),
      'the sign-in, the consent and the registration reach the webhook',
    )
    assert.ok(
      receiver.deliveries.every((delivery) => delivery.verified),
      'every request is signed',
    )
    const signIn = receiver.accepted('sign_in_succeeded')[0]?.payload.data
    assert.deepEqual(signIn, {
      event: 'sign_in_succeeded',
      userId: user.id,
      username: 'webhook-alice',
      address: '127.0.0.1',
      requestId: signIn?.requestId,
    })
    // The operator joins the event to the request's log lines by its id.
    assert.equal(requestOf(server.logs, String(signIn?.requestId)), 'POST /login')
    assert.equal(receiver.accepted('client_registered')[0]?.payload.data.clientId, registered.client_id)
    assertNoneLogged(
      receiver.deliveries.map((delivery) => delivery.body).join('\n'),
      new Map([
        ['password', user.password],
        ['client secret', web.secret ?? ''],
        ['registered client secret', String(registered.client_secret)],
        ['access token', tokens.accessToken],
        ['refresh token', tokens.refreshToken],
        ['webhook secret', secret],
      ]),
    )
  })

  test('a receiver answering 500 gets the same event again, and the metrics count it delivered', async () => {
    const secret = newWebhookSecret()
    const receiver = webhookReceiver(site, '/flaky', secret, { statuses: [500] })
    const server = await serverWith({ url: receiver.url, secret }, { metricsPort: await freePort() })
    const service = await serviceClient(server)
    const refused = await postToken(
      server,
      { grant_type: 'client_credentials' },
      {
        authorization: `Basic ${Buffer.from(`${service.client.id}:wrong`).toString('base64')}`,
      },
    )
    assert.equal(refused.status, 401)

    const metricsUrl = server.metricsUrl ?? assert.fail('no metrics')
    const accepted = () => new Set(receiver.deliveries.filter((d) => d.status === 200).map((d) => d.id))
    // The first request the receiver got was answered 500: the event it carried comes again.
    const attemptsOfFirst = () => receiver.deliveries.filter((d) => d.id === receiver.deliveries[0]?.id)
    await eventually(
      async () =>
        receiver.accepted('client_authentication_failed').length === 1 &&
        attemptsOfFirst().length === 2 &&
        (await (await fetch(metricsUrl)).text()).includes(
          `keyward_event_webhook_total{outcome="delivered"} ${accepted().size}\n`,
        ),
      'every event is delivered, the first on its second attempt, and the metrics count them',
    )
    assert.deepEqual(
      attemptsOfFirst().map((delivery) => [delivery.status, delivery.verified]),
      [
        [500, true],
        [200, true],
      ],
    )
  })

  test('a receiver that never answers slows no request, and closing gives up on it within its bound', async () => {
    const secret = newWebhookSecret()
    const receiver = webhookReceiver(site, '/dead', secret, { hold: true })
    const server = await serverWith({ url: receiver.url, secret, flushTimeoutMs: 200 })
    const service = await serviceClient(server)
    const wrong = { authorization: `Basic ${Buffer.from(`${service.client.id}:wrong`).toString('base64')}` }
    for (let round = 0; round < 5; round += 1) {
      assert.equal((await postToken(server, { grant_type: 'client_credentials' }, wrong)).status, 401)
      assert.equal((await clientCredentials(server, service)).status, 200)
    }
    await eventually(async () => receiver.deliveries.length > 0, 'the receiver got a request it holds')
    await server.close()
    servers.splice(servers.indexOf(server), 1)
    assert.match(server.logs.join(''), /event webhook not flushed in time/)
  })
})
