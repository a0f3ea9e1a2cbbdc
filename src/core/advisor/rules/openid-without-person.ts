import { OPENID_SCOPE } from '../../oidc/claims.ts'
import { AUTHORIZATION_CODE, DEVICE_CODE, PASSWORD } from '../../protocol/grant-types.ts'
import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

/** The grants in which a person signs in, and so may be named by an ID token (OpenID Connect Core §2). */
const SIGN_IN_GRANTS: readonly string[] = [AUTHORIZATION_CODE, DEVICE_CODE, PASSWORD]

// OpenID Connect Core §3.1.2.1: openid asks for the authentication of a person; a client whose grants involve no
// person (client credentials) can be given the scope but never uses it, which hides a misregistered client.
export const openidWithoutPerson: LintRule = {
  id: 'openid-without-person',
  check: (input) =>
    eachClient(input, (client) =>
      client.scopes.includes(OPENID_SCOPE) &&
      client.grantTypes.length > 0 &&
      !client.grantTypes.some((grantType) => SIGN_IN_GRANTS.includes(grantType))
        ? {
            severity: 'warning',
            clientId: client.id,
            message: `The client may ask for openid, but none of its grant types (${client.grantTypes.join(', ')}) signs a person in, so it never gets an ID token.`,
            fix:
              'Remove openid from a client that acts for itself, or give a client that signs people in the ' +
              'authorization_code grant.',
          }
        : null,
    ),
}
