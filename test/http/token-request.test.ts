import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { FORM_BODY_LIMIT } from '../../src/http/form.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { basicAuthorization } from '../support/oauth-client.ts'

let server: TestServer
let authorization: string
let serviceAuthorization: string

before(async () => {
  server = await startTestServer()
  const web = await server.client({ name: 'Web' })
  authorization = basicAuthorization(web.client.id, web.secret ?? '')
  const service = await server.client({
    name: 'Service',
    grantTypes: ['client_credentials'],
    redirectUris: [],
  })
  serviceAuthorization = basicAuthorization(service.client.id, service.secret ?? '')
})
after(() => server.close())

async function send(body: BodyInit | null, headers: Record<string, string> = {}, method = 'POST') {
  const response = await fetch(`${server.issuer}/token`, {
    method,
    headers: { authorization, ...headers },
    body,
  })
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    json: JSON.parse(text) as Record<string, unknown>,
  }
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

function assertError(reply: Awaited<ReturnType<typeof send>>, error: string, status = 400): void {
  assert.equal(reply.status, status, JSON.stringify(reply.json))
  assert.equal(reply.json.error, error)
  assert.equal(typeof reply.json.error_description, 'string')
  assert.equal(reply.headers.get('cache-control'), 'no-store')
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/)
}

describe('token endpoint request rules', () => {
  test('RFC 6749 §3.2: a JSON body is invalid_request (400), not 415 or 500', async () => {
    assertError(
      await send('{"grant_type":"authorization_code"}', { 'content-type': 'application/json' }),
      'invalid_request',
    )
    assertError(await send('{', { 'content-type': 'application/json' }), 'invalid_request')
  })

  test('text/plain, multipart and unknown media types are invalid_request', async () => {
    assertError(
      await send('grant_type=authorization_code', { 'content-type': 'text/plain' }),
      'invalid_request',
    )
    const multipart = new FormData()
    multipart.set('grant_type', 'authorization_code')
    assertError(await send(multipart), 'invalid_request')
    assertError(await send('grant_type=x', { 'content-type': 'application/x-foo' }), 'invalid_request')
  })

  test('a charset parameter on the form media type is fine', async () => {
    const reply = await send('grant_type=nope', {
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
    })
    assertError(reply, 'unsupported_grant_type')
  })

  test('a repeated parameter is invalid_request, whichever it is', async () => {
    for (const body of [
      'grant_type=authorization_code&grant_type=authorization_code',
      'grant_type=authorization_code&code=a&code=b',
      'grant_type=authorization_code&code=a&client_id=x&client_id=x',
    ]) {
      assertError(await send(body, FORM), 'invalid_request')
    }
  })

  test('a body over 64 KiB is invalid_request', async () => {
    const body = `grant_type=authorization_code&padding=${'a'.repeat(FORM_BODY_LIMIT)}`
    assertError(await send(body, FORM), 'invalid_request')
  })

  test('a body of many small parameters over 64 KiB is invalid_request too', async () => {
    const body = Array.from({ length: 10_000 }, (_, i) => `p${i}=xxxx`).join('&')
    assert.ok(body.length > FORM_BODY_LIMIT)
    assertError(await send(body, FORM), 'invalid_request')
  })

  test('one parameter over the length limit is invalid_request', async () => {
    assertError(await send(`grant_type=authorization_code&code=${'a'.repeat(5000)}`, FORM), 'invalid_request')
  })

  test('missing grant_type is invalid_request', async () => {
    const reply = await send('code=abc', FORM)
    assertError(reply, 'invalid_request')
    assert.match(String(reply.json.error_description), /grant_type/)
  })

  test('an unknown grant_type is unsupported_grant_type', async () => {
    for (const grantType of ['magic', 'AUTHORIZATION_CODE', 'urn:example:unknown']) {
      assertError(await send(`grant_type=${encodeURIComponent(grantType)}`, FORM), 'unsupported_grant_type')
    }
  })

  test('a grant the client is not registered for is unauthorized_client', async () => {
    const reply = await send('grant_type=authorization_code&code=abc&code_verifier=x', {
      ...FORM,
      authorization: serviceAuthorization,
    })
    assertError(reply, 'unauthorized_client')
  })

  test('client authentication comes first: a bad client gets invalid_client whatever the rest says', async () => {
    const reply = await send('grant_type=magic', {
      ...FORM,
      authorization: basicAuthorization('nobody', 'x'),
    })
    assertError(reply, 'invalid_client', 401)
  })

  test('the token endpoint answers POST only', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const reply = await send(method === 'GET' ? null : 'grant_type=x', method === 'GET' ? {} : FORM, method)
      assert.ok(reply.status === 404 || reply.status === 405, `${method}: ${reply.status}`)
      assert.equal(reply.json.error, 'invalid_request')
    }
  })
})
