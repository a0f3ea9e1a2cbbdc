import type { LintRule } from './rule.ts'
import { eachProfiledClient } from './rule.ts'

// FAPI 2.0 Security Profile §5.3.2.1: only confidential clients (the profile's clientTypes).
export const profileClientType: LintRule = {
  id: 'profile-client-type',
  check: (input) =>
    eachProfiledClient(input, (client, profile) =>
      profile.clientTypes.includes(client.type)
        ? null
        : {
            severity: 'error',
            clientId: client.id,
            message: `The ${profile.title} admits ${profile.clientTypes.join(' or ')} clients only; this one is ${client.type}.`,
            fix: `Register the client as ${profile.clientTypes.join(' or ')}, or drop --profile ${profile.name}.`,
          },
    ),
}
