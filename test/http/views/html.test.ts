import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { escapeHtml, html, htmlString, raw } from '../../../src/http/views/html.ts'

describe('escapeHtml', () => {
  test('escapes the five characters that matter in text and quoted attributes', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&amp;</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    )
  })

  test('leaves other text alone', () => {
    assert.equal(escapeHtml('Acme Notes – ünïcødé 🙂 = ok'), 'Acme Notes – ünïcødé 🙂 = ok')
  })
})

describe('html', () => {
  test('escapes interpolated strings and numbers', () => {
    assert.equal(
      htmlString(html`<p title="${'"x"'}">${'<b>'} ${42}</p>`),
      '<p title="&quot;x&quot;">&lt;b&gt; 42</p>',
    )
  })

  test('inserts nested fragments and raw markup as they are', () => {
    const inner = html`<em>${'a&b'}</em>`
    assert.equal(htmlString(html`<p>${inner}${raw('<br>')}</p>`), '<p><em>a&amp;b</em><br></p>')
  })

  test('joins arrays, escaping each string in them', () => {
    assert.equal(htmlString(html`<ul>${['<1>', html`<li>2</li>`]}</ul>`), '<ul>&lt;1&gt;<li>2</li></ul>')
  })

  test('renders false, null and undefined as nothing', () => {
    assert.equal(htmlString(html`[${false}${null}${undefined}]`), '[]')
  })

  test('an object shaped like a fragment is not trusted', () => {
    const forged = JSON.parse('{"html":"<script>"}') as never
    assert.throws(() => html`${forged}`, TypeError)
  })
})
