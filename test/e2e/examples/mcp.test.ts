import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { decodeJwt } from 'jose'
import {
  MCP_RESOURCE_NAME,
  MCP_SCOPES,
  type RunningMcpServer,
  startMcpServer,
} from '../../../examples/mcp/server.ts'
import { createResource } from '../../../src/core/admin/resources.ts'
import { inNewContext, launchChromium } from '../../support/browser.ts'
import { startCallbackSite } from '../../support/callback-site.ts'
import { startDocumentSite } from '../../support/document-site.ts'
import { serviceClient, testConfig } from '../../support/fixtures.ts'
import { connectWithSignIn, InMemoryOAuthProvider } from '../../support/mcp-client.ts'
import { close, freePort, listen } from '../../support/ports.ts'
import { startTestServer } from '../../support/server.ts'

// The MCP TypeScript SDK's own client, on its defaults, against the example MCP server, with no client registered
// beforehand: it reads the server's RFC 9728 metadata from the 401, then Keyward's RFC 8414 metadata, registers
// (through a client ID metadata document the test serves over https, or through RFC 7591 dynamic registration),
// sends the person to sign in and consent in Chromium, and asks for a token bound to the MCP server (RFC 8707).

const browser = await launchChromium()
after(() => browser.close())
const documents = await startDocumentSite()
after(() => documents.close())
const keyward = await startTestServer(
  {
    scopes: [...testConfig().scopes, ...MCP_SCOPES],
    registration: { policy: 'open' },
    clientIdMetadataDocuments: 'any',
    // The metadata documents are on loopback: the development switch, as README.md says for local set-ups.
    outboundFetch: { allowPrivateAddresses: true },
  },
  { trustedCertificates: documents.ca },
)
after(() => keyward.close())
const mcp = await startMcpServer({ issuer: keyward.issuer, port: 0 })
after(() => mcp.close())
// The operator's one step: `keyward resources create` for the MCP server, with its scopes.
await createResource(
  { identifier: mcp.resource, name: MCP_RESOURCE_NAME, scopes: MCP_SCOPES.map((scope) => scope.name) },
  keyward.core,
)
const { callback } = await startCallbackSite('<!doctype html><title>Callback</title><h1>Callback</h1>')
const person = await keyward.user()

