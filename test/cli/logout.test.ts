import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { startBackchannelReceiver, verifyLogoutToken } from '../support/backchannel-receiver.ts'
import { clientsCreate, jsonOf, runCli, runCliProcess, serverAtHome } from '../support/cli.ts'
import { startDocumentSite } from '../support/document-site.ts'
import { newBrowser } from '../support/flow.ts'
import { codeTokens } from '../http/oidc/oidc-flow.ts'

// The command line side of OpenID Connect logout: clients register where people return after signing out and
// where logout tokens go; an operator ending a person's sessions tells the clients over the back channel.

const { home, server } = await serverAtHome()

interface DescribedClient {
  readonly client_id: string
  readonly client_secret?: string
  readonly post_logout_redirect_uris: readonly string[]
  readonly backchannel_logout_uri: string | null
  readonly backchannel_logout_session_required: boolean
}

describe('keyward clients create: logout metadata', () => {
  const cli = (...argv: string[]) => runCli(argv, home.env)

  test('registers post-logout redirect URIs and a back-channel logout URI, shown by clients show', async () => {
    const created = jsonOf<DescribedClient>(
      await cli(
        ...clientsCreate('Signs out', {
          'redirect-uris': 'https://app.example/callback',
          'post-logout-redirect-uris': 'https://app.example/bye,https://app.example/bye?again=1',
          'backchannel-logout-uri': 'https://app.example/backchannel',
          'backchannel-logout-session-required': true,
          json: true,
        }),
      ),
    )
    assert.deepEqual(created.post_logout_redirect_uris, [
      'https://app.example/bye',
      'https://app.example/bye?again=1',
    ])
    assert.equal(created.backchannel_logout_uri, 'https://app.example/backchannel')
    assert.equal(created.backchannel_logout_session_required, true)
    const shown = jsonOf<DescribedClient>(await cli('clients', 'show', created.client_id, '--json'))
    assert.deepEqual(shown.post_logout_redirect_uris, created.post_logout_redirect_uris)
  })

  test('refuses URIs that break the rules, and sid required without a back-channel URI', async () => {
    const refused = [
      { 'post-logout-redirect-uris': 'http://app.example/bye' },
      { 'post-logout-redirect-uris': 'https://app.example/bye#done' },
      { 'backchannel-logout-uri': 'http://app.example/backchannel' },
      // Not even on loopback: logout tokens are posted over https only.
      { 'backchannel-logout-uri': 'http://127.0.0.1:9000/backchannel' },
      { 'backchannel-logout-uri': 'not a url' },
      { 'backchannel-logout-session-required': true as const },
    ]
    for (const flags of refused) {
      const result = await cli(
        ...clientsCreate('Refused', { 'redirect-uris': 'https://app.example/cb', ...flags }),
      )
      assert.notEqual(result.code, 0, JSON.stringify(flags))
      assert.match(result.stderr, /logout/i, JSON.stringify(flags))
    }
  })
})

