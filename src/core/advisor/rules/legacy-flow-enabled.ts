import { legacyFlowOf } from '../../grants/index.ts'
import type { Client, LegacyFlow } from '../../model/client.ts'
import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

/** Whether `client` has the legacy `flow` enabled, by its opt-in or by its grant types. */
export function enables(client: Client, flow: LegacyFlow): boolean {
  return (
    client.legacyFlows.includes(flow) ||
    client.grantTypes.some((grantType) => legacyFlowOf(grantType) === flow)
  )
}

/** A warning on every client that has the legacy `flow` enabled, by its opt-in or by its grant types. */
function legacyFlowRule(id: string, flow: LegacyFlow, message: string, fix: string): LintRule {
  return {
    id,
    check: (input) =>
      eachClient(input, (client) =>
        enables(client, flow) ? { severity: 'warning', clientId: client.id, message, fix } : null,
      ),
  }
}

// RFC 9700 §2.1.2: clients SHOULD NOT use the implicit grant; OAuth 2.1 removes it.
export const legacyImplicitEnabled = legacyFlowRule(
  'legacy-implicit-enabled',
  'implicit',
  'The implicit flow is enabled: it returns the access token in the URL, where history and Referer ' +
    'headers leak it, and cannot bind it to the client (RFC 9700 §2.1.2).',
  'Switch the client to authorization code with PKCE, then remove implicit from its legacy flows.',
)

// RFC 9700 §2.4: the resource owner password credentials grant MUST NOT be used; OAuth 2.1 removes it.
export const legacyPasswordEnabled = legacyFlowRule(
  'legacy-password-enabled',
  'password',
  'The password grant is enabled: the client sees the user’s password, and multi-factor sign-in ' +
    'and consent are impossible (RFC 9700 §2.4).',
  'Move the client to authorization code with PKCE in the system browser (RFC 8252), or the device ' +
    'flow (RFC 8628), then remove password from its legacy flows and grant types.',
)
