import { OPENID_SCOPE } from '../../oidc/claims.ts'
import { enables } from './legacy-flow-enabled.ts'
import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

// OpenID Connect Core §3.2 with RFC 9700 §2.1.2: a client with the implicit flow and openid may sign people in with
// response_type=id_token (token), which Keyward answers only with a nonce; the ID token still travels in the URL
// fragment, where history and any script on the page can read it, and is not bound to the browser that asked.
export const implicitOpenid: LintRule = {
  id: 'implicit-openid',
  check: (input) =>
    eachClient(input, (client) =>
      enables(client, 'implicit') && client.scopes.includes(OPENID_SCOPE)
        ? {
            severity: 'warning',
            clientId: client.id,
            message:
              'The client may ask for openid and has the implicit flow enabled: its ID tokens (response_type=' +
              'id_token, or id_token token) come back in the URL fragment, where browser history and any script on ' +
              'the page can read them (RFC 9700 §2.1.2); only the nonce ties one to the sign-in that asked.',
            fix:
              'Sign people in with the authorization code flow with PKCE and a nonce: its ID token comes from the ' +
              'token endpoint and is validated by the client library; then remove implicit from the client.',
          }
        : null,
    ),
}
