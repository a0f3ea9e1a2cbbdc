import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cliHome, runCli, spawnCli } from '../support/cli.ts'

describe('configuration mistakes', () => {
  const home = cliHome()
  after(() => home.remove())

  /** A config mistake is a plain message on stderr and exit 1, never a stack trace. */
  async function refused(env: Readonly<Record<string, string>>): Promise<string> {
    const result = await runCli(['clients', 'list'], { ...home.env, ...env })
    assert.equal(result.code, 1)
    assert.equal(result.stdout, '')
    assert.match(result.stderr, /^Invalid configuration:/)
    assert.doesNotMatch(result.stderr, /\n\s+at /)
    return result.stderr
  }

  test('an http issuer that is not loopback is refused (architecture §5)', async () => {
    const message = await refused({ KEYWARD_ISSUER: 'http://example.com' })
    assert.match(message, /issuer/)
    assert.match(message, /https/)
  })

  test('every mistake is reported at once', async () => {
    const message = await refused({
      KEYWARD_ISSUER: 'http://example.com',
      KEYWARD_SIGNING_ALGORITHM: 'RS256',
    })
    assert.match(message, /issuer/)
    assert.match(message, /KEYWARD_SIGNING_ALGORITHM/)
  })

  test('a number that is not one names its variable', async () => {
    assert.match(
      await refused({ KEYWARD_PORT: 'nine thousand' }),
      /KEYWARD_PORT: "nine thousand" is not a whole number/,
    )
  })

  test('a misspelt variable is refused with the one it is near; a variable near none is left alone', async () => {
    const message = await refused({ KEYWARD_ISUER: 'https://auth.example', KEYWARD_DOMAIN: 'auth.example' })
    assert.equal(
      message,
      'Invalid configuration:\n  - KEYWARD_ISUER: not a variable Keyward reads; did you mean KEYWARD_ISSUER?\n',
    )
  })

  test('a config file that is not there, or not JSON, is named by KEYWARD_CONFIG', async () => {
    const missing = join(home.directory, 'missing.json')
    assert.equal(
      await refused({ KEYWARD_CONFIG: missing }),
      `Invalid configuration:\n  - KEYWARD_CONFIG: ${missing} does not exist\n`,
    )
    const notJson = join(home.directory, 'keyward.json')
    writeFileSync(notJson, '{ port: 9000 }')
    assert.match(
      await refused({ KEYWARD_CONFIG: notJson }),
      new RegExp(
        `^Invalid configuration:\\n {2}- KEYWARD_CONFIG: ${notJson} is not a JSON object \\(.+\\)\\n$`,
      ),
    )
  })

  test('PostgreSQL without a shared secret says where the secret comes from', async () => {
    const { KEYWARD_SECRET: _omitted, ...withoutSecret } = home.env
    const result = await runCli(['clients', 'list'], {
      ...withoutSecret,
      KEYWARD_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/keyward_never_opened',
    })
    assert.equal(result.code, 1)
    assert.match(result.stderr, /KEYWARD_SECRET: required with PostgreSQL/)
  })
})

describe('usage mistakes', () => {
  test('an unknown command or a missing option returns exit 1 instead of ending the process', async () => {
    const home = cliHome()
    try {
      const unknown = await runCli(['frobnicate'], home.env)
      assert.equal(unknown.code, 1)
      assert.match(unknown.stderr, /unknown command 'frobnicate'/)
      const missing = await runCli(['clients', 'create'], home.env)
      assert.equal(missing.code, 1)
      // One line with the fix, not the command's whole help.
      assert.equal(
        missing.stderr,
        'error: keyward clients create needs --name <name>: the name people see on the consent page ' +
          '(keyward clients create --help lists every option)\n',
      )
    } finally {
      home.remove()
    }
  })
})

test('keyward --version prints the version of the package', async () => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  for (const flag of ['--version', '-V']) {
    const result = await spawnCli([flag], {})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, `${version}\n`)
  }
})
