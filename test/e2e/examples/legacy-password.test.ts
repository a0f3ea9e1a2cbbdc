import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type PasswordOptions, runPasswordExample } from '../../../examples/legacy-password/password-flow.ts'
import { startKeywardAndApi } from './keyward-and-api.ts'

const { keyward, api } = await startKeywardAndApi()
// As the demo registers it: confidential, and the password grant only with the operator's explicit opt-in.
const registered = await keyward.client({
  name: 'Demo legacy password CLI',
  grantTypes: ['password'],
  redirectUris: [],
  allowLegacy: ['password'],
})
const client = registered.client
const secret = registered.secret ?? ''
const user = await keyward.user()

describe('example legacy password CLI (RFC 6749 §4.3), against a real Keyward', () => {
  function options(password: string, lines: string[], linesWhenAsked: number[]): PasswordOptions {
    return {
      issuer: keyward.issuer,
      clientId: client.id,
      clientSecret: secret,
      apiUrl: api.url,
      print: (line) => lines.push(line),
      credentials: async () => {
        linesWhenAsked.push(lines.length)
        return { username: user.username, password }
      },
    }
  }

  test('prints the LEGACY label and its reason before asking, then shows the token and the API answer', async () => {
    const lines: string[] = []
    const linesWhenAsked: number[] = []
    await runPasswordExample(options(user.password, lines, linesWhenAsked))
    assert.match(lines[0] ?? '', /^LEGACY: .*grant_type=password/)
    assert.match(lines[1] ?? '', /^RFC 9700 §2\.4: /)
    assert.equal(linesWhenAsked.length, 1)
    assert.ok((linesWhenAsked[0] ?? 0) >= 2, 'the warning came before the question')
    const output = lines.join('\n')
    assert.match(output, /Token received\. Scope: profile read/)
    assert.match(output, new RegExp(`"sub": "${user.id}"`))
    assert.match(output, /\/profile → HTTP 200/)
    assert.ok(!output.includes(user.password), 'the password is never printed')
  })

  test('a wrong password stops it with invalid_grant, after the warning', async () => {
    const lines: string[] = []
    await assert.rejects(
      runPasswordExample(options('wrong password', lines, [])),
      /The token endpoint answered invalid_grant/,
    )
    assert.match(lines[0] ?? '', /^LEGACY: /)
  })
})
