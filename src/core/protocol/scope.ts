import { InvalidScope } from '../errors.ts'
import type { ScopeDescription } from '../model/pages.ts'

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/

/** Splits a scope parameter into distinct tokens, in the order given. */
export function parseScope(value: string | undefined): readonly string[] {
  if (value === undefined) return []
  const tokens = value.split(' ').filter((token) => token !== '')
  for (const token of tokens) {
    if (!SCOPE_TOKEN.test(token))
      throw new InvalidScope('The scope parameter contains a character RFC 6749 §3.3 forbids.')
  }
  return [...new Set(tokens)]
}

export function formatScope(scope: readonly string[]): string {
  return scope.join(' ')
}

/**
 * The scope a request ends up with: what it asked for, which must be a subset of what is allowed, or the
 * defaults when it asked for nothing (RFC 6749 §3.3).
 */
export function resolveScope(
  requested: readonly string[],
  allowed: readonly string[],
  defaults: readonly string[],
): readonly string[] {
  if (requested.length === 0) {
    if (defaults.length === 0)
      throw new InvalidScope('No scope was requested and the client has no default scope.')
    return defaults
  }
  const notAllowed = requested.filter((scope) => !allowed.includes(scope))
  if (notAllowed.length > 0) {
    throw new InvalidScope(`The client may not request: ${notAllowed.join(' ')}.`)
  }
  return requested
}

/** True when every scope of `inner` is in `outer`. */
export function isSubset(inner: readonly string[], outer: readonly string[]): boolean {
  return inner.every((scope) => outer.includes(scope))
}

/** Scopes as a person reads them on a consent page: each with the description the operator configured. */
export function scopeDescriptions(
  scope: readonly string[],
  configured: readonly ScopeDescription[],
): readonly ScopeDescription[] {
  const descriptions = new Map(configured.map((entry) => [entry.name, entry.description]))
  return scope.map((name) => ({ name, description: descriptions.get(name) ?? name }))
}
