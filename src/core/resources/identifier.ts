// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":".
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/

/**
 * Why `value` cannot be a resource indicator, or null when it can: RFC 8707 §2 asks for an absolute URI
 * (RFC 3986 §4.3) without a fragment. Indicators are compared as exact strings, never normalized.
 */
export function resourceIdentifierProblem(value: string): string | null {
  if (!SCHEME.test(value) || !URL.canParse(value) || /\s/.test(value)) {
    return `${JSON.stringify(value)} is not an absolute URI.`
  }
  if (value.includes('#'))
    return `${JSON.stringify(value)} has a fragment, which a resource indicator may not have.`
  return null
}

/**
 * The `resource` values of a request. RFC 8707 §2 lets the parameter repeat; the parameter reader keeps its
 * values joined by spaces (no URI holds a raw space), so they are split here, duplicates dropped.
 */
export function parseResources(value: string | undefined): readonly string[] {
  if (value === undefined) return []
  return [...new Set(value.split(' ').filter((entry) => entry !== ''))]
}

/** The `resource` values as the parameter reader keeps them: one value, joined by spaces. */
export function formatResources(resources: readonly string[]): string {
  return resources.join(' ')
}
