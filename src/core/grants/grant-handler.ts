import type { CoreContext } from '../context.ts'
import type { Client, LegacyFlow } from '../model/client.ts'
import type { TokenResponse } from '../model/token.ts'

/** What a grant handler works with: the authenticated client and the core's dependencies. */
export interface GrantContext extends CoreContext {
  readonly client: Client
  /** The address the token request came from. */
  readonly address: string
  /** RFC 9449 §5: the thumbprint of the key of the request's DPoP proof, which tokens are bound to; or null. */
  readonly dpopJkt: string | null
}

/** One grant type of the token endpoint (RFC 6749 §4): parse its parameters, then issue tokens. */
export interface GrantHandler<Input> {
  /** The wire name of grant_type. */
  readonly grantType: string
  /** The parameters this grant reads; parseGrantRequest strips every other one before `parse`. */
  readonly parameters: readonly string[]
  /** Set on flows RFC 9700 advises against: a client needs an operator's explicit opt-in to use them. */
  readonly legacy?: LegacyFlow
  /** Set on flows that send a person's browser back to the client (RFC 6749 §3.1.2): they need redirect URIs. */
  readonly redirects?: true
  parse(params: ReadonlyMap<string, string>): Input
  issue(input: Input, ctx: GrantContext): Promise<TokenResponse>
}

/** RFC 6749 §3.2: parameters without meaning are ignored, so a grant's parse sees only the ones it declares. */
export function parseGrantRequest<Input>(
  handler: GrantHandler<Input>,
  params: ReadonlyMap<string, string>,
): Input {
  // Looked up by the grant's few names, not by filtering every parameter of the request against them.
  const declared = new Map<string, string>()
  for (const name of handler.parameters) {
    const value = params.get(name)
    if (value !== undefined) declared.set(name, value)
  }
  return handler.parse(declared)
}
