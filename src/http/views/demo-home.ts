import { html } from './html.ts'
import { page } from './layout.ts'

export interface DemoExample {
  readonly title: string
  readonly url: string
  readonly description: string
  /** Why the flow is legacy; present only for legacy examples. */
  readonly legacy?: string
}

export interface DemoHomeView {
  readonly issuer: string
  readonly examples: readonly DemoExample[]
  readonly username: string
  readonly password: string
}

// Only web links become hrefs: a javascript: URL would run script despite the escaping.
function isWebUrl(url: string): boolean {
  const protocol = URL.parse(url)?.protocol
  return protocol === 'http:' || protocol === 'https:'
}

function exampleItem({ title, url, description, legacy }: DemoExample) {
  const name = isWebUrl(url) ? html`<a href="${url}">${title}</a>` : html`<span>${title}</span>`
  return html`<li class="example">
<p class="example-title">${name}${legacy !== undefined && html` <span class="badge">Legacy</span>`}</p>
<p>${description}</p>
${legacy !== undefined && html`<p class="legacy-reason">${legacy}</p>`}
</li>`
}

export function renderDemoHome({ issuer, examples, username, password }: DemoHomeView): string {
  return page({
    title: 'Demo',
    wide: true,
    body: html`<h1>Keyward demo</h1>
<p>This authorization server is running in demo mode at <code>${issuer}</code>. Open an example application and sign in as the demo user.</p>
<h2>Demo user</h2>
<dl class="credentials">
<dt>Username</dt><dd><code>${username}</code></dd>
<dt>Password</dt><dd><code>${password}</code></dd>
</dl>
<h2>Example applications</h2>
<ul class="examples">
${examples.map(exampleItem)}
</ul>`,
  })
}
