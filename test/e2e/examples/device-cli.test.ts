import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { runDeviceCli } from '../../../examples/device-cli/device-flow.ts'
import { newBrowser, submit } from '../../support/flow.ts'
import { startKeywardAndApi } from './keyward-and-api.ts'

const USER_CODE = /\b[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}\b/

const { keyward, api } = await startKeywardAndApi()
// As the demo registers it: the device preset (public, device_code + refresh_token).
const { client } = await keyward.client({
  name: 'Demo device CLI',
  type: 'public',
  tokenEndpointAuthMethod: 'none',
  grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
  redirectUris: [],
})
const user = await keyward.user()

describe('example device CLI (RFC 8628), against a real Keyward', () => {
  /** The person's part, on the verification pages: open the complete URI, sign in, then approve or deny. */
  async function decide(completeUri: string, decision: 'approve' | 'deny'): Promise<void> {
    const browser = newBrowser(keyward.issuer)
    const entry = await browser.get(completeUri)
    const userCode = new URL(completeUri).searchParams.get('user_code') ?? ''
    const login = await submit(browser, entry, { user_code: userCode })
    const confirm = await submit(browser, login, { username: user.username, password: user.password })
    const done = await submit(browser, confirm, { decision })
    assert.equal(done.status, 200)
  }

  /**
   * Runs the CLI with a fake sleep that moves Keyward's clock instead of waiting. `onSleep` sees each wait
   * (its number and length) and returns the seconds that really pass: fewer makes the CLI poll too early.
   */
  async function run(onSleep: (wait: number, milliseconds: number, lines: string[]) => Promise<number>) {
    const lines: string[] = []
    const sleeps: number[] = []
    const result = runDeviceCli({
      issuer: keyward.issuer,
      clientId: client.id,
      apiUrl: api.url,
      print: (line) => lines.push(line),
      sleep: async (milliseconds) => {
        sleeps.push(milliseconds)
        keyward.clock.advance(await onSleep(sleeps.length, milliseconds, lines))
      },
    })
    return { lines, sleeps, result }
  }

  const completeUriIn = (lines: readonly string[]) => {
    const uri = lines.join('\n').match(/http:\/\/\S+\/device\?user_code=\S+/)?.[0]
    assert.ok(uri, 'the CLI prints verification_uri_complete')
    return uri
  }

  test('prints where to go and the code, polls at the interval, slows down when told, then calls the API', async () => {
    const { lines, sleeps, result } = await run(async (wait, milliseconds, printed) => {
      // The second poll comes a second after the first: Keyward answers slow_down (RFC 8628 §3.5).
      if (wait === 2) return 1
      if (wait === 3) await decide(completeUriIn(printed), 'approve')
      return milliseconds / 1000
    })
    await result
    const output = lines.join('\n')
    assert.ok(lines.includes(`  ${keyward.issuer}/device`), 'the verification URI')
    assert.match(output, new RegExp(`enter the code ${USER_CODE.source}`))
    assert.match(
      completeUriIn(lines),
      new RegExp(`^${keyward.issuer}/device\\?user_code=${USER_CODE.source}$`),
    )
    // 5 s (the server's interval), 5 s again, then 10 s once slow_down added 5 (RFC 8628 §3.5).
    assert.deepEqual(sleeps, [5000, 5000, 10000])
    assert.match(output, /polling every 10 seconds now/)
    assert.match(output, new RegExp(`"sub": "${user.id}"`))
    assert.match(output, new RegExp(`"client_id": "${client.id}"`))
    assert.match(output, /GET http:\/\/127\.0\.0\.1:\d+\/profile → HTTP 200/)
    assert.match(output, /GET http:\/\/127\.0\.0\.1:\d+\/notes → HTTP 200/)
  })

  test('stops with the reason when the person denies', async () => {
    const { result } = await run(async (wait, milliseconds, printed) => {
      if (wait === 1) await decide(completeUriIn(printed), 'deny')
      return milliseconds / 1000
    })
    await assert.rejects(result, /Sign-in did not complete\. The token endpoint answered access_denied/)
  })
})
