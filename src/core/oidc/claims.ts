import type { StandardClaims } from '../model/person-claims.ts'
import type { Person } from '../ports/people.ts'

export type ClaimName = keyof StandardClaims

/** OpenID Connect Core §5.4: the claims each scope releases. */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly ClaimName[]>> = {
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
}

/** The scope that asks for an OpenID Connect authentication (Core §3.1.2.1). */
export const OPENID_SCOPE = 'openid'

/** Every standard claim a person can have, in the order of Core §5.1. */
export const STANDARD_CLAIMS: readonly ClaimName[] = Object.values(SCOPE_CLAIMS).flat()

/** Every claim a person has: the username is the preferred_username of one who set none (the profile scope's promise). */
export function claimsOf(person: Person): StandardClaims {
  return { preferred_username: person.username, ...person.claims }
}

/** The names of the claims `scope` releases (Core §5.4). */
export function scopeClaimNames(scope: readonly string[]): ClaimName[] {
  return scope.flatMap((entry) => SCOPE_CLAIMS[entry] ?? [])
}

/** The claims among `names` that a person has; those they do not have are left out. */
export function pickClaims(claims: StandardClaims, names: Iterable<ClaimName>): Partial<StandardClaims> {
  const picked: Record<string, unknown> = {}
  for (const name of names) {
    if (claims[name] !== undefined) picked[name] = claims[name]
  }
  return picked
}

/** The claims of `person` that `scope` releases (Core §5.4); claims the person does not have are left out. */
export function releasedClaims(claims: StandardClaims, scope: readonly string[]): Partial<StandardClaims> {
  return pickClaims(claims, scopeClaimNames(scope))
}
