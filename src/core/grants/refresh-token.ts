import { InvalidGrant, InvalidScope, type OAuthError } from '../errors.ts'
import type { TokenResponse } from '../model/token.ts'
import { digest } from '../protocol/digest.ts'
import { required } from '../protocol/params.ts'
import { isSubset, parseScope } from '../protocol/scope.ts'
import { issueGrantTokens } from '../tokens/issue.ts'
import type { GrantHandler } from './grant-handler.ts'

interface RefreshInput {
  readonly refreshToken: string
  readonly scope: readonly string[]
}

const INVALID = 'The refresh token is invalid, expired or revoked.'

/**
 * RFC 6749 §6 with rotation: every use returns a new refresh token and retires the old one. Using a retired
 * token again is reuse (RFC 9700 §4.14.2): the whole grant is revoked, for the thief and the client alike.
 */
export const refreshTokenGrant: GrantHandler<RefreshInput> = {
  grantType: 'refresh_token',
  parameters: ['refresh_token', 'scope'],

  parse(params) {
    return { refreshToken: required(params, 'refresh_token'), scope: parseScope(params.get('scope')) }
  },

  async issue(input, ctx) {
    const now = ctx.clock.now()
    const tokenDigest = digest(input.refreshToken)
    // Failures are returned, not thrown, so that a reuse's revocation commits with the transaction.
    const outcome = await ctx.stores.transaction(async (tx): Promise<TokenResponse | OAuthError> => {
      const token = await tx.tokens.getRefreshToken(tokenDigest)
      // RFC 6749 §6: the refresh token was issued to the authenticated client. Checked before anything
      // changes, so another client cannot burn this client's token.
      if (token === null || token.clientId !== ctx.client.id) return new InvalidGrant(INVALID)
      if (token.revokedAt !== null || token.expiresAt <= now || token.absoluteExpiresAt <= now) {
        return new InvalidGrant(INVALID)
      }
      const grant = await tx.grants.get(token.grantId)
      if (grant === null || grant.revokedAt !== null) return new InvalidGrant(INVALID)
      // RFC 6749 §6: the scope may narrow, never widen.
      const scope = input.scope.length === 0 ? token.scope : input.scope
      if (!isSubset(scope, token.scope))
        return new InvalidScope('The scope exceeds what the refresh token was granted.')

      const rotation = await tx.tokens.rotateRefreshToken(tokenDigest, now)
      if (rotation.kind === 'missing') return new InvalidGrant(INVALID)
      if (rotation.kind === 'reused') {
        const rotatedAt = rotation.record.rotatedAt?.getTime() ?? 0
        const withinGrace = now.getTime() - rotatedAt < ctx.config.refreshGracePeriod * 1000
        if (!withinGrace) {
          await tx.grants.revoke(grant.id, now, 'refresh_reuse')
          return new InvalidGrant(
            'The refresh token was already used; the grant is revoked (RFC 9700 §4.14.2).',
          ).asSecurityEvent('refresh_token_reuse')
        }
      }
      return issueGrantTokens(
        tx,
        {
          client: ctx.client,
          grant,
          scope,
          refreshScope: token.scope,
          absoluteExpiresAt: token.absoluteExpiresAt,
        },
        ctx,
      )
    })
    if (outcome instanceof Error) throw outcome
    return outcome
  },
}
