import { OPENID_SCOPE } from '../../oidc/claims.ts'
import { enables } from './legacy-flow-enabled.ts'
import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

// OpenID Connect Core §3.2: sign-in by the implicit flow needs response_type=id_token, which Keyward does not offer
// (RFC 9700 §2.1.2 discourages the implicit grant); response_type=token carries no ID token and no nonce, so a
// client that signs people in that way only learns who they are from an access token meant for someone else.
export const implicitOpenid: LintRule = {
  id: 'implicit-openid',
  check: (input) =>
    eachClient(input, (client) =>
      enables(client, 'implicit') && client.scopes.includes(OPENID_SCOPE)
        ? {
            severity: 'warning',
            clientId: client.id,
            message:
              'The client may ask for openid and has the implicit flow enabled, but the implicit flow returns no ' +
              'ID token here (response_type=id_token is not offered, OpenID Connect Core §3.2), so it cannot ' +
              'learn who signed in from it.',
            fix:
              'Sign people in with the authorization code flow with PKCE and a nonce: its ID token is validated ' +
              'by the client library; then remove implicit from the client.',
          }
        : null,
    ),
}
