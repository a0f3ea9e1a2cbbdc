import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type LegacyImplicit, startLegacyImplicit } from '../../../examples/legacy-implicit/app.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { assertNoStorage, assertStrictPage, scriptsOf } from './static-pages.ts'

describe('example legacy implicit page', () => {
  let keyward: TestServer
  let page: LegacyImplicit

  before(async () => {
    keyward = await startTestServer()
    page = await startLegacyImplicit({ issuer: keyward.issuer, clientId: 'implicit-client', port: 0 })
  })

  after(async () => {
    await page?.close()
    await keyward?.close()
  })

  test('is labelled LEGACY with the reason, and serves strict pages', async () => {
    const html = await assertStrictPage(`${page.url}/`, [keyward.issuer])
    assert.match(html, /<h1>LEGACY: the implicit flow<\/h1>/)
    assert.match(html, /RFC 9700[\s\S]*§2\.1\.2/)
    await assertStrictPage(`${page.url}/callback`, [keyward.issuer])
    assert.equal(page.redirectUri, `${page.url}/callback`)
  })

  test('asks for response_type=token and reads the token from the fragment, storing it nowhere', async () => {
    const scripts = new Map([
      ...(await scriptsOf(page.url, '/')),
      ...(await scriptsOf(page.url, '/callback')),
    ])
    assert.deepEqual([...scripts.keys()].sort(), ['/callback.js', '/implicit.js', '/oauth-browser.js'])
    assertNoStorage(scripts)
    assert.match(scripts.get('/implicit.js') ?? '', /response_type: 'token'/)
    assert.match(scripts.get('/callback.js') ?? '', /location\.hash/)
  })

  test('hands its settings to the script through /config.json', async () => {
    const config = await (await fetch(`${page.url}/config.json`)).json()
    assert.deepEqual(config, { issuer: keyward.issuer, clientId: 'implicit-client', scope: 'profile' })
  })
})
