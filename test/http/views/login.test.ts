import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderLogin } from '../../../src/http/views/login.ts'
import { assertPageRules, parseTags, type Tag, tagsNamed } from './markup.ts'

const base = { action: '/authorize/login', csrfToken: 'csrf-1', clientName: 'Acme Notes', hiddenFields: {} }

function input(page: string, name: string): Tag {
  const found = tagsNamed(page, 'input').find((tag) => tag.attributes.get('name') === name)
  assert.ok(found, `input ${name}`)
  return found
}

describe('renderLogin', () => {
  test('names the application asking, and keeps the page rules', () => {
    const page = renderLogin(base)
    assertPageRules(page, 'csrf-1')
    assert.match(page, /<h1>Sign in to continue to <span class="client-name">Acme Notes<\/span><\/h1>/)
    assert.match(page, /<title>Sign in to Acme Notes · Keyward<\/title>/)
  })

  test('asks for username and password with the autocomplete hints password managers use', () => {
    const page = renderLogin(base)
    assert.equal(input(page, 'username').attributes.get('autocomplete'), 'username')
    assert.equal(input(page, 'password').attributes.get('autocomplete'), 'current-password')
    assert.equal(input(page, 'password').attributes.get('type'), 'password')
    const [button, ...others] = tagsNamed(page, 'button')
    assert.equal(others.length, 0)
    assert.ok(page.includes('>Sign in</button>'))
    assert.equal(button?.attributes.get('type'), 'submit')
  })

  test('focuses the username first, then the password once the username is known', () => {
    const autofocused = (page: string) =>
      parseTags(page)
        .filter((tag) => tag.attributes.has('autofocus'))
        .map((tag) => tag.attributes.get('name'))
    assert.deepEqual(autofocused(renderLogin(base)), ['username'])
    assert.deepEqual(autofocused(renderLogin({ ...base, username: 'alice' })), ['password'])
  })

  test('keeps the username and never echoes a password', () => {
    const page = renderLogin({ ...base, username: 'alice' })
    assert.equal(input(page, 'username').attributes.get('value'), 'alice')
    assert.equal(input(page, 'password').attributes.has('value'), false)
  })

  test('announces an error above the form and links it to the fields', () => {
    const page = renderLogin({ ...base, username: 'alice', error: 'Incorrect username or password.' })
    const [alert] = parseTags(page).filter((tag) => tag.attributes.get('role') === 'alert')
    assert.ok(alert)
    const id = alert.attributes.get('id')
    assert.ok(alert.index < (tagsNamed(page, 'form')[0]?.index ?? 0), 'the error comes before the form')
    assert.ok(page.includes('role="alert">Incorrect username or password.</p>'))
    for (const name of ['username', 'password']) {
      assert.equal(input(page, name).attributes.get('aria-describedby'), id)
      assert.equal(input(page, name).attributes.get('aria-invalid'), 'true')
    }
  })

  test('shows no alert and marks nothing invalid without an error', () => {
    const page = renderLogin(base)
    assert.ok(!page.includes('role="alert"'))
    assert.ok(!page.includes('aria-invalid'))
  })
})
