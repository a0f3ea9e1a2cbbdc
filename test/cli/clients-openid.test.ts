import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after } from 'node:test'
import { clientsCreate, jsonOf, runCli, runCliProcess, serverAtHome } from '../support/cli.ts'
import { startDocumentSite } from '../support/document-site.ts'
import { codeTokens } from '../http/oidc/oidc-flow.ts'

interface DescribedClient {
  readonly client_id: string
  readonly client_secret?: string
  readonly subject_type: string
  readonly id_token_signed_response_alg: string
}

// A server running on the same database the CLI writes to.
const { home, server } = await serverAtHome()
const cli = (...argv: string[]) => runCli(argv, home.env)
const openid = { scopes: 'openid,profile', 'default-scopes': 'openid' }

describe('keyward clients create: --subject-type and --id-token-alg (OpenID Connect)', () => {
  test('a pairwise ES256 client gets ID tokens with its own sub, signed ES256, from the running server', async () => {
    const created = jsonOf<DescribedClient>(
      await cli(
        ...clientsCreate('Pairwise app', {
          ...openid,
          'redirect-uris': 'https://app.example/callback,https://app.example/again',
          'subject-type': 'pairwise',
          'id-token-alg': 'ES256',
          json: true,
        }),
      ),
    )
    assert.equal(created.subject_type, 'pairwise')
    assert.equal(created.id_token_signed_response_alg, 'ES256')
    const client = await server.core.stores.clients.get(created.client_id)
    assert.ok(client)
    const user = await server.user()
    const reply = await codeTokens(
      server,
      { client, secret: created.client_secret ?? null },
      { params: { scope: 'openid' }, user },
    )
    const idToken = String(reply.json.id_token)
    assert.equal(decodeProtectedHeader(idToken).alg, 'ES256')
    const sub = decodeJwt(idToken).sub
    assert.ok(typeof sub === 'string' && sub !== user.id)
  })

  test('defaults: public, RS256', async () => {
    const created = jsonOf<DescribedClient>(
      await cli(...clientsCreate('Plain app', { 'redirect-uris': 'https://plain.example/cb', json: true })),
    )
    assert.equal(created.subject_type, 'public')
    assert.equal(created.id_token_signed_response_alg, 'RS256')
  })

  test('refused: pairwise over several hosts (no sector_identifier_uri), unknown values', async () => {
    const spread = await cli(
      ...clientsCreate('Spread app', {
        'redirect-uris': 'https://a.example/cb,https://b.example/cb',
        'subject-type': 'pairwise',
      }),
    )
    assert.notEqual(spread.code, 0)
    assert.match(spread.stderr, /more than one host needs a sector_identifier_uri/)
    const unknownType = await cli(...clientsCreate('Odd', { 'subject-type': 'private' }))
    assert.notEqual(unknownType.code, 0)
    assert.match(unknownType.stderr, /--subject-type is one of public, pairwise/)
    const unknownAlg = await cli(...clientsCreate('Odd', { 'id-token-alg': 'HS256' }))
    assert.notEqual(unknownAlg.code, 0)
    assert.match(unknownAlg.stderr, /--id-token-alg is one of RS256, ES256, EdDSA/)
  })
})

describe('keyward clients create --sector-identifier-uri (OpenID Connect Core §8.1)', () => {
  test('checks the document against the redirect URIs; its host becomes the sector', async () => {
    // A process of its own: only a process's start reads the site's certificate (NODE_EXTRA_CA_CERTS).
    const site = await startDocumentSite()
    after(() => site.close())
    const caFile = join(home.directory, 'sector-site-ca.pem')
    writeFileSync(caFile, site.ca)
    const env = { ...home.env, NODE_EXTRA_CA_CERTS: caFile, KEYWARD_FETCH_ALLOW_PRIVATE_ADDRESSES: 'true' }
    site.json('/sector.json', ['https://a.example/cb', 'https://b.example/cb'])
    site.json('/partial.json', ['https://a.example/cb'])
    const create = (path: string) =>
      runCliProcess(
        clientsCreate('Spread app', {
          ...openid,
          'redirect-uris': 'https://a.example/cb,https://b.example/cb',
          'subject-type': 'pairwise',
          'sector-identifier-uri': site.url(path),
          json: true,
        }),
        env,
      )
    const created = jsonOf<DescribedClient & { sector_identifier_uri: string }>(await create('/sector.json'))
    assert.equal(created.sector_identifier_uri, site.url('/sector.json'))
    const refused = await create('/partial.json')
    assert.notEqual(refused.code, 0)
    assert.match(refused.stderr, /does not list the redirect URIs https:\/\/b\.example\/cb/)
  })
})
