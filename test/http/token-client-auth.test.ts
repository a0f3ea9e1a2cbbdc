import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Client } from '../../src/core/model/client.ts'
import { digest } from '../../src/core/protocol/digest.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { basicAuthorization, postToken, type TokenReply } from '../support/oauth-client.ts'
import { authorizeCode, type Browser, codeOf, newBrowser, newPkce } from '../support/flow.ts'

// RFC 6749 §2.3.1: the client form-urlencodes these before Basic; Keyward must decode them back.
const SPECIAL_ID = 'app:one%two+three ü'
const SPECIAL_SECRET = 'se:cr%et+with spaces/€?&='

let server: TestServer
let user: Awaited<ReturnType<TestServer['user']>>
let confidential: { client: Client; secret: string }
let special: { client: Client; secret: string }
// The same two, registered for client_secret_post: a client uses only the method it registered.
let confidentialPost: { client: Client; secret: string }
let specialPost: { client: Client; secret: string }
let publicClient: Client
const browsers = new Map<string, Browser>()

before(async () => {
  server = await startTestServer()
  user = await server.user()
  const registered = await server.client({ name: 'Confidential' })
  confidential = { client: registered.client, secret: registered.secret ?? '' }
  const posting = await server.client({
    name: 'Confidential post',
    tokenEndpointAuthMethod: 'client_secret_post',
  })
  confidentialPost = { client: posting.client, secret: posting.secret ?? '' }
  const base = (await server.client({ name: 'Special' })).client
  special = {
    client: { ...base, id: SPECIAL_ID, secretDigest: digest(SPECIAL_SECRET) },
    secret: SPECIAL_SECRET,
  }
  specialPost = {
    client: { ...special.client, id: `${SPECIAL_ID} post`, tokenEndpointAuthMethod: 'client_secret_post' },
    secret: SPECIAL_SECRET,
  }
  await server.core.stores.clients.create(special.client)
  await server.core.stores.clients.create(specialPost.client)
  publicClient = (
    await server.client({ name: 'Native', type: 'public', redirectUris: ['http://127.0.0.1/cb'] })
  ).client
})
after(() => server.close())

/** A fresh code for the client (the user approved once; later codes come straight back) and its verifier. */
async function codeFor(client: Client) {
  const browser = browsers.get(client.id) ?? newBrowser(server.issuer)
  browsers.set(client.id, browser)
  const pkce = newPkce()
  const code = codeOf(await authorizeCode(server, { client, user, pkce, browser }))
  return {
    grant_type: 'authorization_code',
    code,
    code_verifier: pkce.verifier,
    redirect_uri: client.redirectUris[0] ?? '',
  }
}

function assertTokens(reply: TokenReply): void {
  assert.equal(reply.status, 200, JSON.stringify(reply.json))
  assert.equal(typeof reply.json.access_token, 'string')
}

function assertInvalidClient(reply: TokenReply, basicChallenge: boolean): void {
  assert.equal(reply.status, 401, JSON.stringify(reply.json))
  assert.equal(reply.json.error, 'invalid_client')
  assert.equal(reply.headers.get('cache-control'), 'no-store')
  if (basicChallenge) assert.match(reply.headers.get('www-authenticate') ?? '', /^Basic\b/)
  else assert.equal(reply.headers.get('www-authenticate'), null)
}

describe('client_secret_basic', () => {
  test('authenticates a registered client', async () => {
    const form = await codeFor(confidential.client)
    assertTokens(
      await postToken(server, form, {
        authorization: basicAuthorization(confidential.client.id, confidential.secret),
      }),
    )
  })

  test('id and secret with ":", "%", "+", spaces and non-ASCII, form-urlencoded as §2.3.1 says', async () => {
    const form = await codeFor(special.client)
    assertTokens(
      await postToken(server, form, { authorization: basicAuthorization(SPECIAL_ID, SPECIAL_SECRET) }),
    )
  })

  test('the same credentials sent without form-urlencoding do not authenticate', async () => {
    const raw = `Basic ${Buffer.from(`${SPECIAL_ID}:${SPECIAL_SECRET}`).toString('base64')}`
    assertInvalidClient(
      await postToken(server, { grant_type: 'authorization_code', code: 'x' }, { authorization: raw }),
      true,
    )
  })

  test('a wrong secret: 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const form = await codeFor(confidential.client)
    const reply = await postToken(server, form, {
      authorization: basicAuthorization(confidential.client.id, `${confidential.secret}x`),
    })
    assertInvalidClient(reply, true)
  })

  test('an unknown client, or a malformed header: 401 with the Basic challenge', async () => {
    for (const authorization of [
      basicAuthorization('nobody', 'secret'),
      'Basic',
      'Basic !!!',
      `Basic ${Buffer.from('no colon').toString('base64')}`,
      `Basic ${Buffer.from('%zz:secret').toString('base64')}`,
    ]) {
      assertInvalidClient(
        await postToken(server, { grant_type: 'authorization_code' }, { authorization }),
        true,
      )
    }
  })
})

