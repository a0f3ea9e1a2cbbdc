import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { cliHome, clientsCreate, jsonOf, runCli } from '../support/cli.ts'
import { startDocumentSite } from '../support/document-site.ts'
import { eventually } from '../support/eventually.ts'
import { TEST_SECRET } from '../support/fixtures.ts'
import { type KeywardProcess, startKeywardProcess } from '../support/keyward-process.ts'
import { type CollectedSpan, startOtlpCollector } from '../support/otlp-collector.ts'
import { createPostgresDatabase } from '../support/postgres.ts'
import { REDIS_URL } from '../support/redis.ts'
import { newWebhookSecret, webhookReceiver } from '../support/webhook-receiver.ts'

// Tracing is a process's own (its SDK, its exporter, its environment): each test runs `keyward start` in a child
// process exporting to a collector of the test's, and reads what arrived once the process stopped (stopping
// flushes the last spans, so nothing is waited for).

const MODULE_LOG_HOOK = fileURLToPath(new URL('../support/module-log.ts', import.meta.url))
const collector = await startOtlpCollector()
after(() => collector.close())

/** `keyward start` under the module log: every module it resolves is written to `log`. */
const startArguments = [
  '--disable-warning=ExperimentalWarning',
  '--import',
  MODULE_LOG_HOOK,
  'bin/keyward.js',
  'start',
]

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`

/** A POST of a form to `url`, on a connection of its own (so that each of several workers can get one). */
function post(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      },
      (response) => {
        let text = ''
        response.on('data', (chunk: Buffer) => (text += chunk.toString()))
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
        )
      },
    )
    outgoing.on('error', reject)
    outgoing.end(new URLSearchParams(form).toString())
  })
}

const secretValue = (label: string) => `${label}-${randomBytes(16).toString('base64url')}`

function createServiceClient(env: Readonly<Record<string, string>>) {
  return runCli([...clientsCreate('Traced service', { kind: 'service' }), '--json'], env).then((result) =>
    jsonOf<{ client_id: string; client_secret: string }>(result),
  )
}

const spanNamed = (
  spans: readonly CollectedSpan[],
  name: string,
  where: (span: CollectedSpan) => boolean,
) => {
  const span = spans.find((candidate) => candidate.name === name && where(candidate))
  assert.ok(span, `a span ${name} among: ${spans.map((candidate) => candidate.name).join(', ')}`)
  return span
}

test(
  'tracing on: a token request is a span with its route, status, grant type and client, the traceparent honoured, its statements its children, and no secret exported',
  { timeout: 60_000 },
  async () => {
    const home = cliHome()
    const moduleLog = join(home.directory, 'modules.log')
    let keyward: KeywardProcess | undefined
    try {
      const client = await createServiceClient(home.env)
      keyward = await startKeywardProcess(
        {
          ...home.env,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          MODULE_LOG: moduleLog,
        },
        { args: startArguments },
      )
      const token = `${keyward.issuer}/token`
      const traceId = randomBytes(16).toString('hex')
      const callerSpanId = randomBytes(8).toString('hex')
      const issued = await post(
        token,
        { grant_type: 'client_credentials' },
        {
          authorization: basic(client.client_id, client.client_secret),
          traceparent: `00-${traceId}-${callerSpanId}-01`,
        },
      )
      assert.equal(issued.status, 200)
      const accessToken = String(issued.body.access_token)
      // Secrets of every kind, sent where each goes; most are refused, which is traced as well.
      const code = secretValue('code')
      const refreshToken = secretValue('refresh')
      const password = secretValue('password')
      const verifier = secretValue('verifier')
      const credentials = { authorization: basic(client.client_id, client.client_secret) }
      const refused = await post(
        token,
        { grant_type: 'refresh_token', refresh_token: refreshToken },
        credentials,
      )
      assert.equal(refused.status, 400)
      await post(token, { grant_type: 'authorization_code', code, code_verifier: verifier }, credentials)
      await post(token, { grant_type: 'password', username: 'alice', password }, credentials)
      await post(token, {
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_secret: password,
      })
      await post(`${keyward.issuer}/introspect`, { token: accessToken }, credentials)
      const query = new URLSearchParams({
        client_id: client.client_id,
        code_challenge: verifier,
        state: code,
      })
      await fetch(`${keyward.issuer}/authorize?${query}`)
      await fetch(`${keyward.issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } })
      // A caller that says "not sampled" cannot keep its request out of the operator's traces.
      const unsampledTraceId = randomBytes(16).toString('hex')
      await fetch(`${keyward.issuer}/jwks.json`, {
        headers: { traceparent: `00-${unsampledTraceId}-${callerSpanId}-00` },
      })
      await keyward.close()
      assert.equal(keyward.ended(), 'exit 0')

      const spans = collector.spans()
      const request = spanNamed(spans, 'POST /token', (span) => span.traceId === traceId)
      assert.equal(request.parentSpanId, callerSpanId, 'the caller’s span is the parent (W3C traceparent)')
      assert.equal(request.attributes['http.route'], '/token')
      assert.equal(request.attributes['http.request.method'], 'POST')
      assert.equal(request.attributes['http.response.status_code'], 200)
      assert.equal(request.attributes['keyward.grant_type'], 'client_credentials')
      assert.equal(request.attributes['keyward.client_id'], client.client_id)
      assert.equal(request.attributes['keyward.oauth.error'], undefined)
      assert.equal(request.resource['service.name'], 'keyward')
      const statement = spanNamed(spans, 'SELECT clients', (span) => span.parentSpanId === request.spanId)
      assert.equal(statement.traceId, traceId)
      assert.equal(statement.attributes['db.system.name'], 'sqlite')
      assert.equal(statement.attributes['db.operation.name'], 'SELECT')
      const refresh = spanNamed(
        spans,
        'POST /token',
        (span) => span.attributes['keyward.grant_type'] === 'refresh_token',
      )
      assert.equal(refresh.attributes['http.response.status_code'], 400)
      // A service client is not allowed the refresh grant: the code it was answered, as the wire said it.
      assert.equal(refused.body.error, 'unauthorized_client')
      assert.equal(refresh.attributes['keyward.oauth.error'], 'unauthorized_client')
      spanNamed(spans, 'GET /authorize', (span) => span.attributes['keyward.client_id'] === client.client_id)
      spanNamed(spans, 'GET /jwks.json', (span) => span.traceId === unsampledTraceId)
      // The exporter's own requests are not traced (they would feed themselves), and nothing else went out.
      assert.deepEqual(
        spans.filter((span) => span.attributes['server.address'] !== undefined),
        [],
      )

      const exported = collector
        .requests()
        .map((request) => request.body.toString('utf8'))
        .join('\n')
      const secrets = {
        client_secret: client.client_secret,
        access_token: accessToken,
        refresh_token: refreshToken,
        code,
        password,
        code_verifier: verifier,
        basic_credentials: credentials.authorization.slice('Basic '.length),
      }
      for (const [name, value] of Object.entries(secrets)) {
        assert.ok(!exported.includes(value), `the ${name} is not in what was exported`)
      }
      assert.ok(
        readFileSync(moduleLog, 'utf8').includes('/node_modules/@opentelemetry/sdk-trace-node/'),
        'the SDK was loaded',
      )
    } finally {
      await keyward?.close()
      home.remove()
    }
  },
)

