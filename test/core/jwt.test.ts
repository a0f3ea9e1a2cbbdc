import assert from 'node:assert/strict'
import { generateKeyPairSync, sign } from 'node:crypto'
import { test } from 'node:test'
import { compactVerify, exportJWK, importJWK } from 'jose'
import { derToRawSignature, rawToDerSignature, signJwt } from '../../src/core/tokens/jwt.ts'

test('ES256 JWTs verify with jose, whatever the length of r and s', async () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const publicKey = await importJWK({ ...(await exportJWK(pair.publicKey)), alg: 'ES256' }, 'ES256')
  const key = { kid: 'k1', alg: 'ES256' as const, privateKey: pair.privateKey }
  // About 1 in 128 signatures has an r or s shorter than 32 bytes: 2,000 of them exercise the padding.
  for (let i = 0; i < 2000; i++) {
    const token = signJwt({ sub: `user-${i}` }, key, 'at+jwt')
    const { protectedHeader, payload } = await compactVerify(token, publicKey)
    assert.deepEqual(protectedHeader, { alg: 'ES256', typ: 'at+jwt', kid: 'k1' })
    assert.equal(JSON.parse(new TextDecoder().decode(payload)).sub, `user-${i}`)
  }
})

test('EdDSA JWTs verify with jose', async () => {
  const pair = generateKeyPairSync('ed25519')
  const publicKey = await importJWK({ ...(await exportJWK(pair.publicKey)), alg: 'EdDSA' }, 'EdDSA')
  const token = signJwt({ sub: 'x' }, { kid: 'k2', alg: 'EdDSA', privateKey: pair.privateKey }, 'at+jwt')
  assert.equal((await compactVerify(token, publicKey)).protectedHeader.alg, 'EdDSA')
})

test('DER to R || S: strips the sign byte and left-pads short integers', () => {
  const r = Buffer.concat([Buffer.from([0x00, 0x80]), Buffer.alloc(31, 1)]) // 33 bytes: sign byte added
  const s = Buffer.alloc(30, 2) // 30 bytes: two leading zero bytes dropped by DER
  const der = Buffer.concat([
    Buffer.from([0x30, 4 + r.length + s.length, 0x02, r.length]),
    r,
    Buffer.from([0x02, s.length]),
    s,
  ])
  const raw = derToRawSignature(der, 32)
  assert.equal(raw.length, 64)
  assert.deepEqual(raw.subarray(0, 32), r.subarray(1))
  assert.deepEqual(raw.subarray(32), Buffer.concat([Buffer.alloc(2), s]))
})

test('R || S to DER: the inverse of derToRawSignature, short and high-bit integers included', () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  // About 1 in 128 signatures has an r or s shorter than 32 bytes, half have one with its high bit set.
  for (let i = 0; i < 2000; i++) {
    const der = sign('sha256', Buffer.from(`input ${i}`), pair.privateKey)
    assert.deepEqual(rawToDerSignature(derToRawSignature(der, 32)), der)
  }
  const zeros = rawToDerSignature(Buffer.alloc(64))
  assert.deepEqual(zeros, Buffer.from([0x30, 6, 0x02, 1, 0, 0x02, 1, 0]))
})
