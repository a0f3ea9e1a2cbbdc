import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderError } from '../../../src/http/views/error.ts'
import { assertPageRules, forms, tagsNamed } from './markup.ts'

describe('renderError', () => {
  const view = { title: 'This link is broken', message: 'Go back to the application and try again.' }

  test('explains in words, with no form and no link onwards', () => {
    const page = renderError(view)
    assertPageRules(page)
    assert.ok(page.includes('<h1>This link is broken</h1>'))
    assert.ok(page.includes('<p>Go back to the application and try again.</p>'))
    assert.deepEqual(forms(page), [])
    assert.deepEqual(tagsNamed(page, 'a'), [])
  })

  test('shows the error code small when given', () => {
    const page = renderError({ ...view, status: 'invalid_request' })
    assert.ok(page.includes('<p class="error-code">Error code: invalid_request</p>'))
    assert.ok(!renderError(view).includes('error-code'))
  })
})
