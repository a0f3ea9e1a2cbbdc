import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { digest } from '../../src/core/protocol/digest.ts'
import { decideOnPages, deviceClient, errorOf, poll, startDevice } from '../support/device-flow.ts'
import { assertOAuthError, redeemCode, refresh, tokensOf } from '../support/oauth-client.ts'
import {
  authorizeCode,
  type Browser,
  codeOf,
  codeRequest,
  formOn,
  newBrowser,
  newPkce,
  issueCode,
} from '../support/flow.ts'
import { jsonOf, runCli, serverAtHome } from '../support/cli.ts'

const NEW_PASSWORD = 'a brand new password'

const { home, server } = await serverAtHome()
const app = await server.client({ name: 'Photo app' })

describe('a password change ends access; keyward users sessions', () => {
  const cli = (...argv: string[]) => runCli(argv, home.env)

  /** A person signed in with a browser (session and remembered consent), and an app holding their refresh token. */
  async function signedIn() {
    const user = await server.user()
    const browser = newBrowser(server.issuer)
    const { code, verifier } = await issueCode(server, { client: app.client, user, scope: 'read', browser })
    const tokens = tokensOf(await redeemCode(server, { ...app, code, verifier }))
    assert.ok(tokens.refreshToken)
    return { user, browser, refreshToken: tokens.refreshToken }
  }

  /** A new authorization request in this browser: a code at once (the session holds), or the login page. */
  async function authorizeAgain(
    browser: Browser,
  ): Promise<{ kind: 'code'; code: string; verifier: string } | { kind: 'login' }> {
    const pkce = newPkce()
    const page = await browser.get(`/authorize?${codeRequest(app.client, pkce, { scope: 'read' })}`)
    if (page.location !== null)
      return { kind: 'code', code: codeOf(new URL(page.location)), verifier: pkce.verifier }
    assert.equal(page.status, 200, page.body.slice(0, 300))
    assert.equal(formOn(page.body)?.action, '/login')
    return { kind: 'login' }
  }

  test('set-password ends the sessions and revokes the refresh tokens, codes and device approvals', async () => {
    const { user, browser, refreshToken } = await signedIn()
    const pending = await authorizeAgain(browser)
    assert.ok(pending.kind === 'code', 'before the change, the session gets a code without a password')
    const device = await deviceClient(server)
    const codes = await startDevice(server, device)
    await decideOnPages(server, codes.userCode, user, 'approve')

    const changed = await cli('users', 'set-password', user.username, '--password', NEW_PASSWORD)
    assert.equal(changed.code, 0, changed.stderr)

    assert.deepEqual(await authorizeAgain(browser), { kind: 'login' }, 'the old session is over')
    assertOAuthError(await refresh(server, app, refreshToken), 400, 'invalid_grant')
    // A code issued before the change is not redeemed after it.
    const late = await redeemCode(server, { ...app, code: pending.code, verifier: pending.verifier })
    assertOAuthError(late, 400, 'invalid_grant')
    assert.equal(errorOf(await poll(server, device, codes.deviceCode)), 'access_denied')
    // Signing in again with the new password works.
    const location = await authorizeCode(server, {
      client: app.client,
      user: { username: user.username, password: NEW_PASSWORD },
      params: { scope: 'read' },
    })
    assert.ok(codeOf(location))
    assert.match(changed.stdout, /signed out/)
  })

  test('--keep-sessions keeps the browser signed in, --keep-tokens keeps the refresh tokens', async () => {
    const keepSessions = await signedIn()
    const kept = await cli(
      'users',
      'set-password',
      keepSessions.user.username,
      '--password',
      NEW_PASSWORD,
      '--keep-sessions',
    )
    assert.equal(kept.code, 0, kept.stderr)
    assert.equal((await authorizeAgain(keepSessions.browser)).kind, 'code')
    assertOAuthError(await refresh(server, app, keepSessions.refreshToken), 400, 'invalid_grant')

    const keepTokens = await signedIn()
    const alsoKept = await cli(
      'users',
      'set-password',
      keepTokens.user.username,
      '--password',
      NEW_PASSWORD,
      '--keep-tokens',
    )
    assert.equal(alsoKept.code, 0, alsoKept.stderr)
    assert.deepEqual(await authorizeAgain(keepTokens.browser), { kind: 'login' })
    tokensOf(await refresh(server, app, keepTokens.refreshToken))
  })

  test('users sessions list shows when each session began and ends, never its id; revoke ends them', async () => {
    const { user, browser, refreshToken } = await signedIn()
    const cookie = browser.cookies.get('kw_session') ?? ''
    assert.ok(cookie)
    const listed = await cli('users', 'sessions', 'list', user.username, '--json')
    const rows = jsonOf<Record<string, string>[]>(listed)
    assert.equal(rows.length, 1)
    assert.deepEqual(Object.keys(rows[0] ?? {}).sort(), ['expires_at', 'signed_in_at'])
    const text = await cli('users', 'sessions', 'list', user.username)
    for (const output of [listed.stdout, text.stdout]) {
      assert.ok(!output.includes(cookie) && !output.includes(digest(cookie)), 'no session id or digest')
    }
    assert.match(text.stdout, /signed in at/)

    const revoked = await cli('users', 'sessions', 'revoke', user.username)
    assert.equal(revoked.code, 0, revoked.stderr)
    assert.match(revoked.stdout, /Ended 1 session/)
    assert.deepEqual(await authorizeAgain(browser), { kind: 'login' })
    tokensOf(await refresh(server, app, refreshToken)) // the apps keep their grants
    assert.deepEqual(jsonOf(await cli('users', 'sessions', 'list', user.username, '--json')), [])
    assert.match((await cli('users', 'sessions', 'list', user.username)).stdout, /No sessions/)

    for (const command of ['list', 'revoke']) {
      const unknown = await cli('users', 'sessions', command, 'nobody')
      assert.equal(unknown.code, 1)
      assert.match(unknown.stderr, /No user nobody/)
    }
  })

  test('the session of a deleted user cannot be used, not even by a new user of the same name', async () => {
    const { user, browser } = await signedIn()
    assert.equal((await cli('users', 'delete', user.username)).code, 0)
    assert.deepEqual(await authorizeAgain(browser), { kind: 'login' })
    assert.equal((await cli('users', 'create', user.username, '--password', NEW_PASSWORD)).code, 0)
    assert.deepEqual(await authorizeAgain(browser), { kind: 'login' })
  })
})
