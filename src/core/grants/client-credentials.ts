import { UnauthorizedClient } from '../errors.ts'
import { parseScope, resolveScope } from '../protocol/scope.ts'
import { mintAccessToken } from '../tokens/issue.ts'
import type { GrantHandler } from './grant-handler.ts'

/**
 * RFC 6749 §4.4: a client acting on its own behalf. The hot path of machine-to-machine traffic: a JWT access
 * token is issued without any database write (only opaque tokens are stored).
 */
export const clientCredentialsGrant: GrantHandler<{ readonly scope: readonly string[] }> = {
  grantType: 'client_credentials',
  parameters: ['scope'],

  parse(params) {
    return { scope: parseScope(params.get('scope')) }
  },

  async issue(input, ctx) {
    const { client } = ctx
    // RFC 6749 §4.4: confidential clients only; a public client has nothing to prove who it is.
    if (client.type !== 'confidential')
      throw new UnauthorizedClient('Public clients cannot use client_credentials.')
    const scope = resolveScope(input.scope, client.scopes, client.defaultScopes)
    const access = mintAccessToken({ client, subject: client.id, scope, grantId: null }, ctx)
    if (access.record) await ctx.stores.tokens.createAccessToken(access.record)
    // RFC 6749 §4.4.3: a refresh token should not be included.
    return { accessToken: access.token, tokenType: 'Bearer', expiresIn: access.expiresIn, scope }
  },
}
