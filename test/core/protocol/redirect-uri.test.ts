import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  isLoopbackHost,
  matchesRegisteredRedirectUri,
  type RedirectUriDefect,
  redirectUriDefects,
} from '../../../src/core/protocol/redirect-uri.ts'

describe('redirectUriDefects (what may be registered)', () => {
  test('https, http on loopback and private-use schemes may be registered', () => {
    for (const uri of [
      'https://client.example/callback',
      'https://client.example/callback?tenant=a',
      'http://127.0.0.1/cb',
      'http://127.0.0.1:8080/cb',
      'http://[::1]/cb',
      'http://localhost:3000/cb',
      'com.example.app:/oauth2redirect',
    ]) {
      assert.deepEqual(redirectUriDefects(uri), [], uri)
    }
  })

  test('relative, fragment, wildcard, plain http and non-reverse-domain schemes are refused, saying why', () => {
    const cases: readonly [string, RedirectUriDefect][] = [
      ['/callback', 'invalid'],
      ['client.example/callback', 'invalid'],
      ['https://client.example/callback#x', 'fragment'],
      ['https://client.example/callback#', 'fragment'],
      ['https://*.client.example/callback', 'wildcard'],
      ['https://client.example/*', 'wildcard'],
      ['http://client.example/callback', 'http-not-loopback'],
      ['http://127.0.0.1.nip.io/cb', 'http-not-loopback'],
      ['myapp:/callback', 'scheme'],
      ['javascript:alert(1)', 'scheme'],
      ['data:text/html,hi', 'scheme'],
    ]
    for (const [uri, defect] of cases) assert.deepEqual(redirectUriDefects(uri), [defect], uri)
  })
})

describe('matchesRegisteredRedirectUri (RFC 9700 §4.1.3: exact string comparison)', () => {
  const registered = ['https://client.example/callback', 'https://client.example/cb?tenant=a']

  test('the exact registered string matches', () => {
    assert.equal(matchesRegisteredRedirectUri('https://client.example/callback', registered), true)
    assert.equal(matchesRegisteredRedirectUri('https://client.example/cb?tenant=a', registered), true)
  })

  test('a trailing slash, other case, extra or missing query, port or fragment does not match', () => {
    for (const uri of [
      'https://client.example/callback/',
      'https://Client.example/callback',
      'https://client.example/Callback',
      'HTTPS://client.example/callback',
      'https://client.example/callback?x=1',
      'https://client.example/callback?',
      'https://client.example/cb',
      'https://client.example/cb?tenant=b',
      'https://client.example:443/callback',
      'https://client.example:8443/callback',
      'https://client.example/callback#x',
      'https://client.example/%63allback',
      'https://client.example.evil/callback',
      'not a uri',
    ]) {
      assert.equal(matchesRegisteredRedirectUri(uri, registered), false, uri)
    }
  })

  test('RFC 8252 §7.3: a loopback IP redirect matches with any port', () => {
    const loopback = ['http://127.0.0.1/cb', 'http://[::1]/cb?app=x', 'http://127.0.0.1:3000/fixed']
    for (const uri of [
      'http://127.0.0.1:51234/cb',
      'http://127.0.0.1:1/cb',
      'http://[::1]:65535/cb?app=x',
      'http://127.0.0.1:4000/fixed',
    ]) {
      assert.equal(matchesRegisteredRedirectUri(uri, loopback), true, uri)
    }
  })

  test('the port exception changes nothing else: path, query, host and scheme still match exactly', () => {
    const loopback = ['http://127.0.0.1/cb', 'http://localhost/cb', 'https://127.0.0.1/cb']
    for (const uri of [
      'http://127.0.0.1:51234/cb/',
      'http://127.0.0.1:51234/other',
      'http://127.0.0.1:51234/cb?x=1',
      'http://127.0.0.2:51234/cb',
      'http://[::1]:51234/cb',
      'http://localhost:51234/cb',
      'https://127.0.0.1:51234/cb',
    ]) {
      assert.equal(matchesRegisteredRedirectUri(uri, loopback), false, uri)
    }
  })
})

describe('isLoopbackHost', () => {
  test('IP literals of loopback and localhost are loopback; look-alikes are not', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '[::1]', 'localhost'])
      assert.equal(isLoopbackHost(host), true)
    for (const host of ['127.0.0.1.example', 'localhost.example', '10.0.0.1', '::1', '0.0.0.0']) {
      assert.equal(isLoopbackHost(host), false, host)
    }
  })
})
