import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { registerClient } from '../../../src/core/client-registration.ts'
import type { Client } from '../../../src/core/model/client.ts'
import { openStores } from '../../../src/store/index.ts'
import { cryptoRandom, systemClock } from '../../../src/system.ts'
import { cliHome, runCli, clientsCreate } from '../../support/cli.ts'

interface FindingJson {
  readonly id: string
  readonly severity: 'error' | 'warning' | 'info'
  readonly clientId: string | null
  readonly message: string
  readonly fix: string
}

const SEVERITIES: readonly FindingJson['severity'][] = ['error', 'warning', 'info']

describe('keyward lint', () => {
  const home = cliHome()
  after(() => home.remove())

  const lint = async () => {
    const result = await runCli(['lint', '--json'], home.env)
    return { ...result, findings: JSON.parse(result.stdout) as FindingJson[] }
  }

  /** Writes a client straight into the store, as an old version or a hand-edited database might have. */
  async function storeDirectly(change: (client: Client) => Client): Promise<Client> {
    const { client } = registerClient(
      {
        name: 'Hand-written',
        type: 'confidential',
        grantTypes: ['authorization_code'],
        redirectUris: ['https://app.example/cb'],
        scopes: ['read'],
      },
      {
        config: {
          issuer: 'https://auth.example',
          scopes: [{ name: 'read', description: 'Read' }],
          lifetimes: { accessToken: 600, refreshIdle: 86_400, refreshAbsolute: 864_000 },
        },
        clock: systemClock,
        random: cryptoRandom,
      },
    )
    const stored = change(client)
    const stores = await openStores(home.url)
    try {
      await stores.clients.create(stored)
    } finally {
      await stores.close()
    }
    return stored
  }

  const check = (finding: FindingJson) => {
    assert.deepEqual(Object.keys(finding).sort(), ['clientId', 'fix', 'id', 'message', 'severity'])
    assert.match(finding.id, /^[a-z]+(-[a-z]+)+$/)
    assert.ok(SEVERITIES.includes(finding.severity))
    assert.ok(finding.message.length > 0 && finding.fix.length > 0)
  }

  test('a clean configuration: exit 0', async () => {
    const created = await runCli(
      clientsCreate('Web', { kind: 'web', 'redirect-uris': 'https://app.example/callback' }),
      home.env,
    )
    assert.equal(created.code, 0, created.stderr)
    const result = await lint()
    assert.equal(result.code, 0, result.stdout)
    result.findings.forEach(check)
    assert.deepEqual(
      result.findings.filter((finding) => finding.severity === 'error'),
      [],
    )
  })

  test('a legacy client is a warning with its client id and a fix; still exit 0', async () => {
    const created = await runCli(
      clientsCreate('Old', { 'grant-types': 'password', 'allow-legacy': 'password', json: true }),
      home.env,
    )
    const clientId = (JSON.parse(created.stdout) as { client_id: string }).client_id
    const result = await lint()
    assert.equal(result.code, 0)
    result.findings.forEach(check)
    const finding = result.findings.find((candidate) => candidate.clientId === clientId)
    assert.equal(finding?.id, 'legacy-password-enabled')
    assert.equal(finding?.severity, 'warning')
    assert.match(finding?.fix ?? '', /authorization code with PKCE/)
  })

  test('an http redirect URI off the local machine is an error: exit 1, errors listed first', async () => {
    const stored = await storeDirectly((client) => ({
      ...client,
      redirectUris: ['http://app.example/callback'],
    }))
    const result = await lint()
    assert.equal(result.code, 1, 'an error fails the lint')
    result.findings.forEach(check)
    const [first] = result.findings
    assert.equal(first?.severity, 'error')
    const finding = result.findings.find((candidate) => candidate.id === 'redirect-uri-http-not-loopback')
    assert.equal(finding?.clientId, stored.id)
    assert.equal(finding?.severity, 'error')
    assert.match(finding?.message ?? '', /http:\/\/app\.example\/callback/)
    assert.match(finding?.fix ?? '', /https/)
    const ranks = result.findings.map((candidate) => SEVERITIES.indexOf(candidate.severity))
    assert.deepEqual(ranks, [...ranks].sort(), 'errors, then warnings, then notes')
  })

  test('without --json the findings are a table with each fix, and the exit code is the same', async () => {
    const result = await runCli(['lint'], home.env)
    assert.equal(result.code, 1)
    assert.match(result.stdout, /^SEVERITY +RULE +CLIENT +MESSAGE/)
    assert.match(result.stdout, /redirect-uri-http-not-loopback/)
    assert.match(result.stdout, /fix: /)
  })
})
