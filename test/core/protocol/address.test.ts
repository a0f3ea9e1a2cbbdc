import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import ipaddr from 'ipaddr.js'
import { attemptSource } from '../../../src/core/protocol/address.ts'

describe('attemptSource', () => {
  test('an IPv4 address is counted as itself, also when written IPv4-mapped', () => {
    for (const address of ['127.0.0.1', '0.0.0.0', '255.255.255.255', '10.20.30.40', '192.168.1.9']) {
      assert.equal(attemptSource(address), address)
      assert.equal(attemptSource(`::ffff:${address}`), address)
    }
  })

  test('RFC 6177 §2: an IPv6 address is counted by its /64', () => {
    assert.equal(attemptSource('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64')
    assert.equal(attemptSource('2001:db8:1:2::ffff'), '2001:db8:1:2::/64')
    assert.equal(attemptSource('::1'), '0:0:0:0::/64')
  })

  test('anything else is counted as it is', () => {
    for (const address of ['', 'unknown', '010.1.1.1', '256.1.1.1', '1.2.3', '1.2.3.4.5', ' 1.2.3.4']) {
      assert.equal(attemptSource(address), address)
    }
  })

  test('the IPv4 shortcut gives what ipaddr gives, at every part boundary', () => {
    for (const part of [0, 1, 9, 10, 99, 100, 199, 200, 249, 250, 255]) {
      for (const address of [`${part}.0.0.1`, `1.${part}.2.3`, `4.5.${part}.6`, `7.8.9.${part}`]) {
        assert.ok(ipaddr.IPv4.isValidFourPartDecimal(address), address)
        assert.equal(attemptSource(address), ipaddr.process(address).toString(), address)
      }
    }
  })
})
