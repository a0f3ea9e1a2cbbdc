import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderConsent } from '../../../src/http/views/consent.ts'
import { assertPageRules, parseTags, tagsNamed } from './markup.ts'

const view = {
  action: '/authorize/consent',
  csrfToken: 'csrf-2',
  clientName: 'Acme Notes',
  username: 'alice',
  scopes: [
    { name: 'notes:read', description: 'Read your notes' },
    { name: 'notes:write', description: 'Change your notes' },
  ],
  hiddenFields: { client_id: 'notes' },
}

describe('renderConsent', () => {
  test('says who asks for what, and who is signed in', () => {
    const page = renderConsent(view)
    assertPageRules(page, 'csrf-2')
    assert.match(page, /<h1><span class="client-name">Acme Notes<\/span> wants to:<\/h1>/)
    assert.match(page, /Read your notes<\/span>\n<code class="scope-name">notes:read<\/code>/)
    assert.match(page, /Change your notes<\/span>\n<code class="scope-name">notes:write<\/code>/)
    assert.match(page, /Signed in as <strong>alice<\/strong>/)
  })

  test('offers Deny then Allow as one form field named decision, and focuses neither', () => {
    const page = renderConsent(view)
    const buttons = tagsNamed(page, 'button').map((tag) => [
      tag.attributes.get('name'),
      tag.attributes.get('value'),
    ])
    assert.deepEqual(buttons, [
      ['decision', 'deny'],
      ['decision', 'approve'],
    ])
    assert.ok(page.includes('value="deny" class="secondary">Deny</button>'))
    assert.ok(page.includes('value="approve" class="primary">Allow</button>'))
    assert.ok(!parseTags(page).some((tag) => tag.attributes.has('autofocus')))
  })

  test('says where the person will be sent, and links to another account under the issuer path', () => {
    const page = renderConsent({
      ...view,
      basePath: '/auth',
      redirectHost: 'notes.example',
      switchAccount: '/login?client_id=notes',
    })
    assertPageRules(page.replace('/auth/assets', '/assets'), 'csrf-2')
    assert.match(page, /Afterwards you will be sent to <strong>notes\.example<\/strong>\./)
    assert.deepEqual(
      tagsNamed(page, 'a').map((a) => a.attributes.get('href')),
      ['/auth/login?client_id=notes&csrf_token=csrf-2'],
      'with the CSRF token GET /login requires',
    )
    assert.ok(page.includes('>Not you? Use another account</a>'))
  })

  test('says so when no specific scope is asked for', () => {
    const page = renderConsent({ ...view, scopes: [] })
    assert.ok(page.includes('with no specific permissions'))
    assert.ok(!page.includes('scope-name'))
  })
})
