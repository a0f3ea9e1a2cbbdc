import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SIGN_IN_PAIR_POLICY } from '../../src/core/sign-in.ts'
import { fetchFrom } from '../support/source-address.ts'
import { basicAuthorization, postToken, type TokenReply } from '../support/oauth-client.ts'
import { runCli, serverAtHome } from '../support/cli.ts'

// The server keeps its waits in memory: the unlock reaches it through the database they share.
const { home, server } = await serverAtHome()
const legacy = await server.client({ grantTypes: ['password'], redirectUris: [], allowLegacy: ['password'] })

describe('keyward users unlock', () => {
  const cli = (...argv: string[]) => runCli(argv, home.env)
  const signIn = (address: string, username: string, password: string): Promise<TokenReply> =>
    postToken(
      server,
      { grant_type: 'password', username, password },
      { authorization: basicAuthorization(legacy.client.id, legacy.secret ?? '') },
      fetchFrom(address),
    )

  test('ends the waits of a username at every address, and only of that username', async () => {
    assert.equal((await cli('users', 'create', 'Grace', '--password', 'grace password')).code, 0)
    assert.equal((await cli('users', 'create', 'henry', '--password', 'henry password')).code, 0)
    const addresses = ['127.0.0.8', '127.0.0.9']
    for (const address of addresses) {
      for (const username of ['Grace', 'henry']) {
        for (let guess = 0; guess < SIGN_IN_PAIR_POLICY.limit; guess++)
          await signIn(address, username, `guess ${guess}`)
        assert.equal((await signIn(address, username, `${username.toLowerCase()} password`)).status, 429)
      }
    }

    const unlocked = await cli('users', 'unlock', 'Grace')
    assert.equal(unlocked.code, 0, unlocked.stderr)
    assert.match(unlocked.stdout, /Unlocked Grace/)
    for (const address of addresses) {
      assert.equal((await signIn(address, 'Grace', 'grace password')).status, 200, `from ${address}`)
      assert.equal((await signIn(address, 'henry', 'henry password')).status, 429, 'henry still waits')
    }
  })

  test('an unknown username is an error', async () => {
    const unknown = await cli('users', 'unlock', 'nobody')
    assert.equal(unknown.code, 1)
    assert.match(unknown.stderr, /No user nobody/)
  })
})
