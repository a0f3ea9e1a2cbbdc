import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { generate } from 'selfsigned'
import { type CliResult, spawnCli } from '../support/cli.ts'
import { TEST_SECRET } from '../support/fixtures.ts'
import { close, freePort, listen } from '../support/ports.ts'
import { REDIS_URL } from '../support/redis.ts'

/** The user nobody: root writes through any permission bits, so a read-only directory is tried as someone else. */
const NOBODY = 65534

/**
 * `keyward start` as a person runs it, failing: exit 1 and exactly `line` on stderr (one line, no stack trace),
 * nothing on stdout.
 */
function assertOneLine(result: CliResult, line: string | RegExp): void {
  assert.equal(result.code, 1, result.stderr)
  assert.equal(result.stdout, '')
  const lines = result.stderr.trimEnd().split('\n')
  assert.equal(lines.length, 1, `one line, not:\n${result.stderr}`)
  if (typeof line === 'string') assert.equal(lines[0], line)
  else assert.match(lines[0] ?? '', line)
}

describe('keyward start explains why it cannot start, in one line', () => {
  // Readable by everyone: the read-only test runs as nobody below it.
  const home = mkdtempSync(join(tmpdir(), 'keyward-startup-'))
  chmodSync(home, 0o755)
  after(() => rmSync(home, { recursive: true, force: true }))
  const dataDir = (name: string) => join(home, name)

  test('PostgreSQL not running', async () => {
    const port = await freePort()
    const result = await spawnCli(['start'], {
      KEYWARD_DATA_DIR: dataDir('pg-down'),
      KEYWARD_SECRET: TEST_SECRET,
      KEYWARD_DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${port}/keyward`,
    })
    assertOneLine(
      result,
      `PostgreSQL at 127.0.0.1:${port} refused the connection (nothing listens there): start PostgreSQL, or correct the host and port in KEYWARD_DATABASE_URL.`,
    )
    assert.doesNotMatch(result.stderr, /hunter2/, 'never the password')
  })

  test('PostgreSQL without the database', async () => {
    const name = `keyward_never_created_${randomBytes(4).toString('hex')}`
    const result = await spawnCli(['start'], {
      KEYWARD_DATA_DIR: dataDir('pg-no-db'),
      KEYWARD_SECRET: TEST_SECRET,
      KEYWARD_DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${name}`,
    })
    assertOneLine(
      result,
      `PostgreSQL at 127.0.0.1:5432 has no database "${name}": create it (createdb ${name}), or correct its name in KEYWARD_DATABASE_URL.`,
    )
  })

  test('the same for an admin command: PostgreSQL named in the config file', async () => {
    const port = await freePort()
    const file = join(home, 'pg.json')
    writeFileSync(file, JSON.stringify({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/keyward` }))
    const result = await spawnCli(['clients', 'list'], {
      KEYWARD_CONFIG: file,
      KEYWARD_SECRET: TEST_SECRET,
    })
    assertOneLine(
      result,
      `PostgreSQL at 127.0.0.1:${port} refused the connection (nothing listens there): start PostgreSQL, or correct the host and port in databaseUrl in ${file}.`,
    )
  })

  test('Redis not running: no unhandled error event from its client', async () => {
    const port = await freePort()
    const result = await spawnCli(['start'], {
      KEYWARD_DATA_DIR: dataDir('redis-down'),
      KEYWARD_REDIS_URL: `redis://127.0.0.1:${port}`,
      KEYWARD_LOG_LEVEL: 'warn',
    })
    assertOneLine(
      result,
      `Redis at 127.0.0.1:${port} refused the connection (nothing listens there): start Redis, correct KEYWARD_REDIS_URL, or leave it unset on a single node.`,
    )
  })

  test('a certificate file that is not there', async () => {
    const certificate = join(home, 'missing-cert.pem')
    const result = await spawnCli(['start'], {
      KEYWARD_DATA_DIR: dataDir('tls'),
      KEYWARD_TLS_CERT: certificate,
      KEYWARD_TLS_KEY: join(home, 'missing-key.pem'),
    })
    assertOneLine(
      result,
      `The TLS certificate file ${certificate} does not exist: correct KEYWARD_TLS_CERT, or make the file readable.`,
    )
  })

  test('a certificate with a key that is not its own, and a file that is not PEM', async () => {
    const [mine, other] = await Promise.all(
      [1, 2].map(() => generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec' })),
    )
    const certificate = join(home, 'mine.crt')
    const otherKey = join(home, 'other.key')
    const notPem = join(home, 'not-pem.crt')
    writeFileSync(certificate, mine?.cert ?? '')
    writeFileSync(otherKey, other?.private ?? '')
    writeFileSync(notPem, 'not a certificate')
    const tls = (cert: string, key: string) =>
      spawnCli(['start'], {
        KEYWARD_DATA_DIR: dataDir('tls-pair'),
        KEYWARD_TLS_CERT: cert,
        KEYWARD_TLS_KEY: key,
      })
    assertOneLine(
      await tls(certificate, otherKey),
      `The TLS private key ${otherKey} is not the key of the certificate: correct KEYWARD_TLS_KEY.`,
    )
    assertOneLine(
      await tls(notPem, otherKey),
      new RegExp(
        `^The TLS certificate file ${notPem} is not a PEM certificate TLS can read \\(.+\\): correct KEYWARD_TLS_CERT, or convert the file to PEM\\.$`,
      ),
    )
  })

  test('a host that is not an address of this machine', async () => {
    // 192.0.2.1 (TEST-NET-1, RFC 5737) is nobody's address: binding it fails here, and no packet is sent.
    assertOneLine(
      await spawnCli(['start'], {
        KEYWARD_DATA_DIR: dataDir('host'),
        KEYWARD_HOST: '192.0.2.1',
        KEYWARD_LOG_LEVEL: 'warn',
      }),
      '192.0.2.1 is not an address of this machine: correct KEYWARD_HOST (0.0.0.0 listens on every address).',
    )
  })

  test('a privileged port, for a user without the privilege', async () => {
    const asNobody = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {}
    const result = await spawnCli(
      ['start'],
      {
        KEYWARD_DATABASE_URL: 'memory:',
        KEYWARD_SECRET: TEST_SECRET,
        KEYWARD_PORT: '80',
        KEYWARD_LOG_LEVEL: 'warn',
      },
      asNobody,
    )
    assertOneLine(
      result,
      'Keyward may not listen on port 80: ports below 1024 need privileges. Pick a port from 1024 with KEYWARD_PORT, and a proxy in front for 443.',
    )
  })

  // With --workers the first process listens on the metrics port itself, before it forks any worker.
  for (const [how, args, env] of [
    ['one process', ['start'], {}],
    ['--workers 2', ['start', '--workers', '2'], { KEYWARD_REDIS_URL: REDIS_URL }],
  ] as const) {
    test(`a metrics port in use is named as the metrics port (${how})`, async () => {
      const blocker = await listen(0)
      try {
        const { port } = blocker.address() as AddressInfo
        const result = await spawnCli([...args], {
          KEYWARD_DATA_DIR: dataDir(`metrics-${args.length}`),
          KEYWARD_PORT: String(await freePort()),
          KEYWARD_METRICS_PORT: String(port),
          KEYWARD_LOG_LEVEL: 'warn',
          ...env,
        })
        assertOneLine(
          result,
          `127.0.0.1:${port} is already in use. Stop what uses it, or pick another port with KEYWARD_METRICS_PORT.`,
        )
      } finally {
        await close(blocker)
      }
    })
  }

  test('a certificate without its key', async () => {
    const result = await spawnCli(['start'], {
      KEYWARD_DATA_DIR: dataDir('tls-half'),
      KEYWARD_TLS_CERT: join(home, 'cert.pem'),
    })
    assert.equal(result.code, 1)
    assert.equal(
      result.stderr,
      'Invalid configuration:\n  - KEYWARD_TLS_KEY: not set: HTTPS needs the private key file (PEM) as well as the certificate\n',
    )
  })

  test('a data directory Keyward may not write', async () => {
    const readOnly = dataDir('read-only')
    mkdirSync(readOnly, { mode: 0o555 })
    chmodSync(readOnly, 0o555)
    const asNobody = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {}
    const result = await spawnCli(['start'], { KEYWARD_DATA_DIR: readOnly }, asNobody)
    assertOneLine(
      result,
      `The data directory ${readOnly} cannot be written by the user Keyward runs as: make it a writable directory, or point KEYWARD_DATA_DIR at one.`,
    )
  })

  test('a data directory that is a file', async () => {
    const file = join(home, 'not-a-directory')
    writeFileSync(file, '')
    assertOneLine(
      await spawnCli(['start'], { KEYWARD_DATA_DIR: file }),
      `The data directory ${file} is not a directory: make it a writable directory, or point KEYWARD_DATA_DIR at one.`,
    )
  })

  test('a data directory that does not exist, with the secret configured (nothing creates it)', async () => {
    const missing = join(home, 'missing', 'data')
    assertOneLine(
      await spawnCli(['start'], { KEYWARD_DATA_DIR: missing, KEYWARD_SECRET: TEST_SECRET }),
      `The directory ${missing} of the SQLite database does not exist: create it (mkdir -p ${missing}), or point KEYWARD_DATA_DIR elsewhere.`,
    )
  })

  test('debug logging shows the stack under the line', async () => {
    const port = await freePort()
    const result = await spawnCli(['start'], {
      KEYWARD_DATA_DIR: dataDir('debug'),
      KEYWARD_SECRET: TEST_SECRET,
      KEYWARD_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/keyward`,
      KEYWARD_LOG_LEVEL: 'debug',
    })
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^PostgreSQL at 127\.0\.0\.1:\d+ refused the connection/)
    assert.match(result.stderr, /\n\s+at /, 'the stack trace')
    assert.match(result.stderr, /ECONNREFUSED/, 'the cause')
  })

  test('debug logging asked for in the config file shows it too', async () => {
    const port = await freePort()
    const file = join(home, 'debug.json')
    writeFileSync(file, JSON.stringify({ logLevel: 'debug', redisUrl: `redis://127.0.0.1:${port}` }))
    const result = await spawnCli(['start'], {
      KEYWARD_DATA_DIR: dataDir('debug-file'),
      KEYWARD_CONFIG: file,
    })
    assert.equal(result.code, 1)
    assert.match(
      result.stderr,
      new RegExp(
        `^Redis at 127\\.0\\.0\\.1:${port} refused the connection .+ correct redisUrl in ${file},`,
        'm',
      ),
    )
    assert.match(result.stderr, /\n\s+at /, 'the stack trace')
  })

  test('configuration mistakes from the environment and the file, all at once, named as written', async () => {
    const file = join(home, 'keyward.json')
    writeFileSync(file, JSON.stringify({ prot: 9001, lifetimes: { accesToken: 60 }, devicePollInterval: 0 }))
    const result = await spawnCli(['start'], {
      KEYWARD_DATA_DIR: dataDir('config'),
      KEYWARD_CONFIG: file,
      KEYWARD_PORT: 'nine thousand',
      KEYWARD_ISSUER: 'http://auth.example',
    })
    assert.equal(result.code, 1)
    assert.equal(
      result.stderr,
      [
        'Invalid configuration:',
        '  - KEYWARD_PORT: "nine thousand" is not a whole number',
        '  - KEYWARD_ISSUER: the issuer must be https:// unless its host is a loopback address (127.0.0.1, [::1], localhost)',
        `  - lifetimes.accesToken in ${file}: not a setting; did you mean accessToken?`,
        `  - devicePollInterval in ${file}: Too small: expected number to be >=1`,
        `  - prot in ${file}: not a setting; did you mean port?`,
        '',
      ].join('\n'),
    )
  })
})
