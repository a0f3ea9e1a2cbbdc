import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderDemoHome } from '../../../src/http/views/demo-home.ts'
import { assertPageRules, tagsNamed } from './markup.ts'

const view = {
  issuer: 'http://127.0.0.1:8080',
  username: 'demo',
  password: 'demo-password',
  examples: [
    { title: 'Web app', url: 'http://127.0.0.1:3001/', description: 'Authorization code with PKCE.' },
    {
      title: 'Password grant',
      url: 'http://127.0.0.1:3005/',
      description: 'The app collects your password.',
      legacy: 'Removed in OAuth 2.1: the app sees your password.',
    },
  ],
}

function items(page: string): string[] {
  return [...page.matchAll(/<li class="example">[\s\S]*?<\/li>/g)].map((match) => match[0])
}

describe('renderDemoHome', () => {
  test('shows the issuer and the demo credentials', () => {
    const page = renderDemoHome(view)
    assertPageRules(page)
    assert.ok(page.includes('<code>http://127.0.0.1:8080</code>'))
    assert.ok(page.includes('<dt>Username</dt><dd><code>demo</code></dd>'))
    assert.ok(page.includes('<dt>Password</dt><dd><code>demo-password</code></dd>'))
  })

  test('links every example and labels only legacy ones, with the reason', () => {
    const page = renderDemoHome(view)
    const hrefs = tagsNamed(page, 'a').map((tag) => tag.attributes.get('href'))
    assert.deepEqual(hrefs, ['http://127.0.0.1:3001/', 'http://127.0.0.1:3005/'])
    const [modern, legacy] = items(page)
    assert.ok(modern && !modern.includes('Legacy'))
    assert.ok(legacy?.includes('<span class="badge">Legacy</span>'))
    assert.ok(
      legacy?.includes('<p class="legacy-reason">Removed in OAuth 2.1: the app sees your password.</p>'),
    )
  })

  test('a URL that is not http or https is shown but never linked', () => {
    const page = renderDemoHome({
      ...view,
      examples: [{ title: 'Odd', url: 'javascript:alert(1)', description: 'Not a web page.' }],
    })
    assert.deepEqual(tagsNamed(page, 'a'), [])
    assert.ok(!page.includes('javascript:'))
    assert.ok(page.includes('<span>Odd</span>'))
  })
})
