import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderDeviceEntry } from '../../../src/http/views/device-entry.ts'
import { assertPageRules, parseTags, tagsNamed } from './markup.ts'

const base = { action: '/device', csrfToken: 'csrf-3' }

function codeInput(page: string) {
  const [input, ...others] = tagsNamed(page, 'input').filter((tag) => tag.attributes.get('type') !== 'hidden')
  assert.equal(others.length, 0, 'one visible input')
  assert.ok(input)
  return input.attributes
}

describe('renderDeviceEntry', () => {
  test('asks for the code with one focused field that suits typing a code', () => {
    const page = renderDeviceEntry(base)
    assertPageRules(page, 'csrf-3')
    assert.ok(page.includes('<h1>Enter the code shown on your device</h1>'))
    assert.ok(page.includes('>Continue</button>'))
    const input = codeInput(page)
    assert.equal(input.get('name'), 'user_code')
    assert.equal(input.get('autocapitalize'), 'characters')
    assert.equal(input.get('autocomplete'), 'one-time-code')
    assert.equal(input.get('inputmode'), 'text')
    assert.equal(input.get('placeholder'), 'XXXX-XXXX')
    assert.equal(input.get('spellcheck'), 'false')
    assert.ok(input.has('autofocus'))
    assert.equal(input.get('value'), '')
  })

  test('prefills the code from verification_uri_complete', () => {
    assert.equal(codeInput(renderDeviceEntry({ ...base, userCode: 'BCDF-GHJK' })).get('value'), 'BCDF-GHJK')
  })

  test('announces an error and links it to the field', () => {
    const page = renderDeviceEntry({ ...base, userCode: 'BCDF', error: 'That code is not valid.' })
    assertPageRules(page, 'csrf-3')
    const alert = parseTags(page).find((tag) => tag.attributes.get('role') === 'alert')
    const errorId = alert?.attributes.get('id')
    assert.ok(errorId)
    assert.ok(page.includes('role="alert">That code is not valid.</p>'))
    const input = codeInput(page)
    assert.ok(input.get('aria-describedby')?.split(' ').includes(errorId))
    assert.equal(input.get('aria-invalid'), 'true')
  })
})
