import assert from 'node:assert/strict'
import type { LookupAddress, lookup } from 'node:dns'
import { test } from 'node:test'
import { OutboundFetchError } from '../../src/core/ports/fetch.ts'
import { addressProblem, ipLiteral } from '../../src/net/address-policy.ts'
import { checkedLookup } from '../../src/net/outbound-fetch.ts'

const PUBLIC = ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']
const REFUSED: Record<string, string[]> = {
  loopback: ['127.0.0.1', '127.255.255.254', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1'],
  private: ['10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '::ffff:10.0.0.1'],
  linkLocal: ['169.254.169.254', 'fe80::1', '::ffff:169.254.169.254'],
  uniqueLocal: ['fc00::1', 'fd12:3456::1'],
  multicast: ['224.0.0.1', '239.255.255.250', 'ff02::1'],
  unspecified: ['0.0.0.0', '::'],
  broadcast: ['255.255.255.255'],
  carrierGradeNat: ['100.64.0.1'],
  reserved: ['192.0.2.1', '240.0.0.1'],
  rfc6052: ['64:ff9b::7f00:1'],
  '6to4': ['2002:7f00:1::'],
  teredo: ['2001::1'],
}

test('public unicast addresses may be fetched', () => {
  for (const address of PUBLIC) assert.equal(addressProblem(address, false), null, address)
})

test('every non-global address class is refused, IPv4-mapped IPv6 judged as its IPv4 address', () => {
  for (const [range, addresses] of Object.entries(REFUSED)) {
    for (const address of addresses) {
      assert.match(addressProblem(address, false) ?? '', /not a public address/, address)
      assert.match(addressProblem(address, false) ?? '', new RegExp(`\\(${range}\\)`), address)
    }
  }
})

test('the development switch opens loopback and private networks, never link-local or the rest', () => {
  for (const range of ['loopback', 'private', 'uniqueLocal']) {
    for (const address of REFUSED[range] ?? []) assert.equal(addressProblem(address, true), null, address)
  }
  for (const range of ['linkLocal', 'multicast', 'unspecified', 'broadcast', 'carrierGradeNat', 'rfc6052']) {
    for (const address of REFUSED[range] ?? []) assert.notEqual(addressProblem(address, true), null, address)
  }
})

test('IP literals in URLs are found whatever their spelling: decimal, octal, hex, short, bracketed IPv6', () => {
  const literal = (url: string) => ipLiteral(new URL(url).hostname)
  assert.equal(literal('https://2130706433/doc'), '127.0.0.1')
  assert.equal(literal('https://0177.0.0.1/doc'), '127.0.0.1')
  assert.equal(literal('https://0x7f.1/doc'), '127.0.0.1')
  assert.equal(literal('https://127.1/doc'), '127.0.0.1')
  assert.equal(literal('https://[::ffff:127.0.0.1]/doc'), '::ffff:7f00:1')
  assert.match(addressProblem(literal('https://[::ffff:127.0.0.1]/doc') ?? '', false) ?? '', /loopback/)
  assert.equal(literal('https://client.example/doc'), null)
  assert.equal(addressProblem('client.example', false), 'it is not an IP address')
})

test('a name is refused if any address it resolves to is not public; Node gets the checked addresses', async () => {
  const resolvingTo = (...addresses: string[]): typeof lookup =>
    ((_hostname: string, _options: unknown, callback: (e: null, a: LookupAddress[]) => void) =>
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      )) as unknown as typeof lookup
  const ask = (resolve: typeof lookup, all: boolean) =>
    new Promise<unknown>((done, fail) =>
      checkedLookup(false, resolve)('client.example', { all }, (error, address, family) =>
        error ? fail(error) : done(all ? address : [address, family]),
      ),
    )
  await assert.rejects(ask(resolvingTo('8.8.8.8', '10.0.0.1'), true), OutboundFetchError)
  await assert.rejects(
    ask(resolvingTo('2606:4700::1', '::1'), false),
    /resolves to an address that is not public/,
  )
  await assert.rejects(ask(resolvingTo(), false), OutboundFetchError)
  assert.deepEqual(await ask(resolvingTo('8.8.8.8', '2606:4700::1'), true), [
    { address: '8.8.8.8', family: 4 },
    { address: '2606:4700::1', family: 6 },
  ])
  assert.deepEqual(await ask(resolvingTo('8.8.8.8'), false), ['8.8.8.8', 4])
})
