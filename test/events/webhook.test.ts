import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import { describe, test } from 'node:test'
import { pino } from 'pino'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import type { SecurityEvent } from '../../src/core/ports/events.ts'
import {
  ForbiddenUrlError,
  type OutboundFetch,
  OutboundFetchError,
  type OutboundRequest,
  type OutboundResponse,
} from '../../src/core/ports/fetch.ts'
import { signWebhook, type WebhookOutcome, webhookEvents } from '../../src/events/webhook.ts'
import { securityEvents } from '../support/events.ts'

// The event webhook's signing and queue, over a fake outbound-fetch port; the signature is checked with the
// Standard Webhooks reference library (standardwebhooks), which nobody here wrote.

const SECRET = `whsec_${randomBytes(32).toString('base64')}`
const URL = 'https://hooks.example/keyward'
const SIGN_IN: SecurityEvent = { event: 'sign_in_succeeded', userId: 'u1', address: '192.0.2.1' }

/** One POST the fake port received, and the answer it is waiting to give (a test resolves or rejects it). */
interface Posted {
  readonly url: string
  readonly request: OutboundRequest
  answer(status: number): void
  fail(error: Error): void
}

/** An outbound-fetch port whose every request waits for the test to answer it. */
function fakeFetch() {
  const posts: Posted[] = []
  const waiting: { count: number; resolve: () => void }[] = []
  const fetch: OutboundFetch = {
    json: () => Promise.reject(new Error('not used')),
    request: (url, request) =>
      new Promise<OutboundResponse>((resolve, reject) => {
        posts.push({
          url,
          request,
          answer: (status) => resolve({ status, headers: {}, body: '' }),
          fail: reject,
        })
        for (const wait of waiting.filter((entry) => posts.length >= entry.count)) wait.resolve()
      }),
  }
  const posted = (count: number) =>
    posts.length >= count
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiting.push({ count, resolve }))
  return { fetch, posts, posted }
}

function sinkWith(fetch: OutboundFetch, settings: { queueSize?: number; maxAttempts?: number } = {}) {
  const lines: string[] = []
  const outcomes: WebhookOutcome[] = []
  let id = 0
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk))
        done()
      },
    }),
  )
  const sink = webhookEvents({
    url: URL,
    secret: SECRET,
    maxAttempts: settings.maxAttempts ?? 3,
    backoffMs: 1,
    queueSize: settings.queueSize ?? 10,
    concurrency: 1,
    flushTimeoutMs: 100,
    fetch,
    logger,
    clock: { now: () => new Date() },
    newId: () => `id${(id += 1)}`,
    tally: (outcome) => outcomes.push(outcome),
  })
  return { sink, lines, outcomes }
}

const bodyOf = (post: Posted) => JSON.parse(post.request.body ?? '') as { type: string; data: SecurityEvent }
const headersOf = (post: Posted) => post.request.headers as Record<string, string>

describe('signing', () => {
  test('the Standard Webhooks reference library verifies the signature and refuses a changed body', () => {
    const body = JSON.stringify({ type: 'sign_in_succeeded', data: SIGN_IN })
    const headers = signWebhook(SECRET, 'msg_1', Math.floor(Date.now() / 1000), body)
    const receiver = new Webhook(SECRET)
    assert.deepEqual(receiver.verify(body, { ...headers }), JSON.parse(body))
    assert.throws(() => receiver.verify(body.replace('u1', 'u2'), { ...headers }), WebhookVerificationError)
    assert.throws(
      () => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(body, { ...headers }),
      WebhookVerificationError,
    )
  })

  test('signs as the reference library does', () => {
    const at = new Date('2026-11-30T10:00:00Z')
    const headers = signWebhook(SECRET, 'msg_2', at.getTime() / 1000, '{"a":1}')
    assert.equal(headers['webhook-signature'], new Webhook(SECRET).sign('msg_2', at, '{"a":1}'))
    assert.equal(headers['webhook-timestamp'], String(at.getTime() / 1000))
  })
})

