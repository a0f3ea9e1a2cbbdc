import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Client } from '../../src/core/model/client.ts'
import { codeRequest, newBrowser, newPkce } from '../support/flow.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { tagsNamed } from './views/markup.ts'

let server: TestServer
let web: Client
before(async () => {
  server = await startTestServer()
  web = (
    await server.client({
      name: 'Photo Album',
      redirectUris: ['com.example.photos:/callback', 'https://photos.example/callback'],
    })
  ).client
})
after(() => server.close())

const pkce = newPkce()
const open = (params: Record<string, string | undefined>) =>
  newBrowser(server.issuer).get(`/authorize?${codeRequest(web, pkce, params)}`)
const links = (body: string) => tagsNamed(body, 'a').map((a) => a.attributes.get('href'))
const h1 = (body: string) => /<h1>([\s\S]*?)<\/h1>/.exec(body)?.[1]

/** The log lines that say an authorization request was refused, parsed. */
function refusals(): Record<string, unknown>[] {
  return server.logs
    .flatMap((line) => line.split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => String(entry.msg).startsWith('authorization request refused'))
}

describe('error pages say what happened in words and offer a way on', () => {
  test('an unknown client: the app sent a bad link; the account page is offered', async () => {
    const page = await open({ client_id: 'no-such-app' })
    assert.equal(page.status, 400)
    assert.equal(h1(page.body), 'The app sent you here with a bad link')
    assert.match(page.body, /The application that sent you here is not registered\./)
    assert.match(page.body, /Go back to the app and try again\./)
    assert.deepEqual(links(page.body), ['/account'])
  })

  test("a redirect URI not registered: the way back is the app's registered https site", async () => {
    const page = await open({ redirect_uri: 'https://evil.example/callback' })
    assert.equal(page.status, 400)
    assert.equal(h1(page.body), 'The app sent you here with a bad link')
    assert.deepEqual(links(page.body), ['https://photos.example', '/account'])
    assert.ok(!page.body.includes('evil.example'), 'nothing from the bad link becomes a link')
  })

  test('a page that does not exist: "Page not found", no OAuth error code', async () => {
    const reply = await fetch(`${server.issuer}/nowhere`, { headers: { accept: 'text/html' } })
    const body = await reply.text()
    assert.equal(reply.status, 404)
    assert.equal(h1(body), 'Page not found')
    assert.ok(!body.includes('Error code'), body)
    assert.deepEqual(links(body), ['/account'])
  })
})

describe('the log says why each authorization request was refused', () => {
  test('shown on a page: the code, the description and the client_id', async () => {
    await open({ client_id: 'no-such-app', state: 'secret-state-value' })
    const entry = refusals().find((line) => line.clientId === 'no-such-app')
    assert.ok(entry, server.logs.join(''))
    assert.equal(entry.error, 'invalid_request')
    assert.equal(
      entry.msg,
      'authorization request refused: The application that sent you here is not registered.',
    )
    assert.ok(!server.logs.join('').includes('secret-state-value'), 'no other parameter is logged')
  })

  test('sent back to the client: the code and the description', async () => {
    const page = await open({ code_challenge: undefined, state: 'xyz' })
    assert.equal(page.status, 302)
    const entry = refusals().find((line) => String(line.msg).includes('code_challenge'))
    assert.ok(entry, server.logs.join(''))
    assert.equal(entry.error, 'invalid_request')
    assert.equal(entry.clientId, web.id)
  })
})
