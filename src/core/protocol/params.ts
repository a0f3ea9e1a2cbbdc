import { InvalidRequest } from '../errors.ts'

/** Longest value Keyward accepts for any one parameter: generous for URIs and JWTs, small enough to bound memory. */
export const MAX_PARAMETER_LENGTH = 4096

/**
 * RFC 8707 §2: `resource` may be sent several times. Its values are kept as one, joined by spaces, which no URI
 * holds raw (`parseResources` in src/core/resources/identifier.ts splits them again).
 */
const REPEATABLE = new Set(['resource'])

/**
 * Reads form or query parameters into a map. RFC 6749 §3.1 and §3.2: parameters must not be repeated (except
 * the ones a later RFC lets repeat), and parameters sent without a value are treated as omitted.
 */
export function readParameters(source: URLSearchParams): ReadonlyMap<string, string> {
  const params = new Map<string, string>()
  const seen = new Set<string>()
  for (const [name, value] of source) {
    if (seen.has(name) && !REPEATABLE.has(name)) {
      throw new InvalidRequest(`The parameter ${safeName(name)} was sent more than once.`)
    }
    if (value.length > MAX_PARAMETER_LENGTH) {
      throw new InvalidRequest(
        `The parameter ${safeName(name)} is longer than ${MAX_PARAMETER_LENGTH} characters.`,
      )
    }
    // No parameter has a use for a NUL, and PostgreSQL cannot store one in text: bad input, refused here once.
    if (name.includes('\0') || value.includes('\0')) {
      throw new InvalidRequest(`The parameter ${safeName(name)} contains a NUL character.`)
    }
    seen.add(name)
    if (value === '') continue
    const earlier = params.get(name)
    params.set(name, earlier === undefined ? value : `${earlier} ${value}`)
  }
  return params
}

/** A required parameter, or invalid_request naming it. */
export function required(params: ReadonlyMap<string, string>, name: string): string {
  const value = params.get(name)
  if (value === undefined) throw new InvalidRequest(`The ${name} parameter is required.`)
  return value
}

/** The named parameters that are present, as form fields: a request carried through a page unchanged. */
export function pickParameters(
  params: ReadonlyMap<string, string>,
  names: readonly string[],
): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const name of names) {
    const value = params.get(name)
    if (value !== undefined) fields[name] = value
  }
  return fields
}

/** Echoes a parameter name in an error description only when it is a plain identifier. */
function safeName(name: string): string {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(name) ? name : '(unnamed)'
}