describe('delivery', () => {
  test('each event is posted on its own, signed, as {type, timestamp, data}', async () => {
    const { fetch, posts, posted } = fakeFetch()
    const { sink, outcomes } = sinkWith(fetch)
    sink.emit(SIGN_IN)
    await posted(1)
    const [post] = posts as [Posted]
    assert.equal(post.url, URL)
    assert.equal(post.request.method, 'POST')
    assert.equal(headersOf(post)['content-type'], 'application/json')
    const verified = new Webhook(SECRET).verify(post.request.body ?? '', headersOf(post)) as Record<
      string,
      unknown
    >
    assert.equal(verified.type, 'sign_in_succeeded')
    assert.deepEqual(verified.data, SIGN_IN)
    assert.ok(!Number.isNaN(Date.parse(String(verified.timestamp))))
    post.answer(204)
    await sink.close()
    assert.deepEqual(outcomes, ['delivered'])
  })

  test('a 500 or an unreachable receiver is tried again with the same id, freshly signed', async () => {
    const { fetch, posts, posted } = fakeFetch()
    const { sink, outcomes } = sinkWith(fetch)
    sink.emit(SIGN_IN)
    await posted(1)
    posts[0]?.answer(500)
    await posted(2)
    posts[1]?.fail(new OutboundFetchError('hooks.example could not be reached (ECONNREFUSED).'))
    await posted(3)
    posts[2]?.answer(200)
    await sink.close()
    assert.deepEqual(outcomes, ['delivered'])
    const ids = posts.map((post) => headersOf(post)['webhook-id'])
    assert.deepEqual(new Set(ids).size, 1, 'every attempt carries the same webhook-id')
    for (const post of posts) new Webhook(SECRET).verify(post.request.body ?? '', headersOf(post))
  })

  test('gives up after maxAttempts, counts and logs the failure', async () => {
    const { fetch, posts, posted } = fakeFetch()
    const { sink, outcomes, lines } = sinkWith(fetch, { maxAttempts: 2 })
    sink.emit(SIGN_IN)
    await posted(1)
    posts[0]?.answer(503)
    await posted(2)
    posts[1]?.answer(400)
    await sink.close()
    assert.equal(posts.length, 2)
    assert.deepEqual(outcomes, ['failed'])
    const warning = lines.map((line) => JSON.parse(line) as Record<string, unknown>).at(-1)
    assert.equal(warning?.msg, 'event webhook not delivered')
    assert.equal(warning?.outcome, 'HTTP 400')
    assert.equal(securityEvents(lines).length, 0, 'the webhook logs about itself, never the events again')
  })

  test('a URL the outbound rules forbid is given up at once: another try would be refused alike', async () => {
    const { fetch, posts, posted } = fakeFetch()
    const { sink, outcomes, lines } = sinkWith(fetch)
    sink.emit(SIGN_IN)
    await posted(1)
    posts[0]?.fail(new ForbiddenUrlError('hooks.example resolves to an address that is not public.'))
    await sink.close()
    assert.equal(posts.length, 1)
    assert.deepEqual(outcomes, ['failed'])
    assert.match(lines.join(''), /not public/)
  })

  test('a full queue drops the oldest waiting event, counts it and logs it once', async () => {
    const { fetch, posts, posted } = fakeFetch()
    const { sink, outcomes, lines } = sinkWith(fetch, { queueSize: 2 })
    for (const userId of ['first', 'second', 'third', 'fourth']) sink.emit({ ...SIGN_IN, userId })
    // The first is in flight, off the queue; the second was the oldest waiting when the fourth came.
    assert.deepEqual(outcomes, ['dropped'])
    assert.match(lines.join(''), /event webhook queue full/)
    for (let count = 1; count <= 3; count += 1) {
      await posted(count)
      posts[count - 1]?.answer(200)
    }
    await sink.close()
    assert.deepEqual(
      posts.map((post) => bodyOf(post).data.userId),
      ['first', 'third', 'fourth'],
    )
    assert.deepEqual(outcomes, ['dropped', 'delivered', 'delivered', 'delivered'])
  })

  test('emit returns at once and never throws, whatever the receiver does', () => {
    const { fetch, posts } = fakeFetch()
    const { sink } = sinkWith(fetch)
    sink.emit(SIGN_IN)
    assert.equal(posts.length, 1, 'posted in the background: the request is open, unanswered')
    void sink.close()
  })

  test('close waits for the queue to empty, and gives up on a silent receiver after flushTimeoutMs', async () => {
    const { fetch, posts, posted } = fakeFetch()
    const { sink, outcomes, lines } = sinkWith(fetch)
    sink.emit(SIGN_IN)
    sink.emit({ ...SIGN_IN, userId: 'u2' })
    await posted(1)
    const closing = sink.close()
    posts[0]?.answer(200)
    // The second is posted during the flush and never answered: close resolves by its bound.
    await posted(2)
    await closing
    assert.equal(outcomes[0], 'delivered')
    assert.match(lines.join(''), /event webhook not flushed in time/)
    sink.emit(SIGN_IN)
    assert.equal(posts.length, 2, 'nothing is sent once closed')
  })
})
