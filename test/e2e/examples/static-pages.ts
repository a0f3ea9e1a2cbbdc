import assert from 'node:assert/strict'

/** The directives of a Content-Security-Policy header, by name. */
export function cspDirectives(header: string | null): Map<string, string[]> {
  assert.ok(header, 'the page sends a Content-Security-Policy')
  return new Map(
    header
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .map(([name = '', ...values]) => [name, values]),
  )
}

/** Checks a page's headers and markup: script only from its own origin and never inline; fetches only to `connectTo`. */
export async function assertStrictPage(url: string, connectTo: readonly string[]): Promise<string> {
  const response = await fetch(url)
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/)
  const csp = cspDirectives(response.headers.get('content-security-policy'))
  assert.deepEqual(csp.get('default-src'), ["'none'"])
  assert.deepEqual(csp.get('script-src'), ["'self'"])
  assert.deepEqual(csp.get('connect-src'), ["'self'", ...connectTo])
  assert.deepEqual(csp.get('frame-ancestors'), ["'none'"])
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer')
  const html = await response.text()
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
  assert.ok(scripts.length > 0, 'the page loads its script')
  for (const [, attributes = '', body = ''] of scripts) {
    assert.match(attributes, /\bsrc="\/[\w-]+\.js"/, 'every script is a file of this origin')
    assert.equal(body.trim(), '', 'no inline script')
  }
  assert.doesNotMatch(html, /\son\w+=/i, 'no inline event handlers')
  return html
}

/** Every script a page loads: its script elements and, followed through, their static imports. */
export async function scriptsOf(site: string, pagePath: string): Promise<Map<string, string>> {
  const html = await (await fetch(new URL(pagePath, site))).text()
  const pending = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map(([, src = '']) => src)
  const scripts = new Map<string, string>()
  for (let path = pending.shift(); path !== undefined; path = pending.shift()) {
    if (scripts.has(path)) continue
    const response = await fetch(new URL(path, site))
    assert.equal(response.status, 200, `${path} is served`)
    assert.match(response.headers.get('content-type') ?? '', /^text\/javascript/)
    const source = await response.text()
    scripts.set(path, source)
    for (const [, imported = ''] of source.matchAll(/\bfrom\s+'\.\/([\w-]+\.js)'/g))
      pending.push(`/${imported}`)
  }
  return scripts
}

// Anything that would keep a token beyond the page's memory.
const STORAGE_APIS = /localStorage|sessionStorage|document\.cookie|indexedDB|caches\./

export function assertNoStorage(scripts: ReadonlyMap<string, string>): void {
  for (const [path, source] of scripts) {
    assert.doesNotMatch(source, STORAGE_APIS, `${path} keeps nothing in browser storage or cookies`)
  }
}
