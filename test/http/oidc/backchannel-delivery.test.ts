import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, test } from 'node:test'
import { pino } from 'pino'
import { logoutDelivery } from '../../../src/outbound/backchannel-logout.ts'
import { startBackchannelReceiver } from '../../support/backchannel-receiver.ts'
import { freePort } from '../../support/ports.ts'

// The background delivery of logout tokens (Back-Channel Logout 1.0 §2.5, §2.8) against real listening clients:
// bounded retries for a client that is down, none for one that refused, and the token never in a log line.

function logged() {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>)
      done()
    },
  })
  return { lines, logger: pino({ level: 'info' }, stream) }
}

const TOKEN = 'header.logout-token-payload-that-must-not-be-logged.signature'
const notice = (uri: string) => ({ clientId: 'rp', uri, logoutToken: TOKEN })
// Short waits between attempts: the test waits for the outcome through settled(), never for a time.
const fast = { attempts: 3, backoffMs: 5, timeoutMs: 2_000 }

describe('back-channel logout delivery', () => {
  test('a client that is down is tried again, and the delivery ends when it answers 200', async () => {
    const receiver = await startBackchannelReceiver([503, 500])
    const { lines, logger } = logged()
    const delivery = logoutDelivery(logger, fast)
    delivery.notify([notice(receiver.uri)])
    await delivery.settled()
    assert.deepEqual(receiver.tokens, [TOKEN, TOKEN, TOKEN])
    assert.equal(lines.at(-1)?.msg, 'back-channel logout delivered')
    assert.equal(lines.at(-1)?.attempt, 3)
    assert.ok(!JSON.stringify(lines).includes(TOKEN), 'the logout token is never logged')
  })

  test('a client that refused (400) is not asked again', async () => {
    const receiver = await startBackchannelReceiver([400])
    const { lines, logger } = logged()
    const delivery = logoutDelivery(logger, fast)
    delivery.notify([notice(receiver.uri)])
    await delivery.settled()
    assert.equal(receiver.tokens.length, 1)
    assert.equal(lines.at(-1)?.msg, 'back-channel logout refused by the client')
  })

  test('a redirect is not followed: the token goes only where the client registered', async () => {
    const target = await startBackchannelReceiver()
    const redirecting = await startBackchannelReceiver([307])
    const { logger } = logged()
    const delivery = logoutDelivery(logger, fast)
    delivery.notify([notice(`${redirecting.uri}?to=${encodeURIComponent(target.uri)}`)])
    await delivery.settled()
    assert.equal(redirecting.tokens.length, 1)
    assert.equal(target.tokens.length, 0)
  })

  test('an unreachable client is given up on after the last attempt', async () => {
    const { lines, logger } = logged()
    const delivery = logoutDelivery(logger, { ...fast, attempts: 2 })
    delivery.notify([notice(`http://127.0.0.1:${await freePort()}/gone`)])
    await delivery.settled()
    assert.equal(lines.at(-1)?.msg, 'back-channel logout not delivered: gave up')
    assert.equal(lines.at(-1)?.attempts, 2)
  })

  test('closing stops the retries of a client that keeps failing', async () => {
    const receiver = await startBackchannelReceiver([503, 503, 503])
    const { logger } = logged()
    const delivery = logoutDelivery(logger, { ...fast, backoffMs: 60_000 })
    delivery.notify([notice(receiver.uri)])
    await receiver.received(1)
    await delivery.close()
    assert.equal(receiver.tokens.length, 1)
  })
})
