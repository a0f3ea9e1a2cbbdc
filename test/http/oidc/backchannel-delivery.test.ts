import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { after, before, describe, test } from 'node:test'
import { pino } from 'pino'
import { createOutboundFetch, type FetchLimits } from '../../../src/net/outbound-fetch.ts'
import { logoutDelivery } from '../../../src/outbound/backchannel-logout.ts'
import { startBackchannelReceiver } from '../../support/backchannel-receiver.ts'
import { type DocumentSite, startDocumentSite } from '../../support/document-site.ts'
import { freePort } from '../../support/ports.ts'

// The background delivery of logout tokens (Back-Channel Logout 1.0 §2.5, §2.8) through the outbound fetch, against
// real clients listening over TLS: bounded retries for a client that is down, none for one that refused or whose URI
// the fetch may not reach, and the token never in a log line.

let site: DocumentSite
before(async () => {
  site = await startDocumentSite()
})
after(() => site.close())

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

/** The outbound fetch as Keyward opens it, trusting the test site, allowed to reach loopback (the development switch). */
function outboundFetch(limits: Partial<FetchLimits> = {}) {
  return createOutboundFetch({
    allowPrivateAddresses: true,
    timeoutMs: 2_000,
    maxBytes: 64 * 1024,
    maxRedirects: 3,
    cache: { minSeconds: 60, maxSeconds: 3600, maxEntries: 10 },
    ca: site.ca,
    ...limits,
  })
}

const TOKEN = 'header.logout-token-payload-that-must-not-be-logged.signature'
const notice = (uri: string) => ({ clientId: 'rp', uri, logoutToken: TOKEN })
// Short waits between attempts: the test waits for the outcome through settled(), never for a time.
const fast = { attempts: 3, backoffMs: 5 }

describe('back-channel logout delivery', () => {
  test('a client that is down is tried again, and the delivery ends when it answers 200', async () => {
    const receiver = startBackchannelReceiver(site, [503, 429])
    const { lines, logger } = logged()
    const delivery = logoutDelivery(outboundFetch(), logger, fast)
    delivery.notify([notice(receiver.uri)])
    await delivery.settled()
    assert.deepEqual(receiver.tokens, [TOKEN, TOKEN, TOKEN])
    assert.equal(lines.at(-1)?.msg, 'back-channel logout delivered')
    assert.equal(lines.at(-1)?.attempt, 3)
    assert.ok(!JSON.stringify(lines).includes(TOKEN), 'the logout token is never logged')
  })

  test('a client that refused (400) is not asked again', async () => {
    const receiver = startBackchannelReceiver(site, [400])
    const { lines, logger } = logged()
    const delivery = logoutDelivery(outboundFetch(), logger, fast)
    delivery.notify([notice(receiver.uri)])
    await delivery.settled()
    assert.equal(receiver.tokens.length, 1)
    assert.equal(lines.at(-1)?.msg, 'back-channel logout refused by the client')
    assert.equal(lines.at(-1)?.outcome, 'HTTP 400')
  })

  test('a redirect is not followed: the token goes only where the client registered', async () => {
    const target = startBackchannelReceiver(site)
    site.route('/moved-logout', (_request, response) =>
      response.writeHead(307, { location: target.uri }).end(),
    )
    const { lines, logger } = logged()
    const delivery = logoutDelivery(outboundFetch(), logger, fast)
    delivery.notify([notice(site.url('/moved-logout'))])
    await delivery.settled()
    assert.equal(site.hits.get('/moved-logout'), 1)
    assert.equal(target.tokens.length, 0)
    assert.equal(lines.at(-1)?.outcome, 'HTTP 307')
  })

  test('an unreachable client is given up on after the last attempt', async () => {
    const { lines, logger } = logged()
    const delivery = logoutDelivery(outboundFetch(), logger, { ...fast, attempts: 2 })
    delivery.notify([notice(`https://127.0.0.1:${await freePort()}/gone`)])
    await delivery.settled()
    assert.equal(lines.length, 1)
    assert.match(String(lines[0]?.outcome), /could not be reached/)
    assert.equal(lines.at(-1)?.msg, 'back-channel logout not delivered: gave up')
    assert.equal(lines.at(-1)?.attempts, 2)
  })

  test('without the development switch a receiver on loopback gets nothing, and the log says why', async () => {
    const receiver = startBackchannelReceiver(site)
    const { lines, logger } = logged()
    const delivery = logoutDelivery(outboundFetch({ allowPrivateAddresses: false }), logger, fast)
    const literal = receiver.uri.replace('localhost', '127.0.0.1')
    delivery.notify([notice(receiver.uri), notice(literal)])
    await delivery.settled()
    assert.equal(receiver.tokens.length, 0)
    assert.equal(site.hits.get(new URL(receiver.uri).pathname), undefined)
    // One attempt each: a rule of the fetch refuses the URI, and would refuse it again.
    assert.deepEqual(
      lines.map((line) => [line.level, line.attempt, line.msg]),
      Array(2).fill([40, 1, 'back-channel logout not sent: the outbound fetch may not reach this URI']),
    )
    const outcome = (uri: string) => String(lines.find((line) => line.uri === uri)?.outcome)
    assert.match(outcome(receiver.uri), /localhost resolves to an address that is not public/)
    assert.match(outcome(literal), /is not fetched: its host it is not a public address \(loopback\)/)
    assert.ok(!JSON.stringify(lines).includes(TOKEN), 'the logout token is never logged')
  })

  test('an http URI is never posted to', async () => {
    const { lines, logger } = logged()
    const delivery = logoutDelivery(outboundFetch(), logger, fast)
    delivery.notify([notice(`http://127.0.0.1:${await freePort()}/plain`)])
    await delivery.settled()
    assert.equal(lines.length, 1)
    assert.match(String(lines[0]?.outcome), /only https URLs are fetched/)
  })

  test('closing stops the retries of a client that keeps failing', async () => {
    const receiver = startBackchannelReceiver(site, [503, 503, 503])
    const { logger } = logged()
    const delivery = logoutDelivery(outboundFetch(), logger, { ...fast, backoffMs: 60_000 })
    delivery.notify([notice(receiver.uri)])
    await receiver.received(1)
    await delivery.close()
    assert.equal(receiver.tokens.length, 1)
  })

  // Bounded by the test's timeout, far below the fetch's: were the attempt not abandoned, close would wait a minute.
  test('closing abandons an attempt in flight', { timeout: 20_000 }, async () => {
    const receiver = startBackchannelReceiver(site, [], { hold: true })
    const { lines, logger } = logged()
    const delivery = logoutDelivery(outboundFetch({ timeoutMs: 60_000 }), logger, fast)
    delivery.notify([notice(receiver.uri)])
    await receiver.received(1)
    await delivery.close()
    assert.equal(lines.length, 1)
    assert.equal(lines[0]?.msg, 'back-channel logout not delivered: gave up')
    receiver.release()
  })
})
