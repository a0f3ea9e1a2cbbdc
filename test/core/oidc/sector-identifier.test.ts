import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createClient } from '../../../src/core/admin/clients.ts'
import { type ClientRegistration, ClientRegistrationError } from '../../../src/core/client-registration.ts'
import { sectorIdentifier, subjectFor } from '../../../src/core/oidc/subject.ts'
import { memoryCore } from '../../support/core-context.ts'
import { documentsFetch } from '../../support/documents.ts'

const SECTOR = 'https://sector.example/redirect-uris.json'
const SPREAD = ['https://a.example/cb', 'https://b.example/cb']

/** A pairwise client over two hosts, with a sector_identifier_uri unless `overrides` say otherwise. */
const registration = (overrides: Partial<ClientRegistration> = {}): ClientRegistration => ({
  name: 'Spread app',
  type: 'confidential',
  grantTypes: ['authorization_code'],
  redirectUris: SPREAD,
  scopes: ['read'],
  subjectType: 'pairwise',
  sectorIdentifierUri: SECTOR,
  ...overrides,
})

/** A core whose outbound fetch serves these documents. */
async function coreServing(documents: Record<string, unknown>) {
  const { context, stores } = await memoryCore()
  const fetch = documentsFetch(documents)
  return { ctx: { ...context, fetch }, stores, fetch }
}

/** The reasons a registration was refused, in words. */
async function refusal(made: Promise<unknown>): Promise<string> {
  const error: unknown = await made.then(
    () => assert.fail('registered'),
    (caught: unknown) => caught,
  )
  assert.ok(error instanceof ClientRegistrationError, String(error))
  return error.problems.join('\n')
}

describe('sector_identifier_uri (OpenID Connect Core §8.1, Registration §2)', () => {
  test('a document listing every redirect URI registers the client; its host is the sector', async () => {
    const { ctx, stores, fetch } = await coreServing({ [SECTOR]: [...SPREAD, 'https://c.example/cb'] })
    const { client } = await createClient(registration(), ctx)
    assert.equal(client.sectorIdentifierUri, SECTOR)
    assert.deepEqual(await stores.clients.get(client.id), client)
    assert.equal(sectorIdentifier(client), 'sector.example')
    // A fresh copy: the client may have just added a redirect URI to it.
    assert.deepEqual(fetch.fetched, [`${SECTOR} (refresh)`])
  })

  test('two clients of one sector see the same pairwise sub; a client of another sector its own', async () => {
    const other = 'https://other.example/uris.json'
    const { ctx } = await coreServing({
      [SECTOR]: [...SPREAD, 'https://c.example/cb'],
      [other]: ['https://c.example/cb'],
    })
    const first = (await createClient(registration(), ctx)).client
    const second = (await createClient(registration({ redirectUris: ['https://c.example/cb'] }), ctx)).client
    const elsewhere = (
      await createClient(
        registration({ redirectUris: ['https://c.example/cb'], sectorIdentifierUri: other }),
        ctx,
      )
    ).client
    const secret = ctx.config.secret
    assert.equal(subjectFor(first, 'user-1', secret), subjectFor(second, 'user-1', secret))
    assert.notEqual(subjectFor(elsewhere, 'user-1', secret), subjectFor(first, 'user-1', secret))
  })

  test('refused: a redirect URI the document does not list, named', async () => {
    const { ctx, stores } = await coreServing({ [SECTOR]: ['https://a.example/cb'] })
    assert.match(
      await refusal(createClient(registration(), ctx)),
      /sector_identifier_uri .* does not list the redirect URIs https:\/\/b\.example\/cb/,
    )
    assert.deepEqual(await stores.clients.list(), [])
  })

  test('refused: a document that is not an array of strings, or cannot be read', async () => {
    const { ctx } = await coreServing({ [SECTOR]: { redirect_uris: SPREAD } })
    assert.match(await refusal(createClient(registration(), ctx)), /must hold a JSON array of redirect URIs/)
    const unreachable = registration({ sectorIdentifierUri: 'https://gone.example/uris.json' })
    assert.match(await refusal(createClient(unreachable, ctx)), /could not be read: .*could not be reached/)
  })

  test('refused without fetching: a sector_identifier_uri that is not https', async () => {
    const plain = 'http://sector.example/uris.json'
    const { ctx, fetch } = await coreServing({ [plain]: SPREAD })
    assert.match(
      await refusal(createClient(registration({ sectorIdentifierUri: plain }), ctx)),
      /sector_identifier_uri http:\/\/sector\.example\/uris\.json is not an https URL/,
    )
    assert.deepEqual(fetch.fetched, [])
  })

  test('refused: a pairwise client on two hosts without one (Core §8.1)', async () => {
    const { ctx } = await coreServing({})
    const { sectorIdentifierUri: _, ...withoutUri } = registration()
    assert.match(
      await refusal(createClient(withoutUri, ctx)),
      /more than one host needs a sector_identifier_uri/,
    )
  })
})