describe('keyward clients update: logout metadata', () => {
  const cli = (...argv: string[]) => runCli(argv, home.env)

  test('changes what is given, at once at the running server, and refuses what breaks the rules', async () => {
    const created = jsonOf<DescribedClient>(
      await cli(...clientsCreate('Updated', { 'redirect-uris': 'https://app.example/cb', json: true })),
    )
    const id = created.client_id
    const signedOut = 'https://app.example/signed-out'
    const logout = () =>
      fetch(
        `${server.issuer}/logout?${new URLSearchParams({ client_id: id, post_logout_redirect_uri: signedOut })}`,
        {
          redirect: 'manual',
        },
      )
    assert.equal((await logout()).status, 400, 'not registered yet')

    const updated = await cli(
      'clients',
      'update',
      id,
      '--post-logout-redirect-uris',
      signedOut,
      '--backchannel-logout-uri',
      'https://app.example/backchannel',
      '--backchannel-logout-session-required',
      '--json',
    )
    assert.equal(updated.code, 0, updated.stderr)
    assert.match(updated.stderr, /"event":"client_updated"/)
    const described = jsonOf<DescribedClient>(updated)
    assert.deepEqual(described.post_logout_redirect_uris, [signedOut])
    assert.equal(described.backchannel_logout_session_required, true)
    // The server's client cache hears of the change: the URI is good at once.
    assert.equal((await logout()).headers.get('location'), signedOut)

    const refused = await cli(
      'clients',
      'update',
      id,
      '--post-logout-redirect-uris',
      'http://app.example/bye',
    )
    assert.notEqual(refused.code, 0)
    // Clearing the URI while the sid is still required contradicts itself; both together are fine.
    assert.notEqual((await cli('clients', 'update', id, '--backchannel-logout-uri', '')).code, 0)
    const cleared = jsonOf<DescribedClient>(
      await cli(
        'clients',
        'update',
        id,
        '--backchannel-logout-uri',
        '',
        '--no-backchannel-logout-session-required',
        '--json',
      ),
    )
    assert.equal(cleared.backchannel_logout_uri, null)
    assert.deepEqual(cleared.post_logout_redirect_uris, [signedOut], 'what was not given stays')
  })
})

describe('ending sessions from the command line: Back-Channel Logout', async () => {
  // The clients listen over TLS on loopback. The command runs in a process of its own, which trusts their
  // certificate as an operator's Node would trust a private authority: NODE_EXTRA_CA_CERTS, read at its start.
  const site = await startDocumentSite()
  after(() => site.close())
  const authority = join(home.directory, 'backchannel-ca.pem')
  writeFileSync(authority, site.ca)

  /** A client registered with the CLI, a person signed in through it in a browser, and its receiver. */
  async function signedInThroughBackchannelClient() {
    const receiver = startBackchannelReceiver(site)
    const created = jsonOf<DescribedClient>(
      await runCli(
        clientsCreate('Back-channel app', {
          'redirect-uris': 'https://app.example/callback',
          scopes: 'openid',
          'backchannel-logout-uri': receiver.uri,
          json: true,
        }),
        home.env,
      ),
    )
    const client = await server.core.stores.clients.get(created.client_id)
    assert.ok(client)
    const user = await server.user()
    const registered = { client, secret: created.client_secret ?? null }
    const reply = await codeTokens(server, registered, {
      params: { scope: 'openid' },
      user,
      browser: newBrowser(server.issuer),
    })
    return { receiver, client, user, sid: decodeJwt(String(reply.json.id_token)).sid }
  }

  // The operator's configuration names the server's issuer, which logout tokens carry, and lets the outbound
  // fetch reach loopback (the development switch).
  const operator = (...argv: string[]) =>
    runCliProcess(argv, {
      ...home.env,
      KEYWARD_ISSUER: server.issuer,
      KEYWARD_FETCH_ALLOW_PRIVATE_ADDRESSES: 'true',
      NODE_EXTRA_CA_CERTS: authority,
    })

  for (const [command, argv, output] of [
    ['users sessions revoke', ['users', 'sessions', 'revoke'], /Ended 1 session/],
    [
      'users set-password',
      ['users', 'set-password', '--password', 'a brand new password'],
      /signed out of 1/,
    ],
  ] as const) {
    test(`${command}: each client signed in through a live session receives a valid logout token`, async () => {
      const { receiver, client, user, sid } = await signedInThroughBackchannelClient()
      const ended = await operator(...argv, user.username)
      assert.equal(ended.code, 0, ended.stderr)
      assert.match(ended.stdout, output)
      // The command waited for the delivery before it exited.
      assert.equal(receiver.tokens.length, 1)
      const claims = await verifyLogoutToken(receiver.tokens[0] ?? '', server.issuer, client.id)
      assert.equal(claims.sub, user.id)
      assert.equal(claims.sid, sid)
    })
  }
})
