import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderDeviceConfirm } from '../../../src/http/views/device-confirm.ts'
import { assertPageRules, parseTags, tagsNamed } from './markup.ts'

const view = {
  action: '/device/confirm',
  csrfToken: 'csrf-4',
  clientName: 'Living Room TV',
  username: 'alice',
  userCode: 'BCDF-GHJK',
  scopes: [{ name: 'media:play', description: 'Play your music' }],
  hiddenFields: { user_code: 'BCDFGHJK' },
}

describe('renderDeviceConfirm', () => {
  test('names the client, the scopes and the user, and shows the code to compare', () => {
    const page = renderDeviceConfirm(view)
    assertPageRules(page, 'csrf-4')
    assert.match(page, /<h1><span class="client-name">Living Room TV<\/span> wants to:<\/h1>/)
    assert.match(page, /Play your music<\/span>\n<code class="scope-name">media:play<\/code>/)
    assert.ok(page.includes('<p class="user-code">BCDF-GHJK</p>'))
    assert.match(page, /Signed in as <strong>alice<\/strong>/)
  })

  // RFC 8628 §5.4: remote phishing is the attack this page exists to stop.
  test('warns, before the buttons, to continue only for a device of your own', () => {
    const page = renderDeviceConfirm(view)
    const warning =
      '<p class="warning"><strong>Only continue if you started this on your own device.</strong> If someone sent you this code, deny: they are trying to get access to your account.</p>'
    assert.ok(page.includes(warning))
    assert.ok(page.indexOf(warning) < page.indexOf('<button'))
  })

  test('offers Deny then Allow, and focuses neither', () => {
    const page = renderDeviceConfirm(view)
    const buttons = tagsNamed(page, 'button').map((tag) => tag.attributes.get('value'))
    assert.deepEqual(buttons, ['deny', 'approve'])
    assert.ok(!parseTags(page).some((tag) => tag.attributes.has('autofocus')))
  })
})
