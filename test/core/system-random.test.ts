import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cryptoRandom } from '../../src/system.ts'

test('the pooled random source never hands out the same bytes twice, across refills', () => {
  const seen = new Set<string>()
  // 2,000 draws of 32 bytes cross the 4 KiB pool boundary more than fifteen times.
  for (let i = 0; i < 2000; i++) {
    const bytes = cryptoRandom.bytes(32)
    assert.equal(bytes.length, 32)
    const hex = Buffer.from(bytes).toString('hex')
    assert.ok(!seen.has(hex), 'a 256-bit value repeated')
    seen.add(hex)
  }
  assert.equal(cryptoRandom.bytes(10_000).length, 10_000)
})

test('a returned buffer is a copy: changing it does not change later draws', () => {
  const first = cryptoRandom.bytes(16)
  first.fill(0)
  assert.notDeepEqual(cryptoRandom.bytes(16), new Uint8Array(16))
})
