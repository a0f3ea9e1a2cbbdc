// Rules for redirect URIs: registration (what may be registered) and matching (what a request may use).

/** RFC 8252 §7.3 and §8.3: loopback means IP literals; `localhost` may resolve elsewhere. */
function isLoopbackIp(hostname: string): boolean {
  return /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]'
}

/** Loopback in the broad sense used for issuers and lint: IP literals and `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  return isLoopbackIp(hostname) || hostname === 'localhost'
}

/**
 * RFC 6749 §3.1.2.3 and §4.1.3: a request may leave redirect_uri out only when exactly one is registered; that one
 * is then used. Undefined when the request must name it.
 */
export function soleRedirectUri(registered: readonly string[]): string | undefined {
  return registered.length === 1 ? registered[0] : undefined
}

/** One way a redirect URI breaks the registration rules: each is a lint error (a `redirect-uri-*` rule). */
export type RedirectUriDefect = 'invalid' | 'fragment' | 'wildcard' | 'http-not-loopback' | 'scheme'

/**
 * Every defect of a redirect URI, in order of gravity; empty when it may be registered. RFC 6749 §3.1.2 and
 * RFC 9700 §4.1.3: absolute, no fragment, no wildcard; https, or http on loopback, or a private-use scheme for
 * native apps (RFC 8252 §7.1).
 */
export function redirectUriDefects(uri: string): RedirectUriDefect[] {
  const url = URL.parse(uri)
  const defects: RedirectUriDefect[] = []
  if (url === null) defects.push('invalid')
  if (uri.includes('#')) defects.push('fragment')
  if (uri.includes('*')) defects.push('wildcard')
  if (url?.protocol === 'http:' && !isLoopbackHost(url.hostname)) defects.push('http-not-loopback')
  // RFC 8252 §7.1: a private-use scheme is a reverse domain name, so it contains a dot.
  if (
    url &&
    !['https:', 'http:'].includes(url.protocol) &&
    !/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)
  )
    defects.push('scheme')
  return defects
}

/**
 * Whether `requested` is one of `registered`. Exact string comparison (RFC 9700 §4.1.3), except that the port
 * of a loopback IP redirect URI may vary (RFC 8252 §7.3).
 */
export function matchesRegisteredRedirectUri(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true
  let url: URL
  try {
    url = new URL(requested)
  } catch {
    return false
  }
  if (url.protocol !== 'http:' || !isLoopbackIp(url.hostname) || url.port === '') return false
  return registered.some((candidate) => {
    try {
      const other = new URL(candidate)
      return (
        other.protocol === 'http:' &&
        other.hostname === url.hostname &&
        withoutPort(other) === withoutPort(url) &&
        !candidate.includes('#')
      )
    } catch {
      return false
    }
  })
}

function withoutPort(url: URL): string {
  return `${url.protocol}//${url.hostname}${url.pathname}${url.search}`
}