test('tracing off: no OpenTelemetry module is loaded', { timeout: 60_000 }, async () => {
  const home = cliHome()
  const moduleLog = join(home.directory, 'modules.log')
  let keyward: KeywardProcess | undefined
  try {
    const client = await createServiceClient(home.env)
    keyward = await startKeywardProcess({ ...home.env, MODULE_LOG: moduleLog }, { args: startArguments })
    const issued = await post(
      `${keyward.issuer}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basic(client.client_id, client.client_secret) },
    )
    assert.equal(issued.status, 200)
    await keyward.close()
    const modules = readFileSync(moduleLog, 'utf8').split('\n')
    // Built-ins are resolved like the dependencies left in node_modules (scripts/build.ts), bundle or not.
    assert.ok(modules.includes('node:http'), 'the log records every module resolved')
    assert.deepEqual(
      modules.filter((url) => url.includes('@opentelemetry')),
      [],
    )
  } finally {
    await keyward?.close()
    home.remove()
  }
})

test('the default protocol is OTLP/HTTP protobuf, without secrets either', { timeout: 60_000 }, async () => {
  const home = cliHome()
  let keyward: KeywardProcess | undefined
  try {
    const client = await createServiceClient(home.env)
    const before = collector.requests().length
    keyward = await startKeywardProcess({ ...home.env, OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint })
    const issued = await post(
      `${keyward.issuer}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basic(client.client_id, client.client_secret) },
    )
    assert.equal(issued.status, 200)
    await keyward.close()
    const sent = collector.requests().slice(before)
    assert.ok(sent.length > 0, 'spans were exported')
    for (const request of sent) {
      assert.equal(request.path, '/v1/traces')
      assert.equal(request.contentType, 'application/x-protobuf')
    }
    const bytes = Buffer.concat(sent.map((request) => request.body))
    assert.ok(bytes.includes('POST /token'))
    assert.ok(bytes.includes('client_credentials'))
    assert.ok(!bytes.includes(client.client_secret))
    assert.ok(!bytes.includes(String(issued.body.access_token)))
  } finally {
    await keyward?.close()
    home.remove()
  }
})

