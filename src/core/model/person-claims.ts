/** OpenID Connect Core §5.1.1: a postal address, each part optional. */
export interface AddressClaim {
  readonly formatted?: string
  readonly street_address?: string
  readonly locality?: string
  readonly region?: string
  readonly postal_code?: string
  readonly country?: string
}

/**
 * OpenID Connect Core §5.1: the standard claims about a person, under their wire names. Each is optional: a
 * person has the ones an operator (or the embedding application) set. `sub` is not here: it is the person's id.
 */
export interface StandardClaims {
  readonly name?: string
  readonly given_name?: string
  readonly family_name?: string
  readonly middle_name?: string
  readonly nickname?: string
  readonly preferred_username?: string
  readonly profile?: string
  readonly picture?: string
  readonly website?: string
  readonly gender?: string
  readonly birthdate?: string
  readonly zoneinfo?: string
  readonly locale?: string
  /** Seconds since the epoch when the information was last updated. */
  readonly updated_at?: number
  readonly email?: string
  readonly email_verified?: boolean
  readonly phone_number?: string
  readonly phone_number_verified?: boolean
  readonly address?: AddressClaim
}
