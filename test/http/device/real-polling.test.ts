import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { TestClock } from '../../support/clock.ts'
import type { Page } from '../../support/flow.ts'
import { startTestServer } from '../../support/server.ts'
import { decideOnPages, deviceClient, errorOf, poll, startDevice } from '../../support/device-flow.ts'

// The one test that lets real time pass: a device polling a server on the system clock, as a real one would.
const realClock: TestClock = {
  now: () => new Date(),
  advance: () => {
    throw new Error('This server runs on real time: wait instead.')
  },
}

/** RFC 8628 §3.5: slow_down adds 5 seconds to the interval for this and all later requests. */
const SLOW_DOWN_STEP = 5
// A margin over the interval, so that timer jitter never makes a polite poll look early.
const MARGIN_MS = 150

const server = await startTestServer({ devicePollInterval: 1 }, { clock: realClock })
after(() => server.close())
const device = await deviceClient(server)
const person = await server.user()

describe('a device polling a real-time server', () => {
  test(
    'polls too fast, is slowed down, then polls politely until approved',
    {
      timeout: 15_000,
    },
    async () => {
      const codes = await startDevice(server, device)
      assert.equal(codes.interval, 1)
      assert.equal(errorOf(await poll(server, device, codes.deviceCode)), 'authorization_pending')

      const tooFast = await poll(server, device, codes.deviceCode)
      assert.equal(errorOf(tooFast), 'slow_down')
      const interval = codes.interval + SLOW_DOWN_STEP
      assert.match(String(tooFast.json.error_description), new RegExp(`at least ${interval} seconds`))

      const started = Date.now()
      let polls = 0
      let approval: Promise<Page> | undefined
      for (;;) {
        await sleep(interval * 1000 + MARGIN_MS)
        const reply = await poll(server, device, codes.deviceCode)
        polls += 1
        if (reply.status === 200) {
          assert.equal(reply.json.token_type, 'Bearer')
          assert.equal(typeof reply.json.access_token, 'string')
          break
        }
        assert.equal(errorOf(reply), 'authorization_pending', 'a polite device is not slowed down again')
        // The person approves on the pages while the device waits for its next poll.
        approval ??= decideOnPages(server, codes.userCode, person, 'approve')
      }
      assert.match((await approval)?.body ?? '', /You can return to your device/)
      assert.equal(polls, 2, 'one pending poll, then tokens')
      assert.ok(Date.now() - started >= 2 * interval * 1000, 'each polite poll waited the grown interval')
    },
  )
})
