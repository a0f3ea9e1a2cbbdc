import type { LintRule } from './rule.ts'
import { eachProfiledClient } from './rule.ts'

// FAPI 2.0 Security Profile §5.3.2.1 and §5.3.2.2: no password grant, no implicit grant.
export const profileForbiddenGrant: LintRule = {
  id: 'profile-forbidden-grant',
  check: (input) =>
    eachProfiledClient(input, (client, profile) => {
      const forbidden = client.grantTypes.filter((grant) => profile.forbiddenGrantTypes.includes(grant))
      return forbidden.length === 0
        ? null
        : {
            severity: 'error',
            clientId: client.id,
            message: `The ${profile.title} forbids ${forbidden.join(' and ')}, which this client has.`,
            fix: `Remove ${forbidden.join(', ')} from the client's grant types.`,
          }
    }),
}