/** The person's part, in Chromium: sign in, read the consent page, allow; returns the code from the redirect. */
async function signInAndConsent(url: URL): Promise<string> {
  return inNewContext(browser, async ({ page }) => {
    await page.goto(url.href)
    await page.getByLabel('Username').fill(person.username)
    await page.getByLabel('Password').fill(person.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    // RFC 8707: the consent page names the service the token will be for, as the operator registered it.
    assert.equal(await page.locator('.resource-name').textContent(), MCP_RESOURCE_NAME)
    assert.equal(await page.locator('.resource-identifier').textContent(), mcp.resource)
    await page.getByRole('button', { name: 'Allow' }).click()
    await page.getByRole('heading', { level: 1, name: 'Callback' }).waitFor()
    const code = new URL(page.url()).searchParams.get('code')
    assert.ok(code, `a code in ${page.url()}`)
    return code
  })
}

/** A token for `resource` by client credentials, from a client the operator created. */
async function clientCredentialsToken(id: string, secret: string, scope: string, resource: string) {
  const issued = await fetch(`${keyward.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource }),
  })
  const body = (await issued.json()) as { access_token: string }
  assert.equal(issued.status, 200, JSON.stringify(body))
  return body.access_token
}

const textOf = (result: Awaited<ReturnType<McpClient['callTool']>>): string => {
  const [first] = result.content as { type: string; text: string }[]
  assert.equal(first?.type, 'text')
  return first.text
}

/** What every agent can do once connected: list the tools, call them as the person, with a token for this server. */
async function useTools(client: McpClient, provider: InMemoryOAuthProvider, server: RunningMcpServer) {
  const { tools } = await client.listTools()
  assert.deepEqual(tools.map((tool) => tool.name).sort(), ['add_note', 'list_notes', 'whoami'])

  const whoami = JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} })))
  assert.equal(whoami.subject, person.id)
  assert.deepEqual(whoami.audience, [server.resource])
  assert.deepEqual([...whoami.scopes].sort(), ['notes:read', 'notes:write'])

  const added = JSON.parse(
    textOf(await client.callTool({ name: 'add_note', arguments: { text: `from ${whoami.client_id}` } })),
  )
  const notes = JSON.parse(textOf(await client.callTool({ name: 'list_notes', arguments: {} })))
  assert.ok(notes.some((note: { id: string }) => note.id === added.id))

  const token = provider.tokens()?.access_token
  assert.ok(token)
  const claims = decodeJwt(token)
  assert.equal(claims.aud, server.resource)
  assert.equal(claims.sub, person.id)
  return whoami.client_id as string
}

describe('the MCP SDK client connects to the example MCP server through Keyward', () => {
  test('registering through a client ID metadata document', async () => {
    const clientId = documents.url('/agents/notes-agent.json')
    const provider = new InMemoryOAuthProvider(callback, clientId)
    documents.json('/agents/notes-agent.json', { client_id: clientId, ...provider.clientMetadata })

    const client = await connectWithSignIn(new URL(mcp.resource), provider, signInAndConsent)
    try {
      assert.equal(await useTools(client, provider, mcp), clientId)
      assert.equal(provider.clientInformation()?.client_id, clientId)
      assert.ok((documents.hits.get('/agents/notes-agent.json') ?? 0) >= 1, 'Keyward fetched the document')
    } finally {
      await client.close()
    }
  })

  test('registering through dynamic client registration, then refreshing', async () => {
    const provider = new InMemoryOAuthProvider(callback)
    const client = await connectWithSignIn(new URL(mcp.resource), provider, signInAndConsent)
    try {
      const registered = provider.clientInformation()?.client_id
      assert.ok(registered, 'the SDK registered a client')
      assert.equal(await useTools(client, provider, mcp), registered)
      assert.equal((await keyward.core.stores.clients.get(registered))?.type, 'public')

      // An expired access token: the SDK refreshes it with the refresh token, for the same resource.
      const before = provider.tokens()
      assert.ok(before?.refresh_token)
      provider.saveTokens({ ...before, access_token: 'expired' })
      assert.equal(
        JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} }))).subject,
        person.id,
      )
      const after = provider.tokens()
      assert.notEqual(after?.refresh_token, before.refresh_token, 'the refresh token rotated')
      assert.equal(decodeJwt(after?.access_token ?? '').aud, mcp.resource)
    } finally {
      await client.close()
    }
  })

  test('a tool whose scope the token lacks answers an error result; the others work', async () => {
    const { client: reader, secret } = await serviceClient(keyward, {
      scopes: ['notes:read'],
      defaultScopes: [],
    })
    const token = await clientCredentialsToken(reader.id, secret ?? '', 'notes:read', mcp.resource)
    const client = new McpClient({ name: 'reader', version: '1.0.0' })
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcp.resource), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    )
    try {
      const denied = await client.callTool({ name: 'add_note', arguments: { text: 'no' } })
      assert.equal(denied.isError, true)
      assert.match(textOf(denied), /needs the notes:write scope/)
      const notes = await client.callTool({ name: 'list_notes', arguments: {} })
      assert.notEqual(notes.isError, true)
      assert.ok(Array.isArray(JSON.parse(textOf(notes))))
    } finally {
      await client.close()
    }
  })

  test('a token for another registered resource is refused by the MCP server', async () => {
    const other = 'https://billing.example/api'
    await createResource({ identifier: other, name: 'Billing API', scopes: [] }, keyward.core)
    const { client, secret } = await serviceClient(keyward, { scopes: ['read'], defaultScopes: [] })
    const token = await clientCredentialsToken(client.id, secret ?? '', 'read', other)
    assert.equal(decodeJwt(token).aud, other)

    const refused = await fetch(mcp.resource, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    })
    assert.equal(refused.status, 401)
    const challenge = refused.headers.get('www-authenticate') ?? ''
    assert.match(challenge, /error="invalid_token"/)
    assert.match(challenge, /resource_metadata="[^"]+\/\.well-known\/oauth-protected-resource\/mcp"/)
  })
})

test('the example MCP server publishes its RFC 9728 metadata at the path-suffixed well-known URL', async () => {
  const response = await fetch(new URL('/.well-known/oauth-protected-resource/mcp', mcp.url))
  assert.equal(response.status, 200)
  assert.deepEqual(await response.json(), {
    resource: mcp.resource,
    authorization_servers: [keyward.issuer],
    bearer_methods_supported: ['header'],
    scopes_supported: ['notes:read', 'notes:write'],
    resource_name: MCP_RESOURCE_NAME,
  })
})

test('a public URL the verifier refuses stops the MCP server at start, and its port is let go', async () => {
  const port = await freePort()
  await assert.rejects(
    startMcpServer({ issuer: keyward.issuer, port, publicUrl: 'http://mcp.example' }),
    /https/,
  )
  await close(await listen(port))
})