describe('client_secret_post', () => {
  test('authenticates a registered client', async () => {
    const form = await codeFor(confidentialPost.client)
    assertTokens(
      await postToken(server, {
        ...form,
        client_id: confidentialPost.client.id,
        client_secret: confidentialPost.secret,
      }),
    )
  })

  test('with special characters, which the form body carries as is', async () => {
    const form = await codeFor(specialPost.client)
    const { id } = specialPost.client
    assertTokens(await postToken(server, { ...form, client_id: id, client_secret: SPECIAL_SECRET }))
  })

  test('a wrong secret: 401 invalid_client without WWW-Authenticate', async () => {
    const form = await codeFor(confidentialPost.client)
    const reply = await postToken(server, {
      ...form,
      client_id: confidentialPost.client.id,
      client_secret: 'wrong',
    })
    assertInvalidClient(reply, false)
  })
})

describe('a client uses the method it registered, and no other (RFC 7591 §2)', () => {
  test('a Basic client sending its right secret in the body is refused, and told which method it has', async () => {
    const form = await codeFor(confidential.client)
    const reply = await postToken(server, {
      ...form,
      client_id: confidential.client.id,
      client_secret: confidential.secret,
    })
    assertInvalidClient(reply, false)
    assert.equal(
      reply.json.error_description,
      'This client authenticates with client_secret_basic, not client_secret_post.',
    )
  })

  test('a post client sending its right secret with Basic is refused, with the Basic challenge', async () => {
    const form = await codeFor(confidentialPost.client)
    const authorization = basicAuthorization(confidentialPost.client.id, confidentialPost.secret)
    assertInvalidClient(await postToken(server, form, { authorization }), true)
  })
})

describe('none', () => {
  test('a public client names itself with client_id', async () => {
    const form = await codeFor(publicClient)
    assertTokens(await postToken(server, { ...form, client_id: publicClient.id }))
  })

  test('a public client presenting a secret is refused', async () => {
    const form = await codeFor(publicClient)
    assertInvalidClient(
      await postToken(server, { ...form, client_id: publicClient.id, client_secret: 'guess' }),
      false,
    )
    assertInvalidClient(
      await postToken(server, form, { authorization: basicAuthorization(publicClient.id, 'guess') }),
      true,
    )
  })

  test('a confidential client sending only its client_id is refused', async () => {
    const form = await codeFor(confidential.client)
    assertInvalidClient(await postToken(server, { ...form, client_id: confidential.client.id }), false)
  })

  test('no client identification at all is invalid_client', async () => {
    const form = await codeFor(confidential.client)
    assertInvalidClient(await postToken(server, form), false)
  })
})

describe('more than one method (RFC 6749 §2.3)', () => {
  test('Basic together with client_secret in the body is invalid_request', async () => {
    const form = await codeFor(confidential.client)
    const reply = await postToken(
      server,
      { ...form, client_id: confidential.client.id, client_secret: confidential.secret },
      { authorization: basicAuthorization(confidential.client.id, confidential.secret) },
    )
    assert.equal(reply.status, 400)
    assert.equal(reply.json.error, 'invalid_request')
  })

  test('Basic with a client_id in the body naming another client is invalid_request', async () => {
    const form = await codeFor(confidential.client)
    const reply = await postToken(
      server,
      { ...form, client_id: publicClient.id },
      { authorization: basicAuthorization(confidential.client.id, confidential.secret) },
    )
    assert.equal(reply.status, 400)
    assert.equal(reply.json.error, 'invalid_request')
  })
})
