import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { get } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { generate } from 'selfsigned'
import { parseConfig } from '../../src/core/config.ts'
import { startServer } from '../../src/server.ts'
import { freePort } from '../support/ports.ts'

function httpsGet(
  url: string,
  ca: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca, headers: { accept: 'text/html' } }, (response) => {
      let body = ''
      response.on('data', (chunk) => {
        body += chunk
      })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
    }).on('error', reject)
  })
}

test('serves HTTPS itself when given a certificate and key, with HSTS and __Host- cookies', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'keyward-tls-'))
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec' })
  await writeFile(join(directory, 'cert.pem'), pems.cert)
  await writeFile(join(directory, 'key.pem'), pems.private)
  const port = await freePort()
  const server = await startServer(
    parseConfig({
      issuer: `https://localhost:${port}`,
      port,
      databaseUrl: 'sqlite::memory:',
      secret: 'tls-test-secret-tls-test-secret-0123456789',
      tls: { certFile: join(directory, 'cert.pem'), keyFile: join(directory, 'key.pem') },
      logLevel: 'silent',
    }),
  )
  try {
    const metadata = await httpsGet(
      `https://localhost:${port}/.well-known/oauth-authorization-server`,
      pems.cert,
    )
    assert.equal(metadata.status, 200)
    assert.equal(JSON.parse(metadata.body).issuer, `https://localhost:${port}`)
    assert.equal(metadata.headers['strict-transport-security'], 'max-age=31536000')

    const page = await httpsGet(`https://localhost:${port}/device`, pems.cert)
    assert.equal(page.status, 200)
    const cookies = [page.headers['set-cookie']].flat().join('\n')
    assert.match(cookies, /^__Host-kw_csrf=/m)
    assert.match(cookies, /; Secure/)
    assert.match(cookies, /; HttpOnly/)
  } finally {
    await server.close()
    await rm(directory, { recursive: true, force: true })
  }
})

test('refuses an http issuer outside loopback', () => {
  assert.throws(
    () =>
      parseConfig({
        issuer: 'http://auth.example.com',
        databaseUrl: 'sqlite::memory:',
        secret: 'x'.repeat(32),
      }),
    /issuer must be https/,
  )
})
