import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderAccount } from '../../../src/http/views/account.ts'
import { escapeHtml } from '../../../src/http/views/html.ts'
import { assertPageRules, forms, hiddenFields, parseTags, tagsNamed } from './markup.ts'

const hostile = (field: string) => `<script>alert('${field}')</script>" onfocus="x" '${field}'&amp;`
const at = new Date('2026-11-30T09:30:00Z')

const view = {
  csrfToken: 'csrf-a',
  username: hostile('username'),
  apps: [
    {
      clientId: hostile('clientId'),
      clientName: hostile('clientName'),
      scopes: [{ name: 'read', description: hostile('scope') }],
      allowedAt: at,
    },
  ],
  sessions: [
    { sid: 'sid-here', signedInAt: at, expiresAt: new Date('2026-11-30T17:30:00Z'), current: true },
    { sid: hostile('sid'), signedInAt: at, expiresAt: at, current: false },
  ],
  canChangePassword: true,
  notice: hostile('notice'),
  passwordError: hostile('passwordError'),
}

describe('renderAccount', () => {
  test('keeps the page rules with hostile input, every value escaped', () => {
    const page = renderAccount(view)
    assertPageRules(page, 'csrf-a')
    for (const field of ['username', 'clientName', 'scope', 'notice', 'passwordError']) {
      assert.ok(page.includes(escapeHtml(hostile(field))), field)
    }
    assert.ok(page.includes('30 Nov 2026, 09:30 UTC'), 'dates in words, in UTC')
  })

  test('one form per action, each with the CSRF token, under the issuer path', () => {
    const page = renderAccount({ ...view, basePath: '/auth' })
    const posted = forms(page).map((form) => [
      parseTags(form)[0]?.attributes.get('action'),
      Object.fromEntries(hiddenFields(form)),
    ])
    assert.deepEqual(posted, [
      ['/auth/account/disconnect', { csrf_token: 'csrf-a', client_id: hostile('clientId') }],
      ['/auth/account/sessions/end', { csrf_token: 'csrf-a', sid: 'sid-here' }],
      ['/auth/account/sessions/end', { csrf_token: 'csrf-a', sid: hostile('sid') }],
      ['/auth/account/sessions/end-all', { csrf_token: 'csrf-a' }],
      ['/auth/account/password', { csrf_token: 'csrf-a' }],
    ])
  })

  test('buttons that repeat say which app or session they act on', () => {
    const names = tagsNamed(renderAccount(view), 'button').map((b) => b.attributes.get('aria-label'))
    assert.deepEqual(names.slice(0, 3), [
      `Disconnect ${hostile('clientName')}`,
      'Sign out of this browser',
      'Sign out of the session signed in 30 Nov 2026, 09:30 UTC',
    ])
  })

  test('no password form where passwords are changed elsewhere; no app list when none was allowed', () => {
    const page = renderAccount({ ...view, apps: [], canChangePassword: false })
    assert.ok(!page.includes('/account/password'))
    assert.ok(!page.includes('type="password"'))
    assert.ok(page.includes('You have not allowed any app to use your account.'))
  })
})
