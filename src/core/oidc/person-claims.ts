import { InvalidRequest } from '../errors.ts'
import type { AddressClaim, StandardClaims } from '../model/person-claims.ts'
import { type ClaimName, STANDARD_CLAIMS } from './claims.ts'

export const BOOLEAN_CLAIMS = [
  'email_verified',
  'phone_number_verified',
] as const satisfies readonly ClaimName[]

/** The claims an operator sets as text (Core §5.1): every standard claim but the booleans, address and updated_at. */
export const TEXT_CLAIMS = STANDARD_CLAIMS.filter(
  (name): name is Exclude<ClaimName, (typeof BOOLEAN_CLAIMS)[number] | 'address' | 'updated_at'> =>
    !(BOOLEAN_CLAIMS as readonly string[]).includes(name) && name !== 'address' && name !== 'updated_at',
)

export const ADDRESS_PARTS = [
  'formatted',
  'street_address',
  'locality',
  'region',
  'postal_code',
  'country',
] as const satisfies readonly (keyof AddressClaim)[]

/**
 * A change to a person's claims: a value sets the claim, an empty string removes it. Booleans come as
 * `true`/`false`, address parts one by one.
 */
export type ClaimChanges = Partial<
  Record<Exclude<ClaimName, 'address' | 'updated_at'>, string> &
    Record<`address.${(typeof ADDRESS_PARTS)[number]}`, string>
>

const URL_CLAIMS = new Set<string>(['profile', 'picture', 'website'])

/** Core §5.1: what each claim must look like; null when the value is acceptable. */
function claimProblem(name: string, value: string): string | null {
  if (value.length > 1000) return `${name} has at most 1000 characters.`
  if (URL_CLAIMS.has(name) && !/^https?:\/\/[^\s]+$/.test(value)) return `${name} is an http(s) URL.`
  if (name === 'email' && !/^[^\s@]+@[^\s@]+$/.test(value)) return 'email is an address like ada@example.org.'
  // Core §5.1: birthdate is YYYY-MM-DD (or YYYY, or 0000-MM-DD when the year is withheld).
  if (name === 'birthdate' && !/^\d{4}(-\d{2}-\d{2})?$/.test(value)) return 'birthdate is YYYY-MM-DD or YYYY.'
  // Core §5.1: a BCP 47 language tag such as en-US.
  if (name === 'locale' && !/^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$/.test(value))
    return 'locale is a BCP 47 tag like en-US.'
  return null
}

/**
 * The claims after `changes`, validated; `updated_at` (Core §5.1) becomes `now` when anything changed. The one
 * place claims are checked, for the CLI and the admin API alike: invalid_request says what is wrong with each value.
 */
export function changeClaims(current: StandardClaims, changes: ClaimChanges, now: Date): StandardClaims {
  const next: Record<string, unknown> = { ...current }
  const address: Record<string, string> = { ...current.address }
  const problems: string[] = []
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue
    const [target, name] = key.startsWith('address.') ? [address, key.slice(8)] : [next, key]
    if (value === '') {
      delete target[name]
      continue
    }
    if ((BOOLEAN_CLAIMS as readonly string[]).includes(name)) {
      if (value !== 'true' && value !== 'false') problems.push(`${name} is true or false.`)
      next[name] = value === 'true'
      continue
    }
    const problem = claimProblem(name, value)
    if (problem) problems.push(problem)
    target[name] = value
  }
  if (problems.length > 0) throw new InvalidRequest(problems.join(' '))
  if (Object.keys(address).length > 0) next.address = address
  else delete next.address
  const changed = JSON.stringify({ ...next, updated_at: 0 }) !== JSON.stringify({ ...current, updated_at: 0 })
  if (changed) next.updated_at = Math.floor(now.getTime() / 1000)
  return next as StandardClaims
}
