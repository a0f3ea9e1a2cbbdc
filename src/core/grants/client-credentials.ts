import { tokenTypeFor } from '../dpop/binding.ts'
import { UnauthorizedClient } from '../errors.ts'
import type { ClientType } from '../model/client.ts'
import { CLIENT_CREDENTIALS } from '../protocol/grant-types.ts'
import { parseScope, resolveScope } from '../protocol/scope.ts'
import { checkScopeFitsTarget, decideTarget } from '../resources/audience.ts'
import { parseResources } from '../resources/identifier.ts'
import { mintAccessToken } from '../tokens/issue.ts'
import type { GrantHandler } from './grant-handler.ts'

/** RFC 6749 §4.4: the client credentials grant MUST only be used by confidential clients. */
export function mayUseClientCredentials(type: ClientType): boolean {
  return type === 'confidential'
}

/**
 * RFC 6749 §4.4: a client acting on its own behalf. The hot path of machine-to-machine traffic: a JWT access
 * token is issued without any database write (only opaque tokens are stored).
 */
export const clientCredentialsGrant: GrantHandler<{
  readonly scope: readonly string[]
  readonly resources: readonly string[]
}> = {
  grantType: CLIENT_CREDENTIALS,
  parameters: ['scope', 'resource'],

  parse(params) {
    return { scope: parseScope(params.get('scope')), resources: parseResources(params.get('resource')) }
  },

  async issue(input, ctx) {
    const { client } = ctx
    if (!mayUseClientCredentials(client.type))
      throw new UnauthorizedClient('Public clients cannot use client_credentials.')
    const scope = resolveScope(input.scope, client.scopes, client.defaultScopes)
    // RFC 8707 §2: the token is for the resources named, else the client's defaults, else the server's audience.
    const target = await decideTarget({ requested: input.resources, client, scope }, ctx)
    checkScopeFitsTarget(scope, target)
    const { dpopJkt } = ctx
    const access = mintAccessToken({ client, subject: client.id, scope, grantId: null, target, dpopJkt }, ctx)
    if (access.record) await ctx.stores.tokens.createAccessToken(access.record)
    // RFC 6749 §4.4.3: a refresh token should not be included.
    return { accessToken: access.token, tokenType: tokenTypeFor(dpopJkt), expiresIn: access.expiresIn, scope }
  },
}