test(
  'an OTLP protocol Keyward does not offer is refused at start, by name',
  { timeout: 60_000 },
  async () => {
    const home = cliHome()
    try {
      const result = await runCli(['start'], {
        ...home.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      })
      assert.equal(result.code, 1)
      assert.match(
        result.stderr,
        /OTLP protocol "grpc" is not offered: set OTEL_EXPORTER_OTLP_PROTOCOL to http\/protobuf/,
      )
    } finally {
      home.remove()
    }
  },
)

test(
  '--workers 2 on PostgreSQL and Redis: each worker exports its own spans, statements and Redis commands included',
  { timeout: 90_000 },
  async () => {
    const database = await createPostgresDatabase('tracing')
    const home = cliHome()
    let keyward: KeywardProcess | undefined
    try {
      const env = { ...home.env, KEYWARD_DATABASE_URL: database.url, KEYWARD_SECRET: TEST_SECRET }
      const client = await createServiceClient(env)
      keyward = await startKeywardProcess(
        {
          ...env,
          KEYWARD_REDIS_URL: REDIS_URL,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        },
        { args: ['bin/keyward.js', 'start', '--workers', '2'] },
      )
      const running = keyward
      const servingPids = () =>
        new Set(
          running
            .output()
            .split('\n')
            .filter((line) => line.startsWith('{') && line.includes('"path":"/token"'))
            .map((line) => (JSON.parse(line) as { pid: number }).pid),
        )
      // A connection each: the cluster hands them to its workers in turn.
      await eventually(async () => {
        const issued = await post(
          `${running.issuer}/token`,
          { grant_type: 'client_credentials' },
          { authorization: basic(client.client_id, client.client_secret) },
        )
        assert.equal(issued.status, 200)
        return servingPids().size === 2
      }, 'token requests were not served by two workers')
      const pids = servingPids()
      await running.close()
      assert.equal(running.ended(), 'exit 0')

      const requests = collector
        .spans()
        .filter((span) => span.name === 'POST /token' && pids.has(Number(span.resource['process.pid'])))
      assert.deepEqual(new Set(requests.map((span) => span.resource['process.pid'])), new Set([...pids]))
      const children = collector
        .spans()
        .filter((span) => requests.some((request) => request.spanId === span.parentSpanId))
      assert.ok(children.some((span) => span.attributes['db.system.name'] === 'postgresql'))
      const redis = children.find((span) => span.attributes['db.system.name'] === 'redis')
      assert.ok(redis, `a Redis command among: ${children.map((span) => span.name).join(', ')}`)
      // The throttle's commands (PTTL, EVAL) by name only.
      assert.match(redis.name, /^(?:PTTL|EVAL)$/)
      assert.equal(redis.attributes['db.operation.name'], redis.name)
      assert.equal(JSON.stringify(redis.attributes).includes(client.client_id), false, 'no command argument')
    } finally {
      await keyward?.close()
      home.remove()
      await database.drop()
    }
  },
)

test(
  'an outbound request is a span with its method, host and status, never its path',
  { timeout: 60_000 },
  async () => {
    const site = await startDocumentSite()
    const home = cliHome()
    let keyward: KeywardProcess | undefined
    try {
      // A webhook URL whose path is a secret, as some receivers' are.
      const pathSecret = secretValue('hook')
      const webhookSecret = newWebhookSecret()
      const receiver = webhookReceiver(site, `/hooks/${pathSecret}`, webhookSecret)
      const caFile = join(home.directory, 'receiver-ca.pem')
      writeFileSync(caFile, site.ca)
      keyward = await startKeywardProcess({
        ...home.env,
        NODE_EXTRA_CA_CERTS: caFile,
        KEYWARD_FETCH_ALLOW_PRIVATE_ADDRESSES: 'true',
        KEYWARD_EVENTS_WEBHOOK_URL: receiver.url,
        KEYWARD_EVENTS_WEBHOOK_SECRET: webhookSecret,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      })
      // A failed client authentication is a security event, which goes to the webhook.
      const refused = await post(
        `${keyward.issuer}/token`,
        { grant_type: 'client_credentials' },
        { authorization: basic('nobody', 'wrong') },
      )
      assert.equal(refused.status, 401)
      await eventually(
        async () => receiver.accepted('client_authentication_failed').length > 0,
        'the event reached the webhook',
      )
      await keyward.close()
      const outbound = spanNamed(
        collector.spans(),
        'POST',
        (span) => span.attributes['server.address'] === 'localhost',
      )
      assert.equal(outbound.attributes['http.request.method'], 'POST')
      assert.equal(outbound.attributes['url.scheme'], 'https')
      assert.equal(outbound.attributes['http.response.status_code'], 200)
      const exported = collector.requests().map((request) => request.body.toString('utf8'))
      assert.ok(!exported.some((body) => body.includes(pathSecret)), 'the path is not exported')
    } finally {
      await keyward?.close()
      await site.close()
      home.remove()
    }
  },
)
