import type { LintRule } from './rule.ts'
import { eachProfiledClient } from './rule.ts'

// FAPI 2.0 Security Profile §5.3.2.1: access tokens are sender-constrained (DPoP or mTLS). Keyward does not bind
// tokens to a client key yet, so a client of such a profile is warned, never refused.
export const profileSenderConstrainedTokens: LintRule = {
  id: 'profile-sender-constrained-tokens',
  check: (input) =>
    eachProfiledClient(input, (client, profile) =>
      profile.senderConstrainedTokens
        ? {
            severity: 'warning',
            clientId: client.id,
            message: `The ${profile.title} requires sender-constrained access tokens (DPoP); Keyward issues bearer tokens to this client.`,
            fix: 'Until DPoP is available, keep access token lifetimes short and the client on a trusted backend.',
          }
        : null,
    ),
}
