import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { z } from 'zod'
import { ConfigError, configSchema, defaultAudience, parseConfig } from '../../src/core/config.ts'

const minimal = { issuer: 'https://auth.example', databaseUrl: 'sqlite::memory:', secret: 'x'.repeat(32) }

function problems(input: Record<string, unknown>): readonly string[] {
  try {
    parseConfig(input)
  } catch (error) {
    assert.ok(error instanceof ConfigError)
    return error.problems
  }
  assert.fail('the configuration was accepted')
}

describe('parseConfig', () => {
  test('the minimal configuration gets the safe defaults', () => {
    const config = parseConfig(minimal)
    assert.equal(config.host, '127.0.0.1')
    assert.equal(config.trustProxy, false)
    assert.equal(config.signingAlgorithm, 'ES256')
    assert.deepEqual(config.lifetimes, {
      accessToken: 600,
      authorizationCode: 60,
      refreshIdle: 14 * 86400,
      refreshAbsolute: 90 * 86400,
      session: 8 * 3600,
      deviceCode: 600,
      pushedRequest: 60,
    })
    assert.equal(config.requirePushedAuthorizationRequests, false)
    assert.equal(config.refreshGracePeriod, 0)
    assert.ok(config.scopes.length > 0)
  })

  test('architecture §5: an http issuer is accepted on loopback only', () => {
    for (const issuer of [
      'http://127.0.0.1:9000',
      'http://localhost:9000',
      'http://[::1]:9000',
      'http://127.0.0.1',
    ]) {
      assert.equal(parseConfig({ ...minimal, issuer }).issuer, issuer)
    }
    for (const issuer of [
      'http://auth.example',
      'http://10.0.0.1:9000',
      'http://localhost.example',
      'ftp://auth.example',
    ]) {
      const [problem] = problems({ ...minimal, issuer })
      assert.match(problem ?? '', /^issuer: the issuer must be https/, issuer)
    }
  })

  test('RFC 8414 §2: the issuer has no trailing slash, query or fragment', () => {
    assert.match(
      problems({ ...minimal, issuer: 'https://auth.example/' }).join(),
      /must not end with a slash/,
    )
    assert.match(
      problems({ ...minimal, issuer: 'https://auth.example/tenant/' }).join(),
      /must not end with a slash/,
    )
    assert.match(problems({ ...minimal, issuer: 'https://auth.example?x=1' }).join(), /no query or fragment/)
    assert.match(problems({ ...minimal, issuer: 'https://auth.example#x' }).join(), /no query or fragment/)
    assert.equal(
      parseConfig({ ...minimal, issuer: 'https://auth.example/tenant' }).issuer,
      'https://auth.example/tenant',
    )
  })

  test('every mistake is reported at once, each with its path', () => {
    const found = problems({
      issuer: 'http://auth.example',
      databaseUrl: 'mysql://db',
      secret: 'short',
      port: 70000,
      signingAlgorithm: 'HS256',
      lifetimes: { accessToken: 0 },
      scopes: [{ name: 'has space', description: 'x' }],
    })
    for (const path of [
      'issuer',
      'databaseUrl',
      'secret',
      'port',
      'signingAlgorithm',
      'lifetimes.accessToken',
      'scopes[0].name',
    ]) {
      assert.ok(
        found.some((problem) => problem.startsWith(`${path}: `)),
        `${path} in ${found.join(' | ')}`,
      )
    }
    const error = (() => {
      try {
        parseConfig({})
      } catch (caught) {
        return caught
      }
    })()
    assert.ok(error instanceof ConfigError)
    assert.match(error.message, /^Invalid configuration:\n {2}- /)
    assert.ok(error.problems.length >= 3, 'issuer, databaseUrl and secret are all missing')
  })

  test('a secret shorter than 32 characters is refused with a hint', () => {
    assert.match(problems({ ...minimal, secret: 'x'.repeat(31) }).join(), /at least 32 characters/)
  })

  test('refreshIdle may not exceed refreshAbsolute', () => {
    const found = problems({ ...minimal, lifetimes: { refreshIdle: 200, refreshAbsolute: 100 } })
    assert.deepEqual(found, [
      'lifetimes.refreshIdle: lifetimes.refreshIdle must not exceed lifetimes.refreshAbsolute',
    ])
  })

  test('the token audience defaults to the issuer', () => {
    assert.equal(defaultAudience(parseConfig(minimal)), 'https://auth.example')
    assert.equal(
      defaultAudience(parseConfig({ ...minimal, accessTokenAudience: 'https://api.example' })),
      'https://api.example',
    )
  })
})

describe('settings parseConfig does not know', () => {
  test('a misspelled setting is refused with the one it is near, at any depth', () => {
    const found = problems({
      ...minimal,
      prot: 9001,
      lifetimes: { accesToken: 60 },
      scopes: [{ name: 'read', descrption: 'Read' }],
    })
    assert.ok(found.includes('prot: not a setting; did you mean port?'), found.join(' | '))
    assert.ok(
      found.includes('lifetimes.accesToken: not a setting; did you mean accessToken?'),
      found.join(' | '),
    )
    assert.ok(
      found.includes('scopes[0].descrption: not a setting; did you mean description?'),
      found.join(' | '),
    )
  })

  test('a setting near none is refused with the settings known there', () => {
    assert.deepEqual(problems({ ...minimal, tls: { certFile: 'c.pem', keyFile: 'k.pem', chain: 'x' } }), [
      'tls.chain: not a setting (known here: certFile, keyFile)',
    ])
  })

  test('every object of the schema is strict, so no setting is ever silently ignored', () => {
    const loose: string[] = []
    const visit = (node: unknown, where: string): void => {
      if (typeof node !== 'object' || node === null) return
      const { type, additionalProperties, properties, items, anyOf } = node as Record<string, unknown>
      if (type === 'object' && additionalProperties !== false) loose.push(where || '(config)')
      for (const [key, inner] of Object.entries((properties as object | undefined) ?? {}))
        visit(inner, `${where}.${key}`)
      visit(items, `${where}[]`)
      // A union's choices (clientIdMetadataDocuments: a word or an object)
      for (const choice of (anyOf as unknown[] | undefined) ?? []) visit(choice, where)
    }
    visit(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }), '')
    assert.deepEqual(loose, [])
  })

  test('a certificate without its key is explained in words', () => {
    assert.deepEqual(problems({ ...minimal, tls: { certFile: 'c.pem' } }), [
      'tls.keyFile: not set: HTTPS needs the private key file (PEM) as well as the certificate',
    ])
    assert.deepEqual(problems({ ...minimal, tls: { certFile: 'c.pem', keyFile: '' } }), [
      'tls.keyFile: not set: HTTPS needs the private key file (PEM) as well as the certificate',
    ])
  })
})
