import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderError } from '../../../src/http/views/error.ts'
import { assertPageRules, forms, tagsNamed } from './markup.ts'

describe('renderError', () => {
  const view = { title: 'This link is broken', message: 'Go back to the application and try again.' }

  test('explains in words, with no form, and is no dead end: a link to the account page', () => {
    const page = renderError(view)
    assertPageRules(page)
    assert.ok(page.includes('<h1>This link is broken</h1>'))
    assert.ok(page.includes('<p>Go back to the application and try again.</p>'))
    assert.deepEqual(forms(page), [])
    assert.deepEqual(
      tagsNamed(page, 'a').map((a) => a.attributes.get('href')),
      ['/account'],
    )
    const mounted = renderError({ ...view, basePath: '/auth' })
    assert.deepEqual(
      tagsNamed(mounted, 'a').map((a) => a.attributes.get('href')),
      ['/auth/account'],
    )
  })

  test("offers the way back to the application's site when known, and the advice given", () => {
    const page = renderError({
      ...view,
      advice: 'Tell its developers.',
      appHome: { name: 'Photo <Album>', url: 'https://photos.example' },
    })
    assertPageRules(page)
    assert.ok(page.includes('<p>Tell its developers.</p>'))
    assert.deepEqual(
      tagsNamed(page, 'a').map((a) => a.attributes.get('href')),
      ['https://photos.example', '/account'],
    )
    assert.ok(page.includes('Return to <span class="client-name">Photo &lt;Album&gt;</span>'))
  })

  test('shows the error code small when given', () => {
    const page = renderError({ ...view, code: 'invalid_request' })
    assert.ok(page.includes('<p class="error-code">Error code: invalid_request</p>'))
    assert.ok(!renderError(view).includes('error-code'))
  })

  test('after too many attempts, says how long to wait in words', () => {
    const wait = (seconds: number) =>
      /<p>Wait ([^<]*) before you try again\.<\/p>/.exec(
        renderError({ ...view, retryAfterSeconds: seconds }),
      )?.[1]
    assert.equal(wait(1), '1 second')
    assert.equal(wait(42), '42 seconds')
    assert.equal(wait(60), '1 minute')
    assert.equal(wait(61), '2 minutes')
    assert.equal(wait(900), '15 minutes')
    assert.ok(!renderError(view).includes('Wait'))
  })
})
